"""The registry of automatic event sources: for each EventType, the events of one period not yet written for a
rule (an anti-join on the ledger's unique key), as plain rows.

Points reads the other apps' tables here rather than being called by their services: points sits above
records and commitments in the layers, so they cannot call it, and the house rules forbid signals. The sweep
(points.tasks) is idempotent: the unique key (rule, event type, event id, member) makes a second run a no-op.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from pacesetter.commitments.enums import (
    FULFILLED_STATES,
    CommitmentKind,
    RatingLevel,
    RatingVerification,
    ReportOutcome,
)
from pacesetter.commitments.models import Commitment, Rating
from pacesetter.records.enums import AttendanceStatus, CheckStatus
from pacesetter.records.models import ActivityRecord, Attendance

from .enums import EventType
from .models import PointEntry, PointRule


@dataclass(frozen=True)
class Event:
    event_id: int
    member_id: int
    organisation_id: int
    occurred_on: datetime.date
    link: str
    reason: str


def not_written(rule: PointRule, member_field: str = "member_id") -> Exists:
    return Exists(
        PointEntry.objects.filter(
            rule=rule, event_type=rule.event_type, event_id=OuterRef("pk"), member_id=OuterRef(member_field)
        )
    )


def unwritten(
    qs: QuerySet, rule: PointRule, after: int, limit: int, *fields: str, member_field: str = "member_id"
):
    """The rows of `qs` not yet written for `rule`, one page: ids above `after`, at most `limit`, ordered by
    id, as `fields` (values_list) — the shape every source returns its events in."""
    page = qs.filter(pk__gt=after).exclude(not_written(rule, member_field))
    return page.values_list(*fields).order_by("pk")[:limit]


def meetings_attended(rule: PointRule, limit: int, after: int = 0) -> list[Event]:
    period = rule.period
    attended = Attendance.objects.filter(
        status=AttendanceStatus.PRESENT,
        meeting__record__campaign_id=period.campaign_id,
        meeting__record__is_deleted=False,
        meeting__record__occurred_on__year=period.year,
        member__is_active=True,
    )
    fields = (
        "pk",
        "member_id",
        "member__organisation_id",
        "meeting__record__occurred_on",
        "meeting__record_id",
        "meeting__record__title",
    )
    qs = unwritten(attended, rule, after, limit, *fields)
    return [
        Event(pk, m, o, day, reverse("records:record-detail", args=[rec]), str(title))
        for pk, m, o, day, rec, title in qs
    ]


def _personal_records(rule: PointRule, limit: int, after: int, **only) -> list[Event]:
    """The period's personal records not yet written for `rule`, narrowed by `only` (a check status)."""
    period = rule.period
    records = ActivityRecord.objects.filter(
        member__isnull=False,
        member__is_active=True,
        campaign_id=period.campaign_id,
        is_deleted=False,
        occurred_on__year=period.year,
        **only,
    )
    fields = ("pk", "member_id", "member__organisation_id", "occurred_on", "title")
    qs = unwritten(records, rule, after, limit, *fields)
    return [
        Event(pk, m, o, day, reverse("records:record-detail", args=[pk]), str(t)) for pk, m, o, day, t in qs
    ]


def records_logged(rule: PointRule, limit: int, after: int = 0) -> list[Event]:
    return _personal_records(rule, limit, after)


def records_checked(rule: PointRule, limit: int, after: int = 0) -> list[Event]:
    """A personal record the branch has checked (检查通过). Written once per record: a record edited after its
    check goes back to the queue, and checking it again finds its entry already written.

    Organisation records earn nobody points here, as with RECORD_LOGGED: the ledger is kept per member, and
    the members who took part in an organisation's meeting earn theirs through MEETING_ATTENDED."""
    return _personal_records(rule, limit, after, check_status=CheckStatus.CHECKED)


def commitments_fulfilled(rule: PointRule, limit: int, after: int = 0) -> list[Event]:
    """A personal commitment whose 述诺 was filed by its deadline and said it was fulfilled."""
    period = rule.period
    fulfilled = Commitment.objects.filter(
        kind=CommitmentKind.MEMBER,
        campaign_id=period.campaign_id,
        status__in=FULFILLED_STATES,
        report__outcome=ReportOutcome.FULFILLED,
        report__filed_at__year=period.year,
        report__filed_at__date__lte=F("deadline"),  # on time: filed by the deadline (local date)
        member__is_active=True,
    )
    fields = ("pk", "member_id", "member__organisation_id", "report__filed_at", "title")
    qs = unwritten(fulfilled, rule, after, limit, *fields)
    return [
        Event(pk, m, o, timezone.localdate(at), reverse("commitments:commitment-detail", args=[pk]), str(t))
        for pk, m, o, at, t in qs
    ]


def review_ratings(rule: PointRule, limit: int, after: int = 0) -> list[Event]:
    """A verified 'satisfied' rating (评诺) of a member's personal commitment."""
    period = rule.period
    verified = Rating.objects.filter(
        level=RatingLevel.SATISFIED,
        commitment__kind=CommitmentKind.MEMBER,
        commitment__campaign_id=period.campaign_id,
        created_at__year=period.year,
        commitment__member__is_active=True,
    ).exclude(verification=RatingVerification.NONE)
    fields = (
        "pk",
        "commitment__member_id",
        "commitment__member__organisation_id",
        "created_at",
        "commitment_id",
        "commitment__title",
    )
    qs = unwritten(verified, rule, after, limit, *fields, member_field="commitment__member_id")
    return [
        Event(pk, m, o, timezone.localdate(at), reverse("commitments:commitment-detail", args=[c]), str(t))
        for pk, m, o, at, c, t in qs
    ]


SourceFn = Callable[[PointRule, int, int], list[Event]]

SOURCES: dict[str, SourceFn] = {
    EventType.MEETING_ATTENDED: meetings_attended,
    EventType.RECORD_LOGGED: records_logged,
    EventType.RECORD_CHECKED: records_checked,
    EventType.COMMITMENT_FULFILLED: commitments_fulfilled,
    EventType.REVIEW_RATING: review_ratings,
}


def register(event_type: str, source: SourceFn) -> None:
    """Let an app above points (commendation) supply the events of one type, from its AppConfig.ready.

    The source has the shape of the ones above: the events of `rule`'s period not yet written for it, with ids
    above `after`, at most `limit`, ordered by id (`unwritten`)."""
    if event_type not in EventType.values or event_type == EventType.MANUAL:
        raise ValueError(f"unknown automatic event type {event_type!r}")
    SOURCES[event_type] = source
