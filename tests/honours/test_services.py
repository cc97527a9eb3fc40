"""Commendation end to end through the services: quotas, nomination rules, review level by level, one
recommendation per person, 公示 with an objection that pauses and then clears a nominee, the decision."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.complaints import services as cases
from pacesetter.complaints.enums import CaseStatus, Finding
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.honours import services
from pacesetter.honours.enums import NominationStatus, ProgrammeStatus, Rule
from pacesetter.honours.models import Honour, Nomination
from pacesetter.onecount import phone_code_send

from .conftest import DEED

pytestmark = pytest.mark.django_db


def _nominate(city, programme, *, member=None, org=None, actor=None, nominator=None):
    cat = programme.categories.get(name="优秀共产党员" if member else "先进基层党组织")
    return services.nomination_create(
        actor=actor or city.secretary,
        category=cat,
        nominator=nominator or city.district,
        subject_member=member,
        subject_org=org,
        summary="扎根农村教育二十年，带头服务群众。",
        deed=DEED,
    )


def test_quota_allocation_cannot_exceed_the_parent_share(city, programme):
    cat = programme.categories.get(name="先进基层党组织")  # 10 places at the city
    with pytest.raises(ValidationError) as e:
        services.quota_allocate(actor=city.office, category=cat, organisation=city.district, amount=10)
    assert e.value.field == "amount" and "还剩 7 个名额" in str(e.value.message)
    # the district passes one place down to the school; it may not pass more than it has
    services.quota_allocate(actor=city.secretary, category=cat, organisation=city.school, amount=1)
    with pytest.raises(ValidationError):
        services.quota_allocate(actor=city.secretary, category=cat, organisation=city.school, amount=3)
    assert services.quota_usage(cat, city.district) == {"granted": 2, "passed_down": 1, "used": 0, "left": 1}


def test_nomination_inside_quota_subtree_and_rules(city, programme):
    n = _nominate(city, programme, org=city.school)
    assert n.status == NominationStatus.UNDER_REVIEW and n.reviewer == city.city
    assert n.org_label == "城厢区委 / 城厢区实验小学党支部"
    # duplicate
    with pytest.raises(ValidationError) as e:
        _nominate(city, programme, org=city.school)
    assert "不能重复推荐" in str(e.value.message)
    # outside the nominator's subtree
    with pytest.raises(ValidationError) as e:
        _nominate(city, programme, org=city.village)
    assert e.value.field == "subject" and "不在城厢区委的范围内" in str(e.value.message)
    # over quota: the district has two places for organisations
    _nominate(city, programme, org=city.district)
    cat = programme.categories.get(name="先进基层党组织")
    with pytest.raises(ValidationError) as e:
        services.nomination_create(
            actor=city.secretary,
            category=cat,
            nominator=city.district,
            subject_org=city.district,
            summary="一二三四五六七八九十",
            deed=DEED,
        )
    assert e.value.field == "category" and "已用完" in str(e.value.message)
    # a secretary of another subtree cannot nominate in the district's name
    with pytest.raises(PermissionDeniedError):
        _nominate(city, programme, org=city.village, actor=city.town_secretary)


def test_ineligible_nominee_is_refused_with_the_rule(city, programme):
    cat = programme.categories.get(name="优秀共产党员")
    services.category_save(
        actor=city.office,
        programme=programme,
        category=cat,
        name=cat.name,
        subject=cat.subject,
        quota=cat.quota,
        rules=[{"rule": Rule.PARTY_YEARS, "years": 5}],
    )
    city.teacher.joined_on = timezone.localdate() - datetime.timedelta(days=365)
    city.teacher.save()
    with pytest.raises(ValidationError) as e:
        _nominate(city, programme, member=city.teacher)
    assert "不符合评选条件：党龄不少于 5 年" in str(e.value.message)
    assert not Nomination.objects.exists()


def test_unknown_rule_and_bad_quota_are_refused(city, programme):
    with pytest.raises(ValidationError) as e:
        services.category_save(
            actor=city.office,
            programme=programme,
            name="x",
            subject="org",
            quota=1,
            rules=[{"rule": "magic"}],
        )
    assert e.value.field == "rules"
    with pytest.raises(ValidationError) as e:
        services.category_save(actor=city.office, programme=programme, name="x", subject="org", quota=10**9)
    assert e.value.field == "quota"


def test_review_climbs_level_by_level_to_the_final_list(city, programme, school_secretary):
    cat = programme.categories.get(name="先进基层党组织")
    services.quota_allocate(actor=city.secretary, category=cat, organisation=city.school, amount=1)
    n = _nominate(city, programme, org=city.school, actor=school_secretary, nominator=city.school)
    assert n.reviewer == city.district
    with pytest.raises(PermissionDeniedError):  # the school cannot review its own nomination
        services.nomination_review(actor=school_secretary, nomination=n, action="approve")
    n = services.nomination_review(actor=city.secretary, nomination=n, action="return", comment="请补充事迹")
    assert n.status == NominationStatus.RETURNED
    n = services.nomination_resubmit(
        actor=school_secretary, nomination=n, deed=DEED + "补充。", summary=n.summary
    )
    n = services.nomination_review(actor=city.secretary, nomination=n, action="approve")
    assert n.status == NominationStatus.UNDER_REVIEW and n.reviewer == city.city
    n = services.nomination_review(actor=city.office, nomination=n, action="approve")
    assert n.status == NominationStatus.SHORTLISTED and n.reviewer is None
    assert [e.action for e in n.events.all()] == [
        "nominate",
        "return",
        "resubmit",
        "approve",
        "approve",
        "approve",
    ]
    assert (
        AuditEntry.objects.filter(action__startswith="honours.nomination.", object_id=str(n.pk)).count() == 5
    )


def test_public_recommendation_counts_once_per_person(city, programme, sms_outbox):
    n = _nominate(city, programme, org=city.school)
    phone_code_send(phone="13800001111", client_ip="10.0.0.9", purpose="recommend")
    code = sms_outbox[-1][1].split("验证码是 ")[1][:6]
    assert services.recommend(nomination=n, phone="13800001111", code=code) is True
    from pacesetter.onecount import phone_key

    assert services.recommend(nomination=n, person_key=phone_key("13800001111")) is False
    n.refresh_from_db()
    assert n.recommendations == 1


def _to_notice(city, programme):
    a = _nominate(city, programme, org=city.school)
    b = _nominate(city, programme, member=city.teacher)
    for n in (a, b):
        services.nomination_review(actor=city.office, nomination=n, action="approve")
    p = services.notice_start(actor=city.office, programme=programme)
    return p, Nomination.objects.get(pk=a.pk), Nomination.objects.get(pk=b.pk)


def test_notice_objection_pauses_then_clears_and_decision_commends(city, programme):
    p, a, b = _to_notice(city, programme)
    assert p.status == ProgrammeStatus.NOTICE and (p.notice_ends_on - p.notice_starts_on).days == 6
    case, password = services.objection_file(
        nomination=b, text="该同志在评议中多次缺席，群众有意见，事迹材料与实际不符。", ip="10.0.0.1"
    )
    assert case.kind == "objection" and case.owner == city.city and password
    assert services.objection_state(services.objections_for([b.pk])[b.pk]) == "open"
    # the period cannot end early
    with pytest.raises(StateError):
        services.decision_issue(actor=city.office, programme=p, number="示委〔2011〕1号")
    later = timezone.now() + datetime.timedelta(days=8)
    d = services.decision_issue(actor=city.office, programme=p, number="示委〔2011〕1号", now=later)
    assert [h.display_name for h in d.honours.all()] == [a.display_name]  # b is paused
    b.refresh_from_db()
    assert b.status == NominationStatus.IN_NOTICE
    # the objection is verified as untrue and closed: b is cleared; a supplementary decision commends b
    cases.case_acknowledge(actor=city.office, case=case)
    cases.case_verify(
        actor=city.office,
        case=case,
        checked="查阅考勤和评议记录",
        checked_by="市委组织部 张明",
        finding=Finding.FALSE,
        evidence="考勤表",
    )
    cases.case_close(actor=city.office, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    d2 = services.decision_issue(actor=city.office, programme=p, number="示委〔2011〕2号", now=later)
    assert d2.supplementary and [h.display_name for h in d2.honours.all()] == ["林老师"]
    assert Honour.objects.count() == 2 and len({h.certificate_no for h in Honour.objects.all()}) == 2


def test_upheld_objection_removes_with_public_note(city, programme):
    p, a, b = _to_notice(city, programme)
    case, _pw = services.objection_file(
        nomination=a, text="该支部有整改事项长期未落实，群众反映强烈，请核查。", ip="10.0.0.2"
    )
    cases.case_acknowledge(actor=city.office, case=case)
    cases.case_verify(
        actor=city.office,
        case=case,
        checked="实地核查",
        checked_by="市委组织部 张明",
        finding=Finding.TRUE,
        evidence="整改台账",
    )
    assert services.objection_state(services.objections_for([a.pk])[a.pk]) == "open"
    n = services.nomination_remove(actor=city.office, nomination=a, note="经核查异议属实，取消拟表彰资格")
    assert n.status == NominationStatus.REMOVED and n.removal_note


def test_objection_after_the_period_is_refused(city, programme):
    p, a, b = _to_notice(city, programme)
    with pytest.raises(StateError):
        services.objection_file(
            nomination=a,
            text="公示结束后才提出的异议，应当不予受理并告知。",
            ip="10.0.0.3",
            now=timezone.now() + datetime.timedelta(days=8),
        )
    with pytest.raises(ValidationError) as e:
        services.objection_file(nomination=a, text="太短", ip="10.0.0.3")
    assert e.value.field == "text"


def test_the_next_level_is_told_when_a_nomination_reaches_it(
    city, programme, school_secretary, django_capture_on_commit_callbacks
):
    """Approved at the district, the nomination is the city office's turn: they get a notice (they used to
    find it only in their list); a resubmission after a return tells the first reviewer again."""
    from pacesetter.notifications.models import Notification

    cat = programme.categories.get(name="先进基层党组织")
    services.quota_allocate(actor=city.secretary, category=cat, organisation=city.school, amount=1)
    n = _nominate(city, programme, org=city.school, actor=school_secretary, nominator=city.school)
    with django_capture_on_commit_callbacks(execute=True):
        n = services.nomination_review(
            actor=city.secretary, nomination=n, action="return", comment="请补充事迹"
        )
    before = Notification.objects.filter(recipient=city.secretary, title__startswith="请审核推荐对象").count()
    with django_capture_on_commit_callbacks(execute=True):
        n = services.nomination_resubmit(
            actor=school_secretary, nomination=n, deed=DEED + "补充。", summary=n.summary
        )
    assert (
        Notification.objects.filter(recipient=city.secretary, title__startswith="请审核推荐对象").count()
        == before + 1
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.nomination_review(actor=city.secretary, nomination=n, action="approve")
    assert Notification.objects.filter(recipient=city.office, title__startswith="请审核推荐对象").exists()
