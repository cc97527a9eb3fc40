"""Assessment services: scheme validation, computing from raw rows, renormalising, adjusting, publishing."""

from decimal import Decimal

import pytest

from pacesetter.assessment import services
from pacesetter.assessment.enums import TRANSITIONS, ScorecardAction, ScorecardStatus, Subject
from pacesetter.assessment.models import Scheme, Score, Scorecard
from pacesetter.assessment.sources import REGISTRY
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.models import AuditEntry

from .conftest import END, START, add_commitments, add_records, compute, org_scheme


def test_weights_must_sum_to_100_and_nothing_is_saved(city, campaign):
    with pytest.raises(ValidationError) as exc:
        org_scheme(city, campaign, sources={"commitments_on_time": (60, 1), "records_checked": (30, 1)})
    assert exc.value.field == "weights" and "90" in exc.value.message
    assert Scheme.objects.count() == 0


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ({"good": 70, "fairly_good": 75, "fair": 60}, "line_fairly_good"),
        ({"good": 90, "fairly_good": 75}, "line_fair"),
        ({"good": "1e999", "fairly_good": 75, "fair": 60}, "line_good"),
        ({"good": "abc", "fairly_good": 75, "fair": 60}, "line_good"),
    ],
)
def test_grade_lines_out_of_order_or_bad_are_refused(city, campaign, lines, field):
    with pytest.raises(ValidationError) as exc:
        org_scheme(city, campaign, grade_lines=lines)
    assert exc.value.field == field
    assert Scheme.objects.count() == 0


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 10_000}, "name"),
        ({"name": "a\x00b"}, "name"),
        ({"period_end": START.replace(year=START.year - 1)}, "period_end"),
        ({"sources": {"nope/../x": (100, 1)}}, "sources"),
        ({"sources": {"member_records_checked": (100, 1)}}, "sources"),  # a member source in an org scheme
        ({"sources": {"commitments_on_time": (10**30, 1)}}, "weight_commitments_on_time"),
        ({"sources": {"commitments_on_time": (100, 0)}}, "min_commitments_on_time"),
    ],
)
def test_bad_scheme_input_is_refused_with_the_field(city, campaign, kw, field):
    with pytest.raises(ValidationError) as exc:
        org_scheme(city, campaign, **kw)
    assert exc.value.field == field


def test_only_the_office_defines_schemes(city, campaign):
    with pytest.raises(PermissionDeniedError):
        services.scheme_create(
            actor=city.secretary,
            campaign=campaign,
            name="x",
            subject=Subject.ORG,
            period_start=START,
            period_end=END,
            sources={"records_checked": (100, 1)},
            grade_lines={"good": 90, "fairly_good": 75, "fair": 60},
        )


def test_score_recomputed_from_raw_rows(city, campaign):
    # School branch: 3 of 4 commitments on time (75.0); 4 of 5 records checked (80.0).
    add_commitments(campaign, city.school, on_time=3, late=1)
    add_records(city.school, checked=4, unchecked=1)
    # A commitment still open (not fulfilled) counts against; a record outside the period does not count.
    add_commitments(campaign, city.village, on_time=1, late=0, open_=1)
    add_records(city.village, checked=2, unchecked=0)
    add_records(city.village, checked=0, unchecked=5, on=START.replace(year=START.year - 1))
    scheme = org_scheme(city, campaign)
    sc = compute(city, scheme)
    assert sc.status == ScorecardStatus.COMPUTED
    school = Score.objects.get(scorecard=sc, organisation=city.school)
    # 0.6 × 75 + 0.4 × 80 = 77.00 → 较好 (≥ 75)
    assert school.total == Decimal("77.00") and school.grade == "fairly_good"
    assert school.detail["commitments_on_time"] == {"value": 75.0, "count": 4, "used": True, "weight": 60}
    assert school.detail["records_checked"] == {"value": 80.0, "count": 5, "used": True, "weight": 40}
    village = Score.objects.get(scorecard=sc, organisation=city.village)
    assert village.total == Decimal("70.00")  # 0.6 × 50 + 0.4 × 100
    assert village.grade == "fair"
    # The city (the campaign's organisation) is not assessed by this scheme; organisations without data
    # get no total and no grade.
    assert not Score.objects.filter(scorecard=sc, organisation=city.city).exists()
    district = Score.objects.get(scorecard=sc, organisation=city.district)
    assert (district.total, district.grade) == (None, "")


def test_source_with_too_little_data_is_left_out_and_weights_renormalised(city, campaign):
    add_commitments(campaign, city.school, on_time=1, late=0)
    add_records(city.school, checked=0, unchecked=1)  # 1 record < minimum 2
    sc = compute(city, org_scheme(city, campaign))
    school = Score.objects.get(scorecard=sc, organisation=city.school)
    assert school.detail["records_checked"]["used"] is False
    assert school.total == Decimal("100.00") and school.grade == "good"


def test_bonus_items_from_a_lower_committee_count(city, campaign):
    add_commitments(campaign, city.school, on_time=3, late=1)
    add_records(city.school, checked=4, unchecked=1)
    scheme = org_scheme(city, campaign)
    # 城厢区委 (the school's parent) may add items for it; not for the 区委 itself, nor another district.
    services.item_add(
        actor=city.secretary, scheme=scheme, organisation=city.school, points=5, reason="获市级表彰"
    )
    with pytest.raises(PermissionDeniedError):
        services.item_add(
            actor=city.secretary, scheme=scheme, organisation=city.district, points=5, reason="x"
        )
    with pytest.raises(PermissionDeniedError):
        services.item_add(
            actor=city.secretary, scheme=scheme, organisation=city.village, points=5, reason="x"
        )
    with pytest.raises(ValidationError) as exc:
        services.item_add(actor=city.secretary, scheme=scheme, organisation=city.school, points=5, reason=" ")
    assert exc.value.field == "reason"
    with pytest.raises(ValidationError) as exc:
        services.item_add(
            actor=city.secretary, scheme=scheme, organisation=city.school, points=10**9, reason="x"
        )
    assert exc.value.field == "points"
    # Weights stay the office's.
    with pytest.raises(PermissionDeniedError):
        services.scheme_update(
            actor=city.secretary,
            scheme=scheme,
            name="x",
            period_start=START,
            period_end=END,
            sources={"records_checked": (100, 1)},
            grade_lines={"good": 90, "fairly_good": 75, "fair": 60},
        )
    sc = compute(city, scheme)
    school = Score.objects.get(scorecard=sc, organisation=city.school)
    assert (school.total, school.bonus, school.grade) == (Decimal("82.00"), Decimal("5.00"), "fairly_good")


def test_adjust_needs_reason_then_publish_locks_and_freezes(city, campaign):
    add_commitments(campaign, city.school, on_time=3, late=1)
    add_records(city.school, checked=4, unchecked=1)
    scheme = org_scheme(city, campaign)
    sc = compute(city, scheme)
    school = Score.objects.get(scorecard=sc, organisation=city.school)
    with pytest.raises(ValidationError) as exc:
        services.score_adjust(actor=city.secretary, score=school, grade="good", reason="")
    assert exc.value.field == "reason"
    with pytest.raises(PermissionDeniedError):  # the school's own secretary does not grade the school
        services.score_adjust(actor=city.school_secretary, score=school, grade="good", reason="x")
    services.score_adjust(actor=city.secretary, score=school, grade="good", reason="年内获省级先进基层党组织")
    school.refresh_from_db()
    assert (school.grade, school.computed_grade, school.is_adjusted) == ("good", "fairly_good", True)
    assert AuditEntry.objects.filter(action="assessment.score_adjust", object_id=str(school.pk)).exists()
    with pytest.raises(PermissionDeniedError):
        services.scorecard_publish(actor=city.secretary, scorecard=sc)
    services.scorecard_publish(actor=city.office, scorecard=sc)
    scheme.refresh_from_db()
    assert scheme.is_locked
    with pytest.raises(StateError):
        services.score_adjust(actor=city.office, score=school, grade="poor", reason="x")
    with pytest.raises(StateError):
        services.scheme_update(
            actor=city.office,
            scheme=scheme,
            name="改",
            period_start=START,
            period_end=END,
            sources={"records_checked": (100, 1)},
            grade_lines={"good": 90, "fairly_good": 75, "fair": 60},
        )
    with pytest.raises(StateError):
        services.item_add(actor=city.office, scheme=scheme, organisation=city.school, points=1, reason="x")
    # A recompute makes a new version; the published one is untouched.
    add_records(city.school, checked=5, unchecked=0)
    sc2 = compute(city, scheme)
    assert sc2.version == 2
    sc.refresh_from_db()
    assert sc.status == ScorecardStatus.PUBLISHED
    assert Score.objects.get(scorecard=sc, organisation=city.school).grade == "good"
    new = Score.objects.get(scorecard=sc2, organisation=city.school)
    assert new.total == Decimal("81.00")  # 0.6 × 75 + 0.4 × (9 of 10 checked = 90)
    from pacesetter.assessment.selectors import scorecard_diff

    changed = {s.organisation_id: (s.old_total, s.total) for s in scorecard_diff(sc2)}
    assert sc2.previous_id == sc.pk
    assert changed[city.school.pk] == (Decimal("77.00"), new.total)


def test_computing_twice_supersedes_the_unpublished_version(city, campaign):
    scheme = org_scheme(city, campaign)
    first = compute(city, scheme)
    second = compute(city, scheme)
    first.refresh_from_db()
    assert (first.status, second.version) == (ScorecardStatus.SUPERSEDED, 2)


def test_every_scorecard_transition_follows_the_table(city, campaign):
    scheme = org_scheme(city, campaign)
    for status in ScorecardStatus.values:
        for action in ScorecardAction.values:
            sc = Scorecard.objects.create(scheme=scheme, version=Scorecard.objects.count() + 1, status=status)
            row = TRANSITIONS.get((status, action))
            if row is None:
                with pytest.raises(StateError):
                    services._transition(city.office, sc, action)
            else:
                services._transition(city.office, sc, action)
            sc.refresh_from_db()
            assert sc.status == (row.target if row else status)


def test_sources_registry_is_a_fixed_number_of_queries_per_source(city, campaign):
    """Grouped sources are one query; the evaluation sources one for the rounds (none here), the points
    sources one for the root and one for the points years: never one per organisation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_records(city.school, checked=1, unchecked=1)
    for key, src in REGISTRY.items():
        with CaptureQueriesContext(connection) as ctx:
            list(src.values(path=city.city.path, start=START, end=END, campaign_id=campaign.pk))
        assert len(ctx.captured_queries) <= (2 if key.startswith("points_") else 1), key
        assert src.key == key


def test_member_scheme_takes_the_assessment_rounds_ballots(city, campaign):
    """The 组织考核 rounds of evaluations are a member scheme's ballot source (score, valid votes)."""
    import datetime as dt

    from django.utils import timezone

    from pacesetter.evaluations.enums import RoundKind
    from pacesetter.evaluations.models import MemberGrade, Round

    now = timezone.now()
    rnd = Round.objects.create(
        organisation=city.school,
        campaign=campaign,
        kind=RoundKind.ASSESSMENT,
        subject="member",
        scale="grade4",
        name="党员组织考核测评",
        opens_at=now - dt.timedelta(days=3),
        closes_at=now - dt.timedelta(days=1),
    )
    MemberGrade.objects.create(
        round=rnd, member=city.teacher, score=Decimal("86.5"), grade="qualified", sample=12
    )
    scheme = services.scheme_create(
        actor=city.office,
        campaign=campaign,
        name="党员考核",
        subject=Subject.MEMBER,
        period_start=START,
        period_end=END,
        sources={"assessment_ballot": (70, 5), "member_records_checked": (30, 1)},
        grade_lines={"excellent": 90, "qualified": 75, "basic": 60},
    )
    sc = compute(city, scheme)
    score = Score.objects.get(scorecard=sc, member=city.teacher)
    assert score.detail["assessment_ballot"] == {"value": 86.5, "count": 12, "used": True, "weight": 70}
    assert (score.total, score.grade) == (Decimal("86.50"), "qualified")  # no records: renormalised


@pytest.mark.django_db(transaction=True)
def test_scores_written_from_the_writer_thread_equal_the_in_line_ones(city, campaign, monkeypatch):
    """Outside a transaction on PostgreSQL the batches are written by a thread on its own connection; the
    same computation in a transaction writes them in line. Both store the same scores."""
    import threading

    from django.db import connection, transaction

    add_commitments(campaign, city.school, on_time=3, late=1)
    add_records(city.school, checked=4, unchecked=1)
    add_commitments(campaign, city.village, on_time=1, late=0, open_=1)
    writers = []
    insert = services._insert_scores
    monkeypatch.setattr(services, "BATCH", 2)  # several batches through the queue
    monkeypatch.setattr(
        services, "_insert_scores", lambda rows: writers.append(threading.current_thread()) or insert(rows)
    )
    scheme = org_scheme(city, campaign)
    first = compute(city, scheme)
    threaded = {t is not threading.main_thread() for t in writers}
    assert threaded == {connection.vendor == "postgresql"}
    services.scorecard_publish(actor=city.office, scorecard=first)
    writers.clear()
    with transaction.atomic():
        second = compute(city, scheme)
    assert {t is threading.main_thread() for t in writers} == {True}
    fields = ("organisation_id", "parent_id", "total", "grade", "bonus", "detail")
    rows = [
        list(Score.objects.filter(scorecard=sc).order_by("organisation_id").values(*fields))
        for sc in (first, second)
    ]
    assert rows[0] == rows[1] and len(rows[0]) == first.done == second.done > 2
    assert not Score.objects.filter(scorecard=second, changed=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_write_fails_the_version(city, campaign, monkeypatch):
    add_commitments(campaign, city.school, on_time=3, late=1)

    def fail(rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_insert_scores", fail)
    sc = services.scorecard_compute(actor=city.office, scheme=org_scheme(city, campaign))
    with pytest.raises(RuntimeError, match="disk full"):
        services.scorecard_run(sc.pk)
    sc.refresh_from_db()
    assert (sc.status, sc.error) == (ScorecardStatus.FAILED, "disk full")
