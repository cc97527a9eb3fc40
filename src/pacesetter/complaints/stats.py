"""Precomputed monthly figures (CaseMonth): one row per (month received, organisation) holding the counters
of the organisation's whole subtree, kept up to date by every write that can change them.

A case counts in the month it was received, under every ancestor-or-self of its path. The writes that
change a counter all pass through here: filing (`_create`), every status change (`_transition`, which also
moves a case's path on transfer, assignment and review) and the sweep's overdue flags. Each subtracts the
case's old contribution and adds the new one with one `UPDATE … SET n = n + d` over the (at most five)
ancestor rows, so a root's month is read from ~20 rows instead of aggregating ~80,000 cases.

`rebuild()` recomputes the table from the cases (after bulk loads: the benchmark, the demo reset, a data
migration); `live_rows()` is the same figure straight from the cases (the tests compare the two).
"""

import datetime
from collections import defaultdict

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from pacesetter.orgs.models import SEGMENT, path_chain

COUNTERS = (
    "received",
    "closed",
    "ack_late",
    "ack_in_time",
    "verify_late",
    "verify_in_time",
    "reply_late",
    "reply_in_time",
    "close_late",
    "close_in_time",
    "verified",
    "substantiated",
    "satisfied",
    "basic",
    "unsatisfied",
    "unrated",
)
# (deadline prefix, the field marking it met, its overdue flag)
_MET = (
    ("ack", "acknowledged_at", "ack_overdue_at"),
    ("verify", "verified_at", "verify_overdue_at"),
    ("reply", "replied_at", "reply_overdue_at"),
    ("close", "closed_at", "close_overdue_at"),
)
# Every Case field a counter reads (and the two that place it).
FIELDS = (
    "status",
    "finding",
    "satisfaction",
    "outcome",
    *[f for _p, met, flag in _MET for f in (met, flag)],
)


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def vector(case) -> dict[str, int]:
    """What one case adds to its month's counters (0/1 each), from its current field values."""
    v = {
        "received": 1,
        "closed": int(case.status == "closed"),
        "verified": int(case.verified_at is not None),
        "substantiated": int(case.finding in ("true", "partly")),
        "satisfied": int(case.satisfaction == "satisfied"),
        "basic": int(case.satisfaction == "basic"),
        "unsatisfied": int(case.satisfaction == "unsatisfied"),
        "unrated": int(case.outcome == "unrated"),
    }
    for prefix, met, flag in _MET:
        late = getattr(case, flag) is not None
        v[f"{prefix}_late"] = int(late)
        v[f"{prefix}_in_time"] = int(not late and getattr(case, met) is not None)
    return v


def snapshot(case) -> tuple:
    """(month, path, vector) of a case as it stands: taken before a change, applied after it."""
    return month_of(case.received_on), case.path, vector(case)


def add(month: datetime.date, path: str, delta: dict[str, int], *, model=None) -> None:
    """Add `delta` to the rows of `path` and all its ancestors for `month` (creating missing rows)."""
    if model is None:
        from .models import CaseMonth as model
    delta = {k: v for k, v in delta.items() if v}
    if not delta or not path:
        return
    paths = path_chain(path)
    model.objects.bulk_create(
        [model(month=month, path=p, depth=len(p) // SEGMENT - 1) for p in paths], ignore_conflicts=True
    )
    model.objects.filter(month=month, path__in=paths).update(**{k: F(k) + v for k, v in delta.items()})


def move(before: tuple, case) -> None:
    """Apply one case's change: its contribution `before` (from `snapshot`) out, its current one in."""
    after = snapshot(case)
    if before == after:
        return
    (m0, p0, v0), (m1, p1, v1) = before, after
    if (m0, p0) == (m1, p1):
        add(m1, p1, {k: v1[k] - v0[k] for k in COUNTERS})
        return
    add(m0, p0, {k: -v for k, v in v0.items()})
    add(m1, p1, v1)


def aggregates() -> dict:
    """The counters as SQL aggregates over cases (the live figure, and what rebuild() stores)."""

    def met(done, flag):
        return Count("id", filter=Q(**{f"{done}__isnull": False, f"{flag}__isnull": True}))

    def late(flag):
        return Count("id", filter=Q(**{f"{flag}__isnull": False}))

    agg = {
        "received": Count("id"),
        "closed": Count("id", filter=Q(status="closed")),
        "verified": Count("id", filter=Q(verified_at__isnull=False)),
        "substantiated": Count("id", filter=Q(finding__in=["true", "partly"])),
        "satisfied": Count("id", filter=Q(satisfaction="satisfied")),
        "basic": Count("id", filter=Q(satisfaction="basic")),
        "unsatisfied": Count("id", filter=Q(satisfaction="unsatisfied")),
        "unrated": Count("id", filter=Q(outcome="unrated")),
    }
    for prefix, done, flag in _MET:
        agg[f"{prefix}_late"] = late(flag)
        agg[f"{prefix}_in_time"] = met(done, flag)
    return agg


def live_rows(case_model=None) -> dict[tuple, dict[str, int]]:
    """{(month, node path): counters} computed from the cases themselves."""
    if case_model is None:
        from .models import Case as case_model
    totals: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    rows = (
        case_model.objects.annotate(m=TruncMonth("received_on"))
        .values("m", "path")
        .annotate(**aggregates())
        .order_by()
    )
    for r in rows.iterator(chunk_size=5000):
        month, path = r.pop("m"), r.pop("path")
        if isinstance(month, datetime.datetime):
            month = month.date()
        for p in path_chain(path):
            t = totals[(month, p)]
            for k, v in r.items():
                t[k] += v
    return dict(totals)


def rebuild(*, case_model=None, month_model=None) -> int:
    """Recompute every CaseMonth row from the cases; returns the number of rows."""
    if month_model is None:
        from .models import CaseMonth as month_model
    totals = live_rows(case_model)
    month_model.objects.all().delete()
    month_model.objects.bulk_create(
        (
            month_model(month=m, path=p, depth=len(p) // SEGMENT - 1, **counts)
            for (m, p), counts in totals.items()
        ),
        batch_size=2000,
    )
    return len(totals)
