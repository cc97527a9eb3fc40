"""Manual awards and deductions (with a reason, within the cap, by whom the rule says) and members' claims with
evidence, approved or returned by the branch; a closed year refuses both."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry
from pacesetter.points import selectors, services
from pacesetter.points.enums import ClaimAction, ClaimStatus, EntrySource, PeriodAction
from pacesetter.points.models import PointClaim, PointEntry, PointOrgTotal

from .conftest import TODAY, png_bytes


def test_award_and_deduction_with_reason_are_audited(city, period, rules):
    e = services.points_award(
        actor=city.secretary, rule=rules["service"], member=city.teacher, reason="义务辅导"
    )
    d = services.points_award(
        actor=city.secretary, rule=rules["deduct"], member=city.teacher, reason="无故缺席"
    )
    assert (e.points, e.source, d.points) == (3, EntrySource.MANUAL, -2)
    assert selectors.account_for(city.teacher, period).total == 1
    assert PointOrgTotal.objects.get(period=period, organisation=city.school).total == 1
    audit = AuditEntry.objects.filter(action="points.award").order_by("id")
    assert [a.changes["reason"][1] for a in audit] == ["义务辅导", "无故缺席"]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 10_000}, "reason"),
        ({"reason": "ok", "points": "abc"}, "points"),
        ({"reason": "ok", "points": -3}, "points"),  # an award rule cannot deduct
        ({"reason": "ok", "points": 4}, "points"),  # more than one award's worth
        ({"reason": "ok", "points": "99999999999999999999"}, "points"),
        ({"reason": "ok", "occurred_on": "2001-01-01"}, "occurred_on"),
        ({"reason": "ok", "occurred_on": "not a date"}, "occurred_on"),
    ],
)
def test_award_refused_naming_the_field(city, period, rules, kw, field):
    with pytest.raises(ValidationError) as exc:
        services.points_award(actor=city.secretary, rule=rules["service"], member=city.teacher, **kw)
    assert exc.value.field == field
    assert PointEntry.objects.count() == 0


def test_award_over_the_cap_is_refused_not_cut(city, period, rules):
    for _ in range(2):
        services.points_award(actor=city.secretary, rule=rules["service"], member=city.teacher, reason="辅导")
    with pytest.raises(ValidationError) as exc:
        services.points_award(actor=city.secretary, rule=rules["service"], member=city.teacher, reason="辅导")
    assert exc.value.field == "points"
    assert selectors.account_for(city.teacher, period).total == 6


def test_once_only_and_office_only(city, period, rules):
    with pytest.raises(PermissionDeniedError):
        services.points_award(actor=city.secretary, rule=rules["honour"], member=city.teacher, reason="表彰")
    services.points_award(actor=city.office, rule=rules["honour"], member=city.teacher, reason="市级表彰")
    with pytest.raises(ValidationError) as exc:
        services.points_award(actor=city.office, rule=rules["honour"], member=city.teacher, reason="再次表彰")
    assert exc.value.field == "points"


def test_who_may_not_award(city, period, rules):
    # Outside the secretary's subtree, the member themself, a leader, an automatic rule.
    for actor, member, rule in (
        (city.secretary, city.farmer, rules["service"]),
        (city.member_user, city.teacher, rules["service"]),
        (city.leader, city.teacher, rules["service"]),
        (city.secretary, city.teacher, rules["meeting"]),
    ):
        with pytest.raises(PermissionDeniedError):
            services.points_award(actor=actor, rule=rule, member=member, reason="x")
    assert PointEntry.objects.count() == 0


def _claim(city, rules, **kw):
    data = {"text": "为社区老人义务理发", "occurred_on": TODAY}
    data.update(kw)
    return services.claim_file(actor=city.member_user, rule=rules["service"], **data)


def test_claim_with_photo_approved_by_the_secretary_writes_points_once(city, period, rules):
    photo = SimpleUploadedFile("理发.png", png_bytes(), content_type="image/png")
    claim = _claim(city, rules, evidence=photo)
    assert (claim.status, claim.evidence_name, claim.evidence_type) == (
        ClaimStatus.SUBMITTED,
        "理发.png",
        "image/png",
    )
    assert selectors.claim_list_for(city.secretary, status=ClaimStatus.SUBMITTED).get() == claim
    claim = services.claim_transition(actor=city.secretary, claim=claim, action=ClaimAction.APPROVE)
    assert claim.status == ClaimStatus.APPROVED and claim.decided_by == city.secretary
    entry = PointEntry.objects.get()
    assert (entry.points, entry.source, entry.event_id) == (3, EntrySource.CLAIM, claim.pk)
    with pytest.raises(StateError):
        services.claim_transition(actor=city.secretary, claim=claim, action=ClaimAction.APPROVE)
    assert PointEntry.objects.count() == 1


def test_claim_returned_needs_a_comment_and_can_be_resubmitted(city, period, rules):
    claim = _claim(city, rules)
    with pytest.raises(ValidationError) as exc:
        services.claim_transition(actor=city.secretary, claim=claim, action=ClaimAction.RETURN)
    assert exc.value.field == "comment"
    claim = services.claim_transition(
        actor=city.secretary, claim=claim, action=ClaimAction.RETURN, comment="请补照片"
    )
    assert (claim.status, claim.comment) == (ClaimStatus.RETURNED, "请补照片")
    with pytest.raises(PermissionDeniedError):
        services.claim_transition(actor=city.secretary, claim=claim, action=ClaimAction.RESUBMIT)
    claim = services.claim_transition(
        actor=city.member_user, claim=claim, action=ClaimAction.RESUBMIT, text="补充说明"
    )
    assert (claim.status, claim.text) == (ClaimStatus.SUBMITTED, "补充说明")
    assert PointEntry.objects.count() == 0


def test_claim_in_a_closed_period_is_refused(city, period, rules):
    services.period_transition(actor=city.office, period=period, action=PeriodAction.CLOSE)
    with pytest.raises(ValidationError) as exc:
        _claim(city, rules)
    assert exc.value.field == "rule"
    assert PointClaim.objects.count() == 0


def test_claim_approval_in_a_closed_period_is_refused(city, period, rules):
    claim = _claim(city, rules)
    services.period_transition(actor=city.office, period=period, action=PeriodAction.CLOSE)
    with pytest.raises(ValidationError):
        services.claim_transition(actor=city.secretary, claim=claim, action=ClaimAction.APPROVE)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and PointEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 10_000}, "text"),
        ({"occurred_on": "2001-05-01"}, "occurred_on"),
        (
            {"evidence": SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="application/octet-stream")},
            "evidence",
        ),
        (
            {"evidence": SimpleUploadedFile("a.pdf", b"not a pdf at all", content_type="application/pdf")},
            "evidence",
        ),
    ],
)
def test_claim_refused_naming_the_field(city, period, rules, kw, field):
    with pytest.raises(ValidationError) as exc:
        _claim(city, rules, **kw)
    assert exc.value.field == field
    assert PointClaim.objects.count() == 0


def test_claim_against_a_rule_not_open_to_claims(city, period, rules):
    with pytest.raises(ValidationError) as exc:
        services.claim_file(actor=city.member_user, rule=rules["deduct"], text="x", occurred_on=TODAY)
    assert exc.value.field == "rule"
    with pytest.raises(PermissionDeniedError):  # the secretary is no member
        services.claim_file(actor=city.secretary, rule=rules["service"], text="x", occurred_on=TODAY)


def test_claim_decided_only_by_the_branch_above(city, period, rules):
    claim = _claim(city, rules)
    for actor in (city.town_secretary, city.leader, city.member_user):
        with pytest.raises(PermissionDeniedError):
            services.claim_transition(actor=actor, claim=claim, action=ClaimAction.APPROVE)
    assert selectors.claim_list_for(city.town_secretary).count() == 0
