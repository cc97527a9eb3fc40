"""Attachments: type and size checks with clear messages, frozen with each version, access-checked download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.plans import services
from pacesetter.plans.enums import ATTACHMENT_MAX_BYTES
from pacesetter.plans.models import PlanAttachment

from .conftest import BODY

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def plan(campaign, city, school_secretary):
    return services.plan_save(
        actor=school_secretary, campaign=campaign, org=city.school, title="方案", body=BODY
    )


def _pdf(name="活动安排.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_upload_pdf_stored_under_media_plans(plan, school_secretary, media_root):
    att = services.attachment_add(actor=school_secretary, plan=plan, upload=_pdf())
    assert (att.original_name, att.size, att.version) == ("活动安排.pdf", len(PDF), None)
    assert att.file.name.startswith(f"plans/{plan.campaign_id}/{plan.organisation_id}/")
    assert (media_root / att.file.name).read_bytes() == PDF


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.exe", b"MZ\x90\x00", "不支持“virus.exe”的文件类型"),
        ("noext", PDF, "不支持"),
        ("fake.pdf", b"MZ\x90\x00fake", "内容与扩展名 .pdf 不符"),
        ("empty.docx", b"", "空文件"),
        ("photo.png", b"\xff\xd8\xff\xe0", "内容与扩展名 .png 不符"),
    ],
)
def test_upload_refused_with_clear_message(plan, school_secretary, name, content, message):
    with pytest.raises(ValidationError, match=message) as exc:
        services.attachment_add(actor=school_secretary, plan=plan, upload=SimpleUploadedFile(name, content))
    assert exc.value.field == "file"
    assert not PlanAttachment.objects.exists()


def test_upload_too_large_refused(plan, school_secretary):
    big = _pdf("big.pdf", PDF + b"0" * ATTACHMENT_MAX_BYTES)
    with pytest.raises(ValidationError, match="超过 10 MB 的限制"):
        services.attachment_add(actor=school_secretary, plan=plan, upload=big)


def test_upload_refused_for_other_subtree_and_after_submit(plan, city, school_secretary):
    with pytest.raises(PermissionDeniedError):
        services.attachment_add(actor=city.town_secretary, plan=plan, upload=_pdf())
    services.plan_submit(actor=school_secretary, plan=plan)
    with pytest.raises(StateError, match="不能再添加附件"):
        services.attachment_add(actor=school_secretary, plan=plan, upload=_pdf())


def test_attachments_frozen_with_each_version(plan, city, school_secretary):
    a = services.attachment_add(actor=school_secretary, plan=plan, upload=_pdf("一.pdf"))
    services.plan_submit(actor=school_secretary, plan=plan)
    services.plan_decide(actor=city.secretary, plan=plan, decision="return", comment="补材料")
    services.attachment_remove(actor=school_secretary, attachment=a)
    services.attachment_add(actor=school_secretary, plan=plan, upload=_pdf("二.pdf"))
    services.plan_submit(actor=school_secretary, plan=plan)
    frozen = list(
        PlanAttachment.objects.filter(version__isnull=False)
        .order_by("version__number")
        .values_list("version__number", "original_name")
    )
    assert frozen == [(1, "一.pdf"), (2, "二.pdf")]
    v1 = PlanAttachment.objects.get(version__number=1)
    assert v1.file.read() == PDF  # the file stays for the history after removal from the working set
    with pytest.raises(StateError, match="已随方案报送"):
        services.attachment_remove(actor=school_secretary, attachment=v1)


def test_download_is_access_checked(plan, city, school_secretary, client_for):
    att = services.attachment_add(actor=school_secretary, plan=plan, upload=_pdf())
    url = f"/plans/attachments/{att.pk}/"
    r = client_for(school_secretary).get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert "attachment" in r["Content-Disposition"]
    assert client_for(city.town_secretary).get(url).status_code == 404
    assert client_for(city.member_user).get(url).status_code == 404  # a draft is not public
    assert client_for(city.outsider).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    services.plan_submit(actor=school_secretary, plan=plan)
    services.plan_decide(actor=city.secretary, plan=plan, decision="approve")
    assert client_for(city.member_user).get(url).status_code == 200  # approved: open to the branch
    assert client_for(city.town_secretary).get(url).status_code == 404


def test_upload_and_delete_pages(plan, city, school_secretary, client_for):
    c = client_for(school_secretary)
    r = c.post(f"/plans/{plan.pk}/attachments/", {"file": SimpleUploadedFile("x.exe", b"MZ")}, follow=True)
    assert "不支持“x.exe”的文件类型" in r.content.decode()
    r = c.post(f"/plans/{plan.pk}/attachments/", {"file": _pdf()}, follow=True)
    assert "已上传附件“活动安排.pdf”" in r.content.decode()
    att = PlanAttachment.objects.get()
    r = client_for(city.town_secretary).post(f"/plans/attachments/{att.pk}/delete/")
    assert r.status_code == 404 and PlanAttachment.objects.count() == 1
    c.post(f"/plans/attachments/{att.pk}/delete/")
    assert not PlanAttachment.objects.exists()
