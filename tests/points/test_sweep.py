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


@pytest.fixture
def checked_rule(city, period):
    from .conftest import rule

    return rule(
        city,
        period,
        name="记实经检查",
        event_type=EventType.RECORD_CHECKED,
        points=2,
        manual_by="nobody",
        cap=5,
    )


def personal_record(city, title="走访困难群众"):
    from pacesetter.records import services as record_services

    from .conftest import TODAY, record_fields

    return record_services.record_create(
        actor=city.member_user, member=city.teacher, **record_fields(title=title, occurred_on=TODAY)
    )


def check(city, record):
    from pacesetter.records import services as record_services

    return record_services.record_check(actor=city.secretary, record=record, action="check")


def test_checked_record_earns_points_once_linked_to_the_record(city, camp, period, checked_rule):
    record = personal_record(city)
    check(city, record)
    assert services.points_sweep() == 1
    e = PointEntry.objects.get()
    assert (e.member, e.organisation, e.points, e.source, e.event_type, e.event_id, e.link, e.reason) == (
        city.teacher,
        city.school,
        2,
        EntrySource.AUTO,
        EventType.RECORD_CHECKED,
        record.pk,
        reverse("records:record-detail", args=[record.pk]),
        "走访困难群众",
    )
    assert services.points_sweep() == 0
    # Edited (back to the queue) and checked again: still the one entry.
    from pacesetter.records import services as record_services

    record_services.record_update(actor=city.member_user, record=record, title="改过的标题")
    check(city, record)
    assert services.points_sweep() == 0
    assert PointEntry.objects.count() == 1
    assert PointOrgTotal.objects.get(period=period, organisation=city.school).total == 2


def test_unchecked_returned_or_organisation_record_earns_nothing(city, camp, period, checked_rule):
    from pacesetter.records import services as record_services

    from .conftest import TODAY, record_fields

    personal_record(city, title="未检查")
    returned = personal_record(city, title="被退回")
    record_services.record_check(actor=city.secretary, record=returned, action="return", comment="补充照片")
    org = record_services.record_create(
        actor=city.secretary, organisation=city.school, **record_fields(occurred_on=TODAY)
    )
    record_services.record_check(actor=city.secretary, record=org, action="check")
    assert services.points_sweep() == 0


def test_checked_records_respect_the_cap_and_once_only(city, camp, period, checked_rule):
    for i in range(4):  # 4 × 2 points, cap 5: 2 + 2 + 1
        check(city, personal_record(city, title=f"第{i}条"))
    assert services.points_sweep() == 3
    assert sorted(PointEntry.objects.values_list("points", flat=True)) == [1, 2, 2]
    assert selectors.account_for(city.teacher, period).total == 5
    assert services.points_sweep() == 0

    services.rule_update(actor=city.office, rule=checked_rule, cap=None, once_only=True)
    PointEntry.objects.all().delete()
    services.points_rebuild_totals(period=period)
    assert services.points_sweep() == 1
