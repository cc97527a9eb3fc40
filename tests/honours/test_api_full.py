"""Commendation through the API alone: categories with rules (the assessment grade among them), places passed
down, a nomination with photos, resubmission, 群众推荐 and a 公示 objection from the public API."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from pacesetter.core.services import token_create
from pacesetter.honours import services
from pacesetter.honours.enums import NominationStatus
from pacesetter.honours.models import Nomination, NominationPhoto
from tests.records.conftest import png_bytes

from .conftest import DEED

pytestmark = pytest.mark.django_db


def _api(user):
    _token, key = token_create(actor=user, name="test")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    c.json = lambda method, url, data=None: getattr(c, method)(
        url, json.dumps(data or {}), content_type="application/json"
    )
    return c


def _publish_grade(city, *, org=None, member=None, grade="good", ended_days_ago=10):
    """A published assessment scorecard giving `org` (or `member`) one grade."""
    from pacesetter.assessment.enums import ScorecardStatus, Subject
    from pacesetter.assessment.models import Scheme, Score, Scorecard
    from pacesetter.campaigns.models import Campaign

    today = timezone.localdate()
    scheme = Scheme.objects.create(
        campaign=Campaign.objects.first(),
        name="年度考核",
        subject=Subject.MEMBER if member else Subject.ORG,
        period_start=today - datetime.timedelta(days=200),
        period_end=today - datetime.timedelta(days=ended_days_ago),
    )
    card = Scorecard.objects.create(
        scheme=scheme, version=1, status=ScorecardStatus.PUBLISHED, published_at=timezone.now()
    )
    Score.objects.create(
        scorecard=card,
        organisation=member.organisation if member else org,
        member=member,
        total=92,
        computed_grade=grade,
        grade=grade,
    )


def test_categories_quotas_and_a_nomination_with_photos_through_the_api(city, programme):
    office, sec = _api(city.office), _api(city.secretary)
    r = office.json(
        "post",
        f"/api/honours/programmes/{programme.pk}/categories",
        {"name": "考核优秀党组织", "subject": "org", "quota": 3, "rules": [{"rule": "assessment_grade"}]},
    )
    assert r.status_code == 422 and r.json()["field"] == "rules"  # no grade chosen
    r = office.json(
        "post",
        f"/api/honours/programmes/{programme.pk}/categories",
        {
            "name": "考核优秀党组织",
            "subject": "org",
            "quota": 3,
            "rules": [{"rule": "assessment_grade", "min": "excellent"}],  # a member grade
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "rules"
    r = office.json(
        "post",
        f"/api/honours/programmes/{programme.pk}/categories",
        {
            "name": "考核优秀党组织",
            "subject": "org",
            "quota": 3,
            "rules": [{"rule": "assessment_grade", "min": "good"}],
        },
    )
    assert r.status_code == 201, r.content
    cat = r.json()
    assert cat["rules"] == ["最近一次公布的考核等次为“好”及以上"]
    # the secretary may not add categories; the office passes places to the district
    assert (
        sec.json(
            "post",
            f"/api/honours/programmes/{programme.pk}/categories",
            {"name": "x", "subject": "org", "quota": 1},
        ).status_code
        == 403
    )
    r = office.json(
        "post",
        f"/api/honours/categories/{cat['id']}/quotas",
        {"organisation_id": city.district.pk, "amount": 5},
    )
    assert r.status_code == 422 and r.json()["field"] == "amount"  # only 3 places
    r = office.json(
        "post",
        f"/api/honours/categories/{cat['id']}/quotas",
        {"organisation_id": city.district.pk, "amount": 2},
    )
    assert r.status_code == 200 and r.json()["amount"] == 2

    form = {
        "category_id": cat["id"],
        "nominator_id": city.district.pk,
        "subject_org_id": city.school.pk,
        "summary": "扎根农村教育二十年，带头服务群众。",
        "deed": DEED,
    }
    url = f"/api/honours/programmes/{programme.pk}/nominations/with-photos"
    r = sec.post(url, {**form, "photos": [SimpleUploadedFile("a.png", png_bytes(), "image/png")]})
    assert r.status_code == 422 and "尚无已公布的考核等次" in r.json()["message"]  # not eligible yet
    _publish_grade(city, org=city.school, grade="fair", ended_days_ago=100)
    r = sec.post(url, {**form, "photos": [SimpleUploadedFile("a.png", png_bytes(), "image/png")]})
    assert r.status_code == 422 and "最近一次为“一般”" in r.json()["message"]
    _publish_grade(city, org=city.school, grade="good")  # a later period
    bad = SimpleUploadedFile("a.png", b"MZ not an image", "image/png")
    r = sec.post(url, {**form, "photos": [bad]})
    assert r.status_code == 422 and r.json()["field"] == "photos"
    assert not Nomination.objects.exists()  # nothing stored when a photo is refused
    r = sec.post(url, {**form, "photos": [SimpleUploadedFile("a.png", png_bytes(), "image/png")]})
    assert r.status_code == 201, r.content
    n = Nomination.objects.get()
    assert NominationPhoto.objects.filter(nomination=n).count() == 1

    # returned by the office, resubmitted through the API
    r = office.json(
        "post",
        f"/api/honours/nominations/{n.pk}/review",
        {"action": "return", "comment": "请补充近三年的具体事迹"},
    )
    assert r.status_code == 200 and r.json()["status"] == NominationStatus.RETURNED
    r = sec.json("post", f"/api/honours/nominations/{n.pk}/resubmit", {"summary": "x", "deed": DEED})
    assert r.status_code == 422 and r.json()["field"] == "summary"
    r = sec.json(
        "post",
        f"/api/honours/nominations/{n.pk}/resubmit",
        {"summary": "扎根农村教育二十年，带头服务群众，成绩突出。", "deed": DEED},
    )
    assert r.status_code == 200 and r.json()["status"] == NominationStatus.UNDER_REVIEW


def test_public_recommendation_and_objection_through_the_api(city, programme, sms_outbox):
    n = services.nomination_create(
        actor=city.secretary,
        category=programme.categories.get(name="先进基层党组织"),
        nominator=city.district,
        subject_org=city.school,
        summary="扎根农村教育二十年，带头服务群众。",
        deed=DEED,
    )
    public = Client()
    base = f"/api/public/honours/nominations/{n.pk}"
    assert public.post(f"{base}/code", {"phone": "123"}, content_type="application/json").status_code == 422
    r = public.post(f"{base}/code", {"phone": "13800002222"}, content_type="application/json")
    assert r.status_code == 200
    code = sms_outbox[-1][1].split("验证码是 ")[1][:6]
    r = public.post(
        f"{base}/recommend", {"phone": "13800002222", "code": "000000"}, content_type="application/json"
    )
    assert r.status_code == 422
    r = public.post(
        f"{base}/recommend", {"phone": "13800002222", "code": code}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json() == {"counted": True, "recommendations": 1}
    # an unknown nominee of this programme is a 404, not a 500
    other = "/api/public/honours/nominations/999999/recommend"
    assert public.post(other, {"slip": "x"}, content_type="application/json").status_code == 404

    services.nomination_review(actor=city.office, nomination=n, action="approve")
    services.notice_start(actor=city.office, programme=programme)
    url = f"/api/public/honours/programmes/{programme.pk}/objections"
    r = public.post(url, {"nomination_id": n.pk, "text": "太短"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "text"
    r = public.post(
        url,
        {"nomination_id": n.pk, "text": "该支部去年的承诺事项“修缮村小操场”至今没有兑现，请核实。"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"] and body["password"]
    q = public.post(
        "/api/public/cases/query",
        {"number": body["number"], "password": body["password"]},
        content_type="application/json",
    )
    assert q.status_code == 200
    n.refresh_from_db()
    page = _api(city.office).get(f"/api/honours/nominations/{n.pk}").json()
    assert page["objection"]  # the nominee is shown as paused


def test_a_cleared_objection_shows_its_public_reply_on_the_notice_page(city, programme):
    from pacesetter.complaints import services as cases
    from pacesetter.complaints.enums import Finding

    n = services.nomination_create(
        actor=city.secretary,
        category=programme.categories.get(name="先进基层党组织"),
        nominator=city.district,
        subject_org=city.school,
        summary="扎根农村教育二十年，带头服务群众。",
        deed=DEED,
    )
    services.nomination_review(actor=city.office, nomination=n, action="approve")
    services.notice_start(actor=city.office, programme=programme)
    n.refresh_from_db()
    case, _pw = services.objection_file(
        nomination=n, text="该支部的承诺事项没有兑现，事迹材料与实际不符，请核查。", ip="10.0.0.3"
    )
    page = Client().get(f"/h/{programme.pk}/").content.decode()
    assert 'data-testid="paused"' in page and 'data-testid="cleared"' not in page
    cases.case_acknowledge(actor=city.office, case=case)
    cases.case_verify(
        actor=city.office,
        case=case,
        checked="查阅承诺台账并走访群众",
        checked_by="市委组织部 张明",
        finding=Finding.FALSE,
        evidence="承诺台账",
    )
    cases.case_close(actor=city.office, case=case)
    page = Client().get(f"/h/{programme.pk}/").content.decode()
    assert 'data-testid="cleared"' in page and "操场已于去年" not in page  # no reply published yet
    cases.case_publish(
        actor=city.office,
        case=case,
        summary="反映某支部承诺未兑现。",
        reply="经核查，承诺修缮的村小操场已于去年十月完工，异议不属实。",
    )
    page = Client().get(f"/h/{programme.pk}/").content.decode()
    assert "经核查，承诺修缮的村小操场已于去年十月完工，异议不属实。" in page
    assert "张明" not in page  # who checked stays internal


def test_a_member_sees_their_own_honours_on_the_page_and_through_the_api(city, programme, client_for):
    n = services.nomination_create(
        actor=city.secretary,
        category=programme.categories.get(name="优秀共产党员"),
        nominator=city.district,
        subject_member=city.teacher,
        summary="扎根农村教育二十年，带头服务群众。",
        deed=DEED,
    )
    services.nomination_review(actor=city.office, nomination=n, action="approve")
    services.notice_start(actor=city.office, programme=programme)
    later = timezone.now() + datetime.timedelta(days=8)
    services.decision_issue(actor=city.office, programme=programme, number="示委〔2011〕9号", now=later)
    honour = Nomination.objects.get(pk=n.pk).honour
    page = client_for(city.member_user).get("/honours/mine/").content.decode()
    assert honour.certificate_no in page and "示委〔2011〕9号" in page
    assert [h["certificate_no"] for h in _api(city.member_user).get("/api/honours/mine").json()] == [
        honour.certificate_no
    ]
    # an account without a member record has none; the secretary does not see the teacher's as their own
    assert _api(city.secretary).get("/api/honours/mine").json() == []
    assert honour.certificate_no not in client_for(city.secretary).get("/honours/mine/").content.decode()
