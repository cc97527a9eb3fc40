"""Reads of activity records scoped to the caller, and per-organisation counts for the progress dashboard."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from pacesetter.core.lookup import get_or_not_found
from pacesetter.core.selectors import filter_given
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import SEGMENT, Member, Organisation
from pacesetter.orgs.selectors import Scope, scope_for, subtree_q

from .enums import MEETING_KINDS, RecordScope
from .models import ActivityRecord, Attendance, MeetingDetail, RecordPhoto


def _own_q(user) -> Q:
    """Records that are the user's own: their personal records, records they logged, meetings they attended."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    attended = Attendance.objects.filter(member__user=user).values("meeting__record_id")
    return Q(member__user=user) | Q(logged_by=user) | Q(pk__in=attended)


def _visible_q(user) -> Q:
    # RECORD_VIEW in scope (secretary, office, leader, inspector) sees everything logged in the subtree,
    # personal records included; anyone sees their own.
    # A sector line (条块结合) sees the organisations' records of its sector, never personal records.
    scope = scope_for(user, Cap.RECORD_VIEW)
    lines = Scope([], scope.lines).q("organisation__path") & Q(member__isnull=True)
    return Scope(scope.roots).q("organisation__path") | lines | _own_q(user)


def _base() -> QuerySet[ActivityRecord]:
    return (
        ActivityRecord.objects.filter(is_deleted=False)
        .select_related("organisation__parent", "member", "meeting", "logged_by", "campaign")
        .order_by("-occurred_on", "-id")
    )


def record_list_for(
    user,
    *,
    org: Organisation | None = None,
    member: Member | None = None,
    kind: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    scope: str | None = None,
    campaign=None,
    check: str | None = None,
) -> QuerySet[ActivityRecord]:
    """Records the user may see (not deleted), newest first; `org` means that organisation's subtree.

    `scope` is RecordScope.ORG (organisation records only) or RecordScope.MEMBER (personal records only).
    Related organisation, member, meeting, logger and campaign come in the same query; photos are
    prefetched (one more query per page).
    """
    qs = _base().filter(_visible_q(user)).prefetch_related("photos")
    return _filter(
        qs,
        org=org,
        member=member,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        scope=scope,
        campaign=campaign,
        check=check,
    )


def my_record_list_for(user, *, kind: str | None = None) -> QuerySet[ActivityRecord]:
    """'My records': the user's personal records, records they logged and meetings they attended."""
    qs = _base().filter(_own_q(user)).prefetch_related("photos")
    return _filter(qs, kind=kind)


def _filter(
    qs,
    *,
    org=None,
    member=None,
    kind=None,
    date_from=None,
    date_to=None,
    scope=None,
    campaign=None,
    check=None,
):
    qs = filter_given(
        qs,
        organisation__path__startswith=org.path if org is not None else None,
        member=member,
        kind=kind,
        occurred_on__gte=date_from,
        occurred_on__lte=date_to,
        campaign=campaign,
        check_status=check,
    )
    if scope == RecordScope.ORG:
        qs = qs.filter(member__isnull=True)
    elif scope == RecordScope.MEMBER:
        qs = qs.filter(member__isnull=False)
    return qs


def record_export_list_for(user, *, org: Organisation | None = None, **filters) -> QuerySet[ActivityRecord]:
    """record_list_for for the Excel export: photos counted in SQL (`photo_total`) instead of prefetched."""
    return (
        record_list_for(user, org=org, **filters)
        .prefetch_related(None)
        .annotate(photo_total=Count("photos", distinct=True))
    )


def record_get_for(user, pk) -> ActivityRecord:
    """A record the user may see (not deleted), else NotFoundError (404, whether missing or out of scope)."""
    return get_or_not_found(_base().filter(_visible_q(user)), pk)


def photo_get_for(user, pk) -> RecordPhoto:
    """A photo of a record the user may see, else NotFoundError."""
    visible = ActivityRecord.objects.filter(_visible_q(user), is_deleted=False)
    return get_or_not_found(RecordPhoto.objects.select_related("record").filter(record__in=visible), pk)


def attendance_list(meeting: MeetingDetail) -> list[Attendance]:
    return list(meeting.attendances.select_related("member", "member__organisation").order_by("member__name"))


ROSTER_LIMIT = 500


def meeting_roster(record: ActivityRecord) -> list[tuple[Member, Attendance | None]]:
    """Active members of the meeting's organisation subtree (at most ROSTER_LIMIT) with their attendance.

    Members who were marked and have since left the roster are listed too, so no attendance row is hidden.
    """
    meeting = record.meeting
    by_member = {a.member_id: a for a in attendance_list(meeting)}
    members = list(
        Member.objects.select_related("organisation__parent")
        .filter(organisation__path__startswith=record.organisation.path, is_active=True)
        .order_by("organisation__path", "name", "id")[:ROSTER_LIMIT]
    )
    seen = {m.pk for m in members}
    members += [a.member for a in by_member.values() if a.member_id not in seen]
    return [(m, by_member.get(m.pk)) for m in members]


@dataclass(frozen=True)
class RecordCounts:
    total: int = 0
    org_records: int = 0
    member_records: int = 0
    meetings: int = 0
    last_on: datetime.date | None = None


def _counts_qs(campaign, date_from, date_to):
    qs = ActivityRecord.objects.filter(is_deleted=False)
    return filter_given(qs, campaign=campaign, occurred_on__gte=date_from, occurred_on__lte=date_to)


_AGGREGATES = {
    "total": Count("id"),
    "org_records": Count("id", filter=Q(member__isnull=True)),
    "member_records": Count("id", filter=Q(member__isnull=False)),
    "meetings": Count("id", filter=Q(kind__in=MEETING_KINDS, member__isnull=True)),
    "last_on": Max("occurred_on"),
}


def _counts(row) -> RecordCounts:
    return RecordCounts(**{k: row[k] for k in _AGGREGATES})


def record_counts_by_org(
    path_prefix: str,
    *,
    campaign=None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> dict[int, RecordCounts]:
    """{organisation id: RecordCounts} for every organisation under `path_prefix` that has records.

    Counts records logged *at* each organisation (its own and its members' personal records), not
    subtree totals; one GROUP BY query. Organisations without records are absent (use RecordCounts()).
    Not scoped by user: the caller passes the path of an organisation it resolved with an access check.
    """
    rows = (
        _counts_qs(campaign, date_from, date_to)
        .filter(organisation__path__startswith=path_prefix)
        .order_by()
        .values("organisation_id")
        .annotate(**_AGGREGATES)
    )
    return {r["organisation_id"]: _counts(r) for r in rows}


def record_counts_for_subtrees(
    orgs: list[Organisation],
    *,
    campaign=None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> dict[int, RecordCounts]:
    """{organisation id: RecordCounts} summed over each organisation's whole subtree.

    One GROUP BY query per tree depth among `orgs` (children of one node are one query): within one depth
    all paths have the same length, so the path prefix names the subtree. Every org in `orgs` is present.
    """
    by_depth: dict[int, list[Organisation]] = {}
    for o in orgs:
        by_depth.setdefault(o.depth, []).append(o)
    result: dict[int, RecordCounts] = {}
    for depth, group in by_depth.items():
        prefix_q = Q()
        for o in group:
            prefix_q |= subtree_q(o.path, "organisation__path")
        rows = (
            _counts_qs(campaign, date_from, date_to)
            .filter(prefix_q)
            .annotate(top=Substr("organisation__path", 1, (depth + 1) * SEGMENT))
            .order_by()
            .values("top")
            .annotate(**_AGGREGATES)
        )
        stats = {r["top"]: _counts(r) for r in rows}
        for o in group:
            result[o.pk] = stats.get(o.path, RecordCounts())
    return result


def orgs_with_records_counts(*, campaign, root: Organisation) -> dict[tuple[str, str], dict[str, int]]:
    """{(child path, sector): {"with_records": n, "total": m}} over the active organisations below `root`,
    each counted under the child of `root` whose subtree holds it, in one GROUP BY query."""
    has_records = Exists(_counts_qs(campaign, None, None).filter(organisation=OuterRef("pk")))
    rows = (
        Organisation.objects.filter(subtree_q(root.path), is_active=True, depth__gt=root.depth)
        .order_by()
        .annotate(child=Substr("path", 1, (root.depth + 2) * SEGMENT))
        .values("child", "sector")
        .annotate(with_records=Count("id", filter=has_records), total=Count("id"))
    )
    return {(r["child"], r["sector"]): {"with_records": r["with_records"], "total": r["total"]} for r in rows}


def records_by_month(*, campaign, root: Organisation) -> list[tuple[datetime.date, int]]:
    """Records per calendar month: grouped by day in SQL (no per-row date function), summed by month here."""
    rows = (
        _counts_qs(campaign, None, None)
        .filter(subtree_q(root.path, "organisation__path"))
        .order_by()
        .values_list("occurred_on")
        .annotate(n=Count("id"))
    )
    months: dict[datetime.date, int] = {}
    for day, n in rows:
        key = day.replace(day=1)
        months[key] = months.get(key, 0) + n
    return sorted(months.items())
