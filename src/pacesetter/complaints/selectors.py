"""Reads of cases scoped to the caller: handlers see the cases owned in their subtree (so an owner's
handlers and its ancestors'), the office its triage queue; the member a case names never sees it.
Monthly statistics are read from the precomputed CaseMonth rows (complaints.stats), counted from the frozen
overdue flags."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from pacesetter.core.errors import NotFoundError
from pacesetter.core.lookup import get_or_not_found
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import SEGMENT, Organisation
from pacesetter.orgs.selectors import scope_for, scope_q, subtree_q

from .enums import CaseStatus
from .models import Case, CaseMonth, Category
from .rules import can_view_case
from .stats import COUNTERS

LIST_FIELDS = (
    "id",
    "number",
    "kind",
    "status",
    "category__name",
    "owner__name",
    "subject_type",
    "real_name",
    "received_at",
    "ack_by",
    "verify_by",
    "reply_by",
    "close_by",
    "ack_overdue_at",
    "verify_overdue_at",
    "reply_overdue_at",
    "close_overdue_at",
    "escalated_at",
)


WIDE_DEPTH = 2  # scopes this shallow (the city, a district) cover most cases


def _scope(user, cap: str) -> Q:
    """Like orgs.selectors.scope_q, but a wide subtree is matched by prefix (LIKE) rather than as an index
    range: given the range, SQLite starts from the path index and sorts every case of a district (7.8 s at
    the root of 1 M cases); without it, both databases walk the inbox's close_by index and stop after a page."""
    q = Q(pk__in=[])
    for p in scope_for(user, cap).roots:
        q |= Q(path__startswith=p) if len(p) <= WIDE_DEPTH * SEGMENT else subtree_q(p)
    return q


def _visible(user) -> Q:
    handled = ~Q(status=CaseStatus.TRIAGE) & _scope(user, Cap.CASE_VIEW)  # handlers and inspectors
    triage = _scope(user, Cap.CASE_TRIAGE)
    return (handled | triage) & ~Q(hidden_from=user)


def case_list_for(
    user, *, status: str = "", overdue: bool = False, org: Organisation | None = None
) -> QuerySet:
    """The inbox: cases the user may handle, open ones by default, soonest close-by first."""
    qs = Case.objects.filter(_visible(user)).select_related("category", "owner")
    if org is not None:
        qs = qs.filter(subtree_q(org.path))
    if status == "all":
        pass
    elif status in CaseStatus.values:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status=CaseStatus.CLOSED)
    if overdue:
        qs = qs.filter(
            Q(ack_overdue_at__isnull=False)
            | Q(verify_overdue_at__isnull=False)
            | Q(reply_overdue_at__isnull=False)
            | Q(close_overdue_at__isnull=False)
        )
    return qs.only(
        *[f for f in LIST_FIELDS if "__" not in f], "category__name", "owner__name", "owner_id", "category_id"
    ).order_by("close_by", "id")


def triage_queue_for(user) -> QuerySet:
    """The office's queue of cases that named no organisation, oldest first."""
    return (
        Case.objects.filter(scope_q(user, Cap.CASE_TRIAGE), status=CaseStatus.TRIAGE)
        .exclude(hidden_from=user)
        .select_related("category")
        .order_by("received_at", "id")
    )


def case_get_for(user, pk) -> Case:
    case = get_or_not_found(
        Case.objects.select_related(
            "category",
            "owner",
            "owner__parent",
            "first_owner",
            "subject_org",
            "subject_member",
            "subject_commitment",
        ),
        pk,
    )
    if not can_view_case(user, case):
        raise NotFoundError()
    return case


def category_list() -> list[Category]:
    return list(Category.objects.filter(is_active=True))


def public_events(case: Case) -> list:
    return list(case.events.filter(public=True).select_related("organisation"))


# ------------------------------------------------------------------ statistics


@dataclass
class MonthStats:
    key: str
    name: str
    received: int = 0
    closed: int = 0
    ack_late: int = 0
    ack_in_time: int = 0
    verify_late: int = 0
    verify_in_time: int = 0
    reply_late: int = 0
    reply_in_time: int = 0
    close_late: int = 0
    close_in_time: int = 0
    verified: int = 0
    substantiated: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    unrated: int = 0

    @property
    def verified_rate(self):
        return round(100 * self.verified / self.received, 1) if self.received else None

    @property
    def satisfaction_rate(self):
        rated = self.satisfied + self.basic + self.unsatisfied
        return round(100 * (self.satisfied + self.basic) / rated, 1) if rated else None


def month_range(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end


def _counts(row: CaseMonth | None) -> dict:
    return {k: getattr(row, k) for k in COUNTERS} if row is not None else {}


def monthly_stats(org: Organisation, month: datetime.date) -> tuple[MonthStats, list[MonthStats]]:
    """(the subtree's total, one row for the organisation itself and one per direct child subtree) for one
    month, counted by the month a case was received. Read from the precomputed CaseMonth rows (complaints.stats):
    the organisation's row and its children's, one indexed query whatever the number of cases; the
    organisation's own figures are its subtree minus every child's (also inactive children's)."""
    start, _end = month_range(month)
    rows = {
        r.path: r
        for r in CaseMonth.objects.filter(
            subtree_q(org.path), month=start, depth__in=(org.depth, org.depth + 1)
        ).filter(Q(path=org.path) | Q(depth=org.depth + 1))
    }
    total = MonthStats(key=org.path, name=org.name, **_counts(rows.get(org.path)))
    own = MonthStats(key=org.path, name=f"{org.name}（本级）", **_counts(rows.get(org.path)))
    for path, r in rows.items():
        if path != org.path:
            for k in COUNTERS:
                setattr(own, k, getattr(own, k) - getattr(r, k))
    children = org.children.filter(is_active=True).order_by("path").values_list("name", "path")
    result = [own]
    result += [MonthStats(key=path, name=name, **_counts(rows.get(path))) for name, path in children]
    return total, result


def month_total(org: Organisation, month: datetime.date) -> MonthStats:
    """One month's figures for the whole subtree of `org` in one query (the progress dashboard's card)."""
    start, _end = month_range(month)
    row = CaseMonth.objects.filter(month=start, path=org.path).first()
    return MonthStats(key=f"{start:%Y-%m}", name=org.name, **_counts(row))


def close_on_time_by_child(
    parent: Organisation, since: datetime.date, until: datetime.date
) -> dict[int, tuple[int, int]]:
    """举报按时办结率 per child subtree of `parent`: {child id: (closed on time, due)} over the cases owned in
    the child's subtree that were received in the months from `since` to `until`, where "due" is closed on
    time plus past the close deadline (办结时限; a case still open before its deadline counts in neither).

    Read from the precomputed CaseMonth rows of the children (one indexed GROUP BY, whatever the number of
    children). The rows count every case kind on the engine (reports, 公示异议, 复核申请, 满意度过低整改) and
    by the month a case was received, so `since`/`until` are taken to whole months. Children without any
    case due are absent.
    """
    children = dict(parent.children.filter(is_active=True).values_list("path", "id"))
    if not children:
        return {}
    rows = (
        CaseMonth.objects.filter(
            subtree_q(parent.path),
            depth=parent.depth + 1,
            month__gte=since.replace(day=1),
            month__lte=until,
        )
        .order_by()
        .values("path")
        .annotate(in_time=Sum("close_in_time"), late=Sum("close_late"))
    )
    return {
        children[r["path"]]: (r["in_time"], r["in_time"] + r["late"])
        for r in rows
        if r["path"] in children and r["in_time"] + r["late"]
    }


def public_stats(org: Organisation, months: int = 6, *, today=None) -> list[MonthStats]:
    """The organisation's own subtree figures for the last `months` months (its public page)."""
    today = today or timezone.localdate()
    start = (today.replace(day=1) - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    rows = CaseMonth.objects.filter(path=org.path, month__gte=start).order_by("-month")
    return [MonthStats(key=f"{r.month:%Y-%m}", name="", **_counts(r)) for r in rows if r.received]


def public_cases_for_org(org: Organisation, *, limit: int = 10) -> list[Case]:
    """Closed cases the office marked public, redacted summary and reply only."""
    return list(
        Case.objects.filter(owner=org, is_public=True, status=CaseStatus.CLOSED)
        .only("id", "number", "public_summary", "public_reply", "closed_at", "owner_id")
        .order_by("-closed_at")[:limit]
    )
