"""征求意见 on a draft plan: opened for a period, comments once per person (members by account, the public
by a confirmed phone or a slip), moderated without editing, answered 采纳/部分采纳/未采纳, the 采纳情况
published after the period; approval waits for it; the public page and the API."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from pacesetter import onecount
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry, PhoneCode
from pacesetter.core.services import token_create
from pacesetter.notifications import sms
from pacesetter.plans import consultations, services
from pacesetter.plans.enums import CommentModeration, ConsultationStatus, PlanStatus
from pacesetter.plans.models import Consultation, ConsultationComment

from .conftest import BODY

PHONE = "13812345678"


@pytest.fixture
def texts(settings):
    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    settings.ONECOUNT_TEXTS_PER_PHONE_PER_DAY = 50
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _code(texts) -> str:
    return re.search(r"\d{6}", texts[-1][1]).group(0)


@pytest.fixture
def draft(campaign, city, school_secretary):
    return services.plan_save(
        actor=school_secretary, campaign=campaign, org=city.school, title="校方案", body=BODY
    )


@pytest.fixture
def opened(draft, school_secretary):
    return consultations.consultation_open(
        actor=school_secretary, plan=draft, closes_on=timezone.localdate() + datetime.timedelta(days=7)
    )


def _phone_comment(c, texts, body="建议增加为民服务的具体措施", phone=PHONE, ip="10.0.0.1"):
    PhoneCode.objects.all().delete()  # no resend wait between the test's texts
    consultations.comment_phone_code_send(consultation=c, phone=phone, ip=ip)
    return consultations.comment_submit(consultation=c, body=body, ip=ip, phone=phone, code=_code(texts))


def _end_period(c):
    Consultation.objects.filter(pk=c.pk).update(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    c.refresh_from_db()


def test_open_snapshots_draft_with_audit_and_refusals(draft, opened, city, school_secretary):
    assert (opened.status, opened.title, opened.body) == (ConsultationStatus.OPEN, "校方案", draft.body)
    assert AuditEntry.objects.filter(action="plan.consultation_open").count() == 1
    with pytest.raises(StateError):  # once per plan
        consultations.consultation_open(
            actor=school_secretary, plan=draft, closes_on=timezone.localdate() + datetime.timedelta(days=3)
        )
    with pytest.raises(PermissionDeniedError):
        consultations.consultation_open(actor=city.member_user, plan=draft, closes_on="2030-01-01")


@pytest.mark.parametrize(
    "closes_on",
    ["", "明天", "2026/13/40", "x" * 10_000, "\x00", "0", "9999-12-31"],
)
def test_open_bad_dates_refused_naming_the_field(campaign, city, school_secretary, closes_on):
    plan = services.plan_save(
        actor=school_secretary, campaign=campaign, org=city.school, title="t", body=BODY
    )
    with pytest.raises(ValidationError) as exc:
        consultations.consultation_open(actor=school_secretary, plan=plan, closes_on=closes_on)
    assert exc.value.field == "closes_on" and not Consultation.objects.exists()


def test_open_only_before_submission(draft, school_secretary):
    services.plan_submit(actor=school_secretary, plan=draft)
    with pytest.raises(StateError, match="报送前"):
        consultations.consultation_open(
            actor=school_secretary, plan=draft, closes_on=timezone.localdate() + datetime.timedelta(days=3)
        )


def test_each_person_comments_once(opened, city, texts):
    member = consultations.comment_submit(
        consultation=opened, body="党员意见", ip="10.0.0.2", user=city.member_user
    )
    assert (member.source, member.verification, member.moderation) == ("member", "account", "pending")
    with pytest.raises(StateError, match="每人只能提交一条"):
        consultations.comment_submit(
            consultation=opened, body="再提一条", ip="10.0.0.2", user=city.member_user
        )
    public = _phone_comment(opened, texts)
    assert (public.source, public.verification) == ("public", "phone")
    assert public.person_key == onecount.phone_key(PHONE)
    with pytest.raises(StateError, match="每人只能提交一条"):
        _phone_comment(opened, texts, body="换个说法再提")
    with pytest.raises(StateError, match="每人只能提交一条"):  # the key remembered by a session
        consultations.comment_submit(
            consultation=opened, body="x", ip="10.0.0.9", person_key=public.person_key
        )
    # a printed slip of the organisation counts as a person too
    sheet = onecount.slip_sheet_create(actor=city.office, org=city.school, count=1)
    slip = consultations.comment_submit(
        consultation=opened, body="凭条意见", ip="10.0.0.3", slip=sheet.codes[0]
    )
    assert slip.verification == "slip"
    assert ConsultationComment.objects.count() == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [("", "body"), ("  ", "body"), ("x" * 10_000, "body"), ("有\x00字", "body"), ("好意见", "phone")],
)
def test_bad_comments_refused_nothing_stored(opened, body, field):
    with pytest.raises(ValidationError) as exc:
        consultations.comment_submit(consultation=opened, body=body, ip="10.0.0.1")
    assert exc.value.field == field and not ConsultationComment.objects.exists()


def test_comments_rate_limited_per_address(opened, city, settings, django_user_model):
    settings.PLAN_CONSULT_COMMENTS_PER_HOUR = 2
    users = [django_user_model.objects.create_user(f"u{i}") for i in range(3)]
    for u in users[:2]:
        consultations.comment_submit(consultation=opened, body="意见", ip="10.9.9.9", user=u)
    with pytest.raises(StateError, match="过于频繁"):
        consultations.comment_submit(consultation=opened, body="意见", ip="10.9.9.9", user=users[2])
    assert ConsultationComment.objects.count() == 2


def test_no_comment_after_the_period(opened, city):
    _end_period(opened)
    with pytest.raises(StateError, match="不再接收"):
        consultations.comment_submit(consultation=opened, body="晚了", ip="10.0.0.1", user=city.member_user)


def test_moderate_answer_summary_then_approval(draft, opened, city, school_secretary, texts):
    a = consultations.comment_submit(
        consultation=opened, body="增加结对帮扶", ip="1.1.1.1", user=city.member_user
    )
    b = _phone_comment(opened, texts, body="每月公开一次进度")
    c = consultations.comment_submit(consultation=opened, body="广告内容", ip="1.1.1.2", user=city.office)
    with pytest.raises(PermissionDeniedError):
        consultations.comment_moderate(actor=city.member_user, comment=a, approve=True)
    consultations.comment_moderate(actor=school_secretary, comment=a, approve=True)
    consultations.comment_moderate(actor=school_secretary, comment=b, approve=True)
    consultations.comment_moderate(actor=school_secretary, comment=c, approve=False)
    with pytest.raises(StateError):
        consultations.comment_moderate(actor=school_secretary, comment=c, approve=True)
    assert ConsultationComment.objects.get(pk=c.pk).body == "广告内容"  # never edited
    with pytest.raises(StateError, match="已公开"):
        consultations.comment_answer(actor=school_secretary, comment=c, handling="adopted")
    with pytest.raises(ValidationError) as exc:
        consultations.comment_answer(actor=school_secretary, comment=b, handling="not_adopted")
    assert exc.value.field == "reason"
    with pytest.raises(ValidationError) as exc:
        consultations.comment_answer(actor=school_secretary, comment=b, handling="maybe")
    assert exc.value.field == "handling"
    consultations.comment_answer(actor=school_secretary, comment=a, handling="adopted")
    # submitted during the period; approval waits for its end and the 采纳情况
    services.plan_submit(actor=school_secretary, plan=draft)
    with pytest.raises(StateError, match="征求意见"):
        services.plan_decide(actor=city.secretary, plan=draft, decision="approve")
    with pytest.raises(StateError, match="结束后"):
        consultations.consultation_answer(actor=school_secretary, consultation=opened, summary="采纳一条")
    _end_period(opened)
    with pytest.raises(StateError, match="未答复"):
        consultations.consultation_answer(actor=school_secretary, consultation=opened, summary="采纳一条")
    consultations.comment_answer(
        actor=school_secretary, comment=b, handling="partly", reason="按季度公开，每月工作量过大"
    )
    with pytest.raises(ValidationError) as exc:
        consultations.consultation_answer(actor=school_secretary, consultation=opened, summary=" ")
    assert exc.value.field == "summary"
    with pytest.raises(StateError, match="公布采纳情况后"):
        services.plan_decide(actor=city.secretary, plan=draft, decision="approve")
    consultations.consultation_answer(actor=school_secretary, consultation=opened, summary="共收到三条意见。")
    opened.refresh_from_db()
    assert opened.status == ConsultationStatus.ANSWERED
    entry = AuditEntry.objects.filter(action="plan.consultation_answer").get()
    assert entry.changes["_"]["adopted"] == 1 and entry.changes["_"]["partly"] == 1
    counts = consultations.consultation_counts(opened)
    assert (counts["total"], counts["member"], counts["public"], counts["approved"]) == (3, 2, 1, 2)
    services.plan_decide(actor=city.secretary, plan=draft, decision="approve")
    draft.refresh_from_db()
    assert draft.status == PlanStatus.APPROVED
    with pytest.raises(StateError):
        consultations.comment_answer(actor=school_secretary, comment=a, handling="not_adopted", reason="x")


def test_plan_without_consultation_approves_as_before(draft, city, school_secretary):
    services.plan_submit(actor=school_secretary, plan=draft)
    services.plan_decide(actor=city.secretary, plan=draft, decision="approve")


def test_pages_manage_and_public(draft, city, school_secretary, client_for, texts):
    c = client_for(school_secretary)
    assert (
        'data-testid="consultation-start"'
        in c.get(f"/plans/orgs/{city.school.pk}/?campaign={draft.campaign_id}").content.decode()
    )
    r = c.post(f"/plans/{draft.pk}/consultation/", {"closes_on": "不是日期"})
    assert r.status_code == 422 and 'data-testid="field-error"' in r.content.decode()
    closes = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    r = c.post(f"/plans/{draft.pk}/consultation/", {"closes_on": closes})
    assert r.status_code == 302
    cons = Consultation.objects.get()
    html = c.get(f"/plans/{draft.pk}/consultation/").content.decode()
    assert 'data-testid="qr"' in html and f"/consult/{cons.pk}/" in html
    # the public, no sign-in
    anon = Client()
    html = anon.get(f"/consult/{cons.pk}/").content.decode()
    assert "校方案" in html and "科学发展观" in html and 'data-testid="comment-form"' in html
    r = anon.post(f"/consult/{cons.pk}/comment/code/", {"phone": PHONE, "body": "意见"})
    assert r.status_code == 200 and "138****5678" in r.content.decode()
    r = anon.post(
        f"/consult/{cons.pk}/comment/", {"body": "建议多听群众意见", "phone": PHONE, "code": _code(texts)}
    )
    assert r.status_code == 302
    html = anon.get(f"/consult/{cons.pk}/").content.decode()
    assert 'data-testid="already-commented"' in html and "建议多听群众意见" not in html  # held for moderation
    r = anon.post(f"/consult/{cons.pk}/comment/", {"body": "x" * 10_000})
    assert r.status_code == 422
    comment = ConsultationComment.objects.get()
    c.post(f"/plans/consultation/comments/{comment.pk}/moderate/", {"approve": "1"})
    assert ConsultationComment.objects.get().moderation == CommentModeration.APPROVED
    r = c.post(
        f"/plans/consultation/comments/{comment.pk}/answer/",
        {f"c{comment.pk}-handling": "adopted", f"c{comment.pk}-reason": ""},
    )
    assert r.status_code == 302 and ConsultationComment.objects.get().handling == "adopted"
    r = c.post(f"/plans/{draft.pk}/consultation/answer/", {"summary": "全部采纳"})
    assert r.status_code == 422  # the period has not ended
    _end_period(cons)
    assert c.post(f"/plans/{draft.pk}/consultation/answer/", {"summary": "全部采纳"}).status_code == 302
    html = anon.get(f"/consult/{cons.pk}/").content.decode()
    assert 'data-testid="public-summary"' in html and "建议多听群众意见" in html and "采纳" in html
    # others may not manage it
    assert client_for(city.member_user).get(f"/plans/{draft.pk}/consultation/").status_code in (403, 404)
    assert anon.get("/consult/999999/").status_code == 404


def test_api(draft, city, school_secretary, texts):
    _token, key = token_create(actor=school_secretary, name="t")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    closes = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    r = c.post(
        f"/api/plans/{draft.pk}/consultation", json.dumps({"closes_on": "x"}), content_type="application/json"
    )
    assert r.status_code == 422
    r = c.post(
        f"/api/plans/{draft.pk}/consultation",
        json.dumps({"closes_on": closes}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    anon = Client()
    r = anon.post(
        f"/api/consultations/{cid}/phone-code", json.dumps({"phone": PHONE}), content_type="application/json"
    )
    assert r.status_code == 202 and r.json()["sent_to"] == "138****5678"
    payload = {"body": "API 意见", "phone": PHONE, "code": _code(texts)}
    r = anon.post(f"/api/consultations/{cid}/comments", json.dumps(payload), content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = anon.post(f"/api/consultations/{cid}/comments", json.dumps(payload), content_type="application/json")
    assert r.status_code in (409, 422)
    assert anon.get(f"/api/consultations/{cid}").json()["comments"] == []
    r = c.post(
        f"/api/plans/consultation-comments/{pk}/moderate",
        json.dumps({"approve": True}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["moderation"] == "approved"
    r = c.post(
        f"/api/plans/consultation-comments/{pk}/answer",
        json.dumps({"handling": "not_adopted", "reason": "已有类似安排"}),
        content_type="application/json",
    )
    assert r.json()["handling"] == "not_adopted"
    assert c.get(f"/api/plans/{draft.pk}/consultation").json()["counts"]["not_adopted"] == 1
    public = anon.get(f"/api/consultations/{cid}").json()
    assert [x["body"] for x in public["comments"]] == ["API 意见"]
    r = c.post(
        f"/api/plans/{draft.pk}/consultation/answer",
        json.dumps({"summary": "说明"}),
        content_type="application/json",
    )
    assert r.status_code == 409 or r.status_code == 422
