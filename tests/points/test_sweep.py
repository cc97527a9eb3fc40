"""Automatic points: the sweep writes each event once, with a link to it, within caps; closed years are frozen."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from pacesetter.core.models import AuditEntry
from pacesetter.points import selectors, services
from pacesetter.points.enums import EntrySource, EventType, PeriodAction
from pacesetter.points.models import PointEntry, PointOrgTotal
from pacesetter.points.tasks import award_automatic_points

from .conftest import attended_meeting, fulfilled_commitment


def test_sweep_writes_meeting_and_fulfilled_commitment_once(city, camp, period, rules):
    record = attended_meeting(city)
    c = fulfilled_commitment(city, camp)
    assert award_automatic_points() == 2
    entries = {e.event_type: e for e in PointEntry.objects.filter(member=city.teacher)}
    meeting = entries[EventType.MEETING_ATTENDED]
    assert (meeting.points, meeting.source, meeting.link) == (
        2,
        EntrySource.AUTO,
        reverse("records:record-detail", args=[record.pk]),
    )
    assert entries[EventType.COMMITMENT_FULFILLED].points == 5
    assert entries[EventType.COMMITMENT_FULFILLED].link == reverse(
        "commitments:commitment-detail", args=[c.pk]
    )
    # A second run finds nothing new.
    assert services.points_sweep() == 0
    assert PointEntry.objects.filter(member=city.teacher).count() == 2
    assert selectors.account_for(city.teacher, period).total == 7
    assert PointOrgTotal.objects.get(period=period, organisation=city.school).total == 7
    assert AuditEntry.objects.filter(action="points.sweep").count() == 2


def test_unique_key_refuses_a_second_entry_for_one_event(city, camp, period, rules):
    attended_meeting(city)
    services.points_sweep()
    e = PointEntry.objects.get()
    e.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        e.save()


def test_cap_limits_automatic_points(city, camp, period, rules):
    for i in range(7):  # 7 meetings × 2 points, cap 10
        attended_meeting(city, title=f"第{i}次支部党员大会")
    assert services.points_sweep() == 5
    assert selectors.account_for(city.teacher, period).total == 10
    assert services.points_sweep() == 0


def test_partial_room_under_cap_is_written_up_to_the_cap(city, camp, period, rules):
    from pacesetter.points.models import PointRule

    PointRule.objects.filter(pk=rules["meeting"].pk).update(cap=3)
    attended_meeting(city, title="一")
    attended_meeting(city, title="二")
    services.points_sweep()
    assert sorted(PointEntry.objects.values_list("points", flat=True)) == [1, 2]


def test_once_only_rule_writes_one_event(city, camp, period, rules):
    services.rule_update(actor=city.office, rule=rules["meeting"], cap=None, once_only=True)
    attended_meeting(city, title="一")
    attended_meeting(city, title="二")
    assert services.points_sweep() == 1


def test_late_or_unfulfilled_commitment_earns_nothing(city, camp, period, rules):
    from pacesetter.commitments.models import FulfilmentReport

    c = fulfilled_commitment(city, camp)
    FulfilmentReport.objects.filter(commitment=c).update(outcome="partly")
    assert services.points_sweep() == 0


def test_closed_period_is_not_swept(city, camp, period, rules):
    attended_meeting(city)
    services.period_transition(actor=city.office, period=period, action=PeriodAction.CLOSE)
    assert award_automatic_points() == 0
    assert PointEntry.objects.count() == 0


def test_retired_rule_is_not_swept(city, camp, period, rules):
    attended_meeting(city)
    services.rule_transition(actor=city.office, rule=rules["meeting"], action="retire")
    assert services.points_sweep() == 0


def test_record_logged_rule(city, camp, period):
    from pacesetter.records import services as record_services

    from .conftest import TODAY, record_fields, rule

    rule(city, period, name="记实", event_type=EventType.RECORD_LOGGED, points=1, manual_by="nobody")
    record_services.record_create(
        actor=city.member_user, member=city.teacher, **record_fields(occurred_on=TODAY)
    )
    assert services.points_sweep() == 1


def test_rebuild_totals_matches_running_totals(city, camp, period, rules):
    attended_meeting(city)
    fulfilled_commitment(city, camp)
    services.points_sweep()
    services.points_award(actor=city.secretary, rule=rules["deduct"], member=city.teacher, reason="无故缺席")
    running = dict(PointOrgTotal.objects.values_list("organisation_id", "total"))
    services.points_rebuild_totals(period=period)
    assert (
        dict(PointOrgTotal.objects.values_list("organisation_id", "total")) == running == {city.school.pk: 5}
    )


def test_verified_satisfied_rating_of_a_personal_commitment(city, camp, period):
    from pacesetter.commitments.models import Rating

    from .conftest import rule

    rule(city, period, name="群众满意", event_type=EventType.REVIEW_RATING, points=1, manual_by="nobody")
    c = fulfilled_commitment(city, camp)
    Rating.objects.create(commitment=c, source="public", level="satisfied", verification="phone", device="a")
    Rating.objects.create(commitment=c, source="public", level="satisfied", verification="none", device="b")
    Rating.objects.create(
        commitment=c, source="public", level="unsatisfied", verification="phone", device="c"
    )
    assert services.points_sweep() == 1
    assert PointEntry.objects.get().member == city.teacher
