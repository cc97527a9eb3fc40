import datetime
import json

import pytest

from pacesetter.complaints import services
from pacesetter.complaints.enums import CaseStatus
from pacesetter.complaints.models import Case

pytestmark = pytest.mark.django_db


def _post_report(client, city, **kw):
    data = {
        "subject_type": "org",
        "org": city.school.pk,
        "category": "service",
        "real_name": "0",
        "text": "窗口工作人员态度生硬，多次推诿。",
        **kw,
    }
    return client.post("/r/", data, REMOTE_ADDR="10.1.1.1")


def test_public_form_files_anonymous_report_and_shows_number_and_password(city, client):
    assert client.get("/r/").status_code == 200
    response = _post_report(client, city)
    assert response.status_code == 200
    case = Case.objects.get()
    page = response.content.decode()
    assert case.number in page and "查询密码" in page
    assert (case.owner, case.real_name, case.status) == (city.school, False, CaseStatus.RECEIVED)
    # The same session sees the status page without typing the password again.
    status = client.get(f"/r/q/?n={case.number}").content.decode()
    assert "待受理" in status and city.school.name in status


def test_public_form_bad_input_is_a_clear_422_and_nothing_stored(city, client):
    response = _post_report(client, city, text="短")
    assert response.status_code == 422
    assert "反映内容至少需要10个字" in response.content.decode()
    response = _post_report(client, city, category="nope")
    assert response.status_code == 422
    response = client.post("/r/", {"subject_type": "org", "org": "abc"})
    assert response.status_code == 422
    assert Case.objects.count() == 0


def test_public_query_wrong_password_and_unknown_number(city, client, file_case):
    case, password = file_case()
    r = client.post("/r/q/", {"number": case.number, "password": "wrongpass"})
    assert r.status_code == 422 and "还可以尝试 4 次" in r.content.decode()
    r = client.post("/r/q/", {"number": "123", "password": "x"})
    assert r.status_code == 404 and "查无此编号" in r.content.decode()
    r = client.post("/r/q/", {"number": case.number, "password": password})
    assert r.status_code == 200 and case.number in r.content.decode()


def test_public_rate_through_status_page(city, client, file_case):
    case, password = file_case()
    services.case_acknowledge(actor=city.secretary, case=case)
    services.case_verify(
        actor=city.secretary, case=case, checked="走访", checked_by="王", finding="true", evidence="记录"
    )
    services.case_reply(actor=city.secretary, case=case, reply="已经整改，感谢您的监督。")
    r = client.post("/r/q/rate/", {"number": case.number, "level": "basic"})
    assert r.status_code == 302 and r["Location"] == "/r/q/"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REPLIED  # no password in this session yet
    page = client.post("/r/q/", {"number": case.number, "password": password}).content.decode()
    assert "提交评价" in page
    # The choices are radio buttons a thumb can hit, not text-box bars.
    assert page.count('type="radio" name="level"') == 3
    assert (
        page.count('class="form-check-input"') >= 3
        and 'class="form-control" required id="id_level_0"' not in page
    )
    # "Unsatisfied" without a reason is refused once, in plain Chinese, and changes nothing.
    page = client.post(
        "/r/q/rate/", {"number": case.number, "level": "unsatisfied"}, follow=True
    ).content.decode()
    assert page.count("请填写不满意的理由") == 1
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REPLIED
    client.post("/r/q/rate/", {"number": case.number, "level": "basic"})
    assert Case.objects.get(pk=case.pk).outcome == "basic"


def test_public_rules_and_org_page_block(city, client, file_case):
    assert "一次性告知" in client.get("/r/rules/").content.decode()
    case, _ = file_case()
    page = client.get(f"/p/orgs/{city.school.pk}/").content.decode()
    assert 'data-testid="public-case-stats"' in page
    # The header's 我要反映 on an organisation's page reports about that organisation.
    assert f'href="/r/?org={city.school.pk}" data-testid="report-link"' in page
    wall = client.get(f"/wall/org/{city.school.pk}/").content.decode()
    assert f'href="/r/?org={city.school.pk}" data-testid="report-link"' in wall


def test_handler_detail_offers_only_allowed_actions(city, client_for, file_case):
    case, _ = file_case()
    page = client_for(city.secretary).get(f"/complaints/{case.pk}/").content.decode()
    assert 'data-testid="act-acknowledge"' in page and 'data-testid="act-transfer"' in page
    assert 'data-testid="act-verify"' not in page and 'data-testid="act-recategorise"' not in page
    office = client_for(city.office).get(f"/complaints/{case.pk}/").content.decode()
    assert 'data-testid="act-recategorise"' in office
    assert client_for(city.town_secretary).get(f"/complaints/{case.pk}/").status_code == 404


def test_handler_acts_through_pages(city, client_for, file_case):
    case, _ = file_case()
    c = client_for(city.secretary)
    assert c.post(f"/complaints/{case.pk}/act/", {"action": "acknowledge"}).status_code == 302
    r = c.post(f"/complaints/{case.pk}/act/", {"action": "verify", "checked": "", "checked_by": "王"})
    assert r.status_code == 422
    r = c.post(f"/complaints/{case.pk}/act/", {"action": "reply", "reply": "答复内容足够长了吧。"})
    assert r.status_code == 409
    r = c.post(
        f"/complaints/{case.pk}/act/",
        {"action": "verify", "checked": "走访", "checked_by": "王", "finding": "false", "evidence": "记录"},
    )
    assert r.status_code == 302
    assert c.post(f"/complaints/{case.pk}/act/", {"action": "close"}).status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert c.post(f"/complaints/{case.pk}/act/", {"action": "bogus"}).status_code == 404


def test_handler_inbox_and_stats_and_xlsx(city, client_for, file_case, django_assert_max_num_queries):
    case, _ = file_case()
    c = client_for(city.secretary)
    assert case.number in c.get("/complaints/").content.decode()
    month = datetime.date.today().strftime("%Y-%m")
    assert "合计" in c.get(f"/complaints/stats/?month={month}").content.decode()
    r = c.get(f"/complaints/stats.xlsx?month={month}")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    assert client_for(city.office).get("/complaints/triage/").status_code == 200
    assert client_for(city.secretary).get("/complaints/triage/").status_code == 403


def test_api_public_file_query_rate_and_handler_actions(city, client, client_for):
    r = client.post(
        "/api/public/cases",
        json.dumps(
            {
                "subject_type": "org",
                "subject_id": city.school.pk,
                "category": "other",
                "text": "通过接口反映的问题，内容足够长。",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    filed = r.json()
    case = Case.objects.get(number=filed["number"])
    api = client_for(city.secretary)
    rows = api.get("/api/cases").json()
    assert [row["number"] for row in rows] == [case.number]
    r = api.post(f"/api/cases/{case.pk}/actions", {"action": "acknowledge"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "processing"
    r = api.post(f"/api/cases/{case.pk}/actions", {"action": "close"}, content_type="application/json")
    assert r.status_code == 409
    r = api.post(
        f"/api/cases/{case.pk}/actions",
        {"action": "verify", "checked": "x", "checked_by": "y", "finding": "true", "evidence": "z"},
        content_type="application/json",
    )
    assert r.json()["allowed_actions"] == ["reply", "close"]
    api.post(
        f"/api/cases/{case.pk}/actions",
        {"action": "reply", "reply": "已核实，并已整改完毕。"},
        content_type="application/json",
    )
    q = {"number": filed["number"], "password": filed["password"]}
    r = client.post("/api/public/cases/query", q, content_type="application/json")
    assert r.json()["can_rate"] is True and r.json()["reply"] == "已核实，并已整改完毕。"
    r = client.post("/api/public/cases/rate", {**q, "level": "satisfied"}, content_type="application/json")
    assert r.json()["status"] == "closed"
    r = client.post("/api/public/cases/query", {**q, "password": "bad"}, content_type="application/json")
    assert r.status_code == 422
    stats = api.get("/api/cases/stats").json()
    assert stats["total"]["received"] == 1 and stats["total"]["satisfied"] == 1
    assert client_for(city.town_secretary).get(f"/api/cases/{case.pk}").status_code == 404


def test_inbox_query_count_is_bounded(city, client_for, file_case, django_assert_max_num_queries):
    for i in range(3):
        file_case(ip=f"10.0.1.{i}")
    c = client_for(city.secretary)
    c.get("/complaints/")
    for i in range(3, 8):
        file_case(ip=f"10.0.1.{i}")
    with django_assert_max_num_queries(12):
        c.get("/complaints/")


def test_stats_query_count_does_not_grow_with_children(city, client_for, django_assert_max_num_queries):
    from tests.factories import make_org

    c = client_for(city.office)
    c.get("/complaints/stats/")
    for i in range(5):
        make_org(f"新区委{i}", city.city)
    with django_assert_max_num_queries(10):
        assert c.get("/complaints/stats/").status_code == 200


def test_api_office_actions_recategorise_publish_and_rectify(city, client_for, file_case):
    from pacesetter.supervision.models import Rectification

    case, _ = file_case()
    office = client_for(city.office)
    url = f"/api/cases/{case.pk}/actions"
    r = client_for(city.secretary).post(
        url, {"action": "recategorise", "category": "other"}, content_type="application/json"
    )
    assert r.status_code == 403
    r = office.post(
        url, {"action": "recategorise", "category": "suggestion"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["category"] == "意见建议"
    office.post(url, {"action": "acknowledge"}, content_type="application/json")
    office.post(
        url,
        {"action": "verify", "checked": "走访", "checked_by": "王", "finding": "true", "evidence": "记录"},
        content_type="application/json",
    )
    inspector = client_for(city.inspector)
    r = inspector.post(
        url, {"action": "reply", "reply": "已核实，正在整改中。"}, content_type="application/json"
    )
    assert r.status_code == 403  # an inspector reads cases but takes no step of the table
    r = inspector.post(
        url,
        {"action": "rectify", "problem": "拖拉", "measures_required": "建立台账", "working_days": 10},
        content_type="application/json",
    )
    # supervision.manage: an inspector may turn a verified finding into a rectification order
    assert r.status_code == 200 and Rectification.objects.get().case_id == case.pk
    r = office.post(
        url,
        {"action": "publish", "summary": "群众反映办事拖拉", "reply": "已整改"},
        content_type="application/json",
    )
    assert r.status_code == 409  # open cases are not published
    office.post(url, {"action": "close"}, content_type="application/json")
    r = office.post(
        url,
        {"action": "publish", "summary": "群众反映办事拖拉", "reply": "已整改"},
        content_type="application/json",
    )
    assert r.status_code == 200
    page = client_for(None).get(f"/p/orgs/{city.school.pk}/").content.decode()
    assert "群众反映办事拖拉" in page and case.text not in page


def test_progress_dashboard_shows_this_month_s_case_figures(city, client_for, file_case):
    from tests.commitments.conftest import make_campaign

    make_campaign(city)
    file_case()
    page = client_for(city.office).get("/progress/").content.decode()
    assert 'data-testid="progress-cases"' in page and "收到 1 件" in page


def test_report_about_a_public_commitment_from_its_page(city, client):
    from django.utils import timezone

    from pacesetter.commitments.enums import CommitmentStatus
    from pacesetter.commitments.models import Commitment
    from pacesetter.complaints.services import categories_ensure
    from tests.commitments.conftest import make_campaign, org_commitment

    categories_ensure()
    c = org_commitment(city, make_campaign(city))
    Commitment.objects.filter(pk=c.pk).update(status=CommitmentStatus.PUBLISHED, published_at=timezone.now())
    page = client.get(f"/wall/c/{c.pk}/").content.decode()
    assert f"/r/?commitment={c.pk}" in page
    assert f'href="/r/?commitment={c.pk}" data-testid="report-link"' in page
    assert c.title in client.get(f"/r/?commitment={c.pk}").content.decode()
    r = client.post(
        f"/r/?commitment={c.pk}",
        {
            "subject_type": "commitment",
            "commitment": c.pk,
            "org": c.organisation_id,
            "category": "commitment",
            "real_name": "0",
            "text": "承诺的事情到现在还没有办。",
        },
    )
    assert r.status_code == 200
    case = Case.objects.get()
    assert (case.subject_commitment, case.owner) == (c, c.organisation)
