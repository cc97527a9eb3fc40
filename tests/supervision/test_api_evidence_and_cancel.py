"""Evidence upload and download through the API, and calling off a planned inspection (page and API)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.core.errors import PermissionDeniedError, StateError
from pacesetter.core.models import AuditEntry
from pacesetter.supervision import services
from pacesetter.supervision.enums import InspectionStatus, Method
from pacesetter.supervision.enums import RectificationStatus as RS
from pacesetter.supervision.models import Evidence, Inspection
from tests.supervision.test_rectification import PDF, issue

JSON = "application/json"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


# ---------------------------------------------------------------- evidence through the API


def test_api_report_with_evidence_is_stored_and_audited(sup, client_for, media):
    order = issue(sup)
    sec = client_for(sup.secretary)
    r = sec.post(
        f"/api/supervision/rectifications/{order.pk}/report",
        {
            "text": "已补齐台账",
            "files": [
                SimpleUploadedFile("台账.pdf", PDF, "application/pdf"),
                SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\nrest", "image/png"),
            ],
        },
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == RS.REPORTED
    evidence = list(Evidence.objects.filter(report__rectification=order).order_by("id"))
    assert [e.original_name for e in evidence] == ["台账.pdf", "现场.png"]
    assert len(stored_files(media)) == 2
    assert evidence[0].file.read() == PDF
    report = order.reports.get()
    assert report.measures_taken == "已补齐台账" and report.reported_by == sup.secretary
    entry = AuditEntry.objects.get(action="rectification.report", object_id=str(order.pk))
    assert entry.actor == sup.secretary
    assert entry.changes["_"]["files"] == ["台账.pdf", "现场.png"]
    assert entry.changes["status"] == [RS.IN_PROGRESS, RS.REPORTED]

    listed = sec.get(f"/api/supervision/rectifications/{order.pk}/evidence").json()
    assert [(e["original_name"], e["size"]) for e in listed] == [("台账.pdf", len(PDF)), ("现场.png", 12)]
    assert listed[0]["url"] == f"/api/supervision/evidence/{evidence[0].pk}"
    r = sec.get(listed[0]["url"])
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PDF
    assert "attachment" in r["Content-Disposition"]
    # The issuer (leader) sees it too.
    assert client_for(sup.leader).get(listed[0]["url"]).status_code == 200


def test_api_report_json_without_files_still_works(sup, client_for):
    order = issue(sup)
    r = client_for(sup.secretary).post(
        f"/api/supervision/rectifications/{order.pk}/report",
        {"text": "已改"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == RS.REPORTED
    assert not Evidence.objects.exists()


def test_api_report_refuses_renamed_exe_and_stores_nothing(sup, client_for, media):
    order = issue(sup)
    sec = client_for(sup.secretary)
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    r = sec.post(
        f"/api/supervision/rectifications/{order.pk}/report",
        {
            "text": "已改",
            "files": [
                SimpleUploadedFile("台账.pdf", PDF, "application/pdf"),
                SimpleUploadedFile("证明.pdf", exe, "application/pdf"),
            ],
        },
    )
    assert r.status_code == 422, r.content
    assert r.json() == {
        "code": "validation_error",
        "message": "“证明.pdf”的内容与扩展名 .pdf 不符，请上传原始文件",
        "field": "files",
    }
    r = sec.post(
        f"/api/supervision/rectifications/{order.pk}/report",
        {"text": "已改", "files": [SimpleUploadedFile("setup.exe", exe, "application/octet-stream")]},
    )
    assert r.status_code == 422
    assert r.json()["message"].startswith("不支持“setup.exe”的文件类型")
    order.refresh_from_db()
    assert order.status == RS.IN_PROGRESS
    assert not order.reports.exists() and not Evidence.objects.exists()
    assert stored_files(media) == []
    assert not AuditEntry.objects.filter(action="rectification.report").exists()


def test_api_report_refused_for_other_orgs_and_missing_text(sup, client_for, media):
    order = issue(sup)
    pdf = SimpleUploadedFile("a.pdf", PDF, "application/pdf")
    r = client_for(sup.town_secretary).post(
        f"/api/supervision/rectifications/{order.pk}/report", {"text": "x", "files": [pdf]}
    )
    assert r.status_code == 404
    r = client_for(sup.secretary).post(f"/api/supervision/rectifications/{order.pk}/report", {"files": [pdf]})
    assert r.status_code == 422
    assert stored_files(media) == []


def test_api_evidence_download_is_access_checked_like_the_page(sup, client_for, media):
    order = issue(sup)
    report = services.rectification_report(
        actor=sup.secretary,
        rectification=order,
        measures_taken="x",
        uploads=[SimpleUploadedFile("证明.pdf", PDF, "application/pdf")],
    )
    ev = report.evidence.get()
    api_url, page_url = f"/api/supervision/evidence/{ev.pk}", f"/supervision/evidence/{ev.pk}/"
    for user, status in [
        (sup.secretary, 200),
        (sup.office, 200),
        (sup.town_secretary, 404),  # may view progress, but not this organisation's orders
    ]:
        assert client_for(user).get(page_url).status_code == status
        assert client_for(user).get(api_url).status_code == status
    r = client_for(sup.town_secretary).get(api_url)
    assert r.json()["code"] == "not_found"
    listing = f"/api/supervision/rectifications/{order.pk}/evidence"
    assert client_for(sup.town_secretary).get(listing).status_code == 404
    assert client_for(sup.member_user).get(api_url).status_code == 403  # no progress.view at all
    assert client_for(None).get(api_url).status_code == 401
    assert client_for(sup.secretary).get(f"/api/supervision/evidence/{ev.pk + 100}").status_code == 404


# ---------------------------------------------------------------- cancelling an inspection


@pytest.fixture
def team(city):
    return services.team_create(actor=city.office, org=city.city, name="第一督查组", members=[city.inspector])


def plan(city, team, method=Method.REPORT) -> Inspection:
    return services.inspection_plan(
        actor=city.office,
        org=city.school,
        method=method,
        planned_on=dt.date(2026, 3, 5),
        subject="检查台账",
        team=team,
    )


def test_office_cancels_through_the_api_with_a_reason(city, team, client_for):
    insp = plan(city, team)
    r = client_for(city.office).post(
        f"/api/supervision/inspections/{insp.pk}/cancel",
        {"reason": "与上级检查时间冲突"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == InspectionStatus.CANCELLED
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.CANCELLED
    entry = AuditEntry.objects.get(action="inspection.cancel", object_id=str(insp.pk))
    assert entry.actor == city.office
    assert entry.changes["status"] == [InspectionStatus.PLANNED, InspectionStatus.CANCELLED]
    assert entry.changes["_"]["reason"] == "与上级检查时间冲突"
    assert city.inspector.notifications.filter(title__startswith="督查已取消").exists()
    assert city.secretary.notifications.filter(title__startswith="督查已取消").exists()


def test_team_inspector_cancels_through_the_api_without_a_body(city, team, client_for):
    insp = plan(city, team)
    r = client_for(city.inspector).post(f"/api/supervision/inspections/{insp.pk}/cancel", content_type=JSON)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == InspectionStatus.CANCELLED


def test_secretary_of_the_inspected_org_cannot_cancel(city, team, client_for):
    insp = plan(city, team)
    with pytest.raises(PermissionDeniedError) as exc:
        services.inspection_cancel(actor=city.secretary, inspection=insp)
    assert str(exc.value.message) == "只有督查小组成员或活动办公室可以取消督查"
    r = client_for(city.secretary).post(
        f"/api/supervision/inspections/{insp.pk}/cancel", {}, content_type="application/json"
    )
    assert r.status_code == 403
    assert r.json() == {"code": "permission_denied", "message": "您没有权限访问此页面"}
    r = client_for(city.secretary).post(f"/supervision/inspections/{insp.pk}/cancel/", {"reason": "x"})
    assert r.status_code == 403
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.PLANNED
    assert not AuditEntry.objects.filter(action="inspection.cancel").exists()


def test_inspector_not_on_the_team_cannot_cancel(city, client_for):
    insp = plan(city, None)
    with pytest.raises(PermissionDeniedError, match="只有督查小组成员或活动办公室可以取消督查"):
        services.inspection_cancel(actor=city.inspector, inspection=insp)
    r = client_for(city.inspector).post(f"/api/supervision/inspections/{insp.pk}/cancel", content_type=JSON)
    assert r.status_code == 403
    assert r.json()["message"] == "只有督查小组成员或活动办公室可以取消督查"


def test_a_filed_inspection_cannot_be_cancelled(city, team, client_for):
    insp = plan(city, team)
    services.inspection_file(actor=city.inspector, inspection=insp, record="记录")
    with pytest.raises(StateError, match="当前状态为“已形成记录”，不能取消"):
        services.inspection_cancel(actor=city.office, inspection=insp)
    r = client_for(city.office).post(f"/api/supervision/inspections/{insp.pk}/cancel", content_type=JSON)
    assert r.status_code == 409
    assert r.json()["message"] == "当前状态为“已形成记录”，不能取消"
    page = client_for(city.office)
    r = page.post(f"/supervision/inspections/{insp.pk}/cancel/", {"reason": ""}, follow=True)
    assert r.status_code == 200
    assert "当前状态为“已形成记录”，不能取消" in r.content.decode()
    assert 'data-testid="cancel-inspection"' not in r.content.decode()
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.FILED
    assert not AuditEntry.objects.filter(action="inspection.cancel").exists()


def test_cancel_button_on_the_detail_page(city, team, client_for):
    insp = plan(city, team)
    url = f"/supervision/inspections/{insp.pk}/"
    assert 'data-testid="cancel-inspection"' not in client_for(city.secretary).get(url).content.decode()
    office = client_for(city.office)
    html = office.get(url).content.decode()
    assert 'data-testid="cancel-inspection"' in html
    assert f'action="/supervision/inspections/{insp.pk}/cancel/"' in html
    assert "csrfmiddlewaretoken" in html and 'name="reason"' in html
    assert office.get(f"/supervision/inspections/{insp.pk}/cancel/").status_code == 405
    r = office.post(f"/supervision/inspections/{insp.pk}/cancel/", {"reason": "改期"})
    assert r.status_code == 302 and r["Location"] == url
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.CANCELLED
    assert AuditEntry.objects.get(action="inspection.cancel").changes["_"]["reason"] == "改期"
    html = office.get(url).content.decode()
    assert "已取消" in html and 'data-testid="cancel-inspection"' not in html


def test_cancel_page_needs_the_csrf_token(city, team):
    from django.test import Client

    insp = plan(city, team)
    c = Client(enforce_csrf_checks=True)
    c.force_login(city.office)
    assert c.post(f"/supervision/inspections/{insp.pk}/cancel/", {"reason": ""}).status_code == 403
    assert c.post(f"/api/supervision/inspections/{insp.pk}/cancel", content_type=JSON).status_code == 401
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.PLANNED
