"""Roll-up counters of the dashboard's supervision figures (SupervisionTally, LiaisonClock; issue #23), so that
selectors.supervision_stats_by_subtree reads a few rows per child whatever the size of its subtree.

The figures (selectors.supervision_stats_by_subtree_live is the rule) depend on the time of the request, so the
rows count by day and the read sums the days before a cutoff:

- a liaison link (联系点) of an active organisation counts on the local day of its review clock, the "base":
  its leader's last review of the organisation (any review, as selectors._last_review_subquery), else the
  link's creation. It is overdue when base < now - REVIEW_INTERVAL_DAYS and due when base < that + SOON: a
  comparison of datetimes, not days. So the read sums the days strictly before the cutoff's local day from the
  counters and reads the cutoff's own day exactly, from LiaisonClock (each link's base, indexed): the links
  whose base falls between that midnight and the cutoff — the links of one day, not of the subtree;
- an open rectification order (整改) counts on its deadline, as `orders`, or as `flagged` once the sweep (or a
  late close) set overdue_at; overdue = flagged + orders due before today. That rule is day-granular already.

Each organisation adds its rows to its ancestors-or-self, in the shard of its id (no row is written by every
change); a read sums the shards of each child. Writes take the links' or orders' contributions out before and
put them back after (`refresh`, `take_out` / `put_in`), in the caller's transaction, the links' rows locked:
a link made or removed (orgs.hooks liaison_changed / liaison_changing), a review filed (the base moves), an
order issued, verified (closed, or rejected back to 整改中), its deadline recomputed, flagged by the sweep; an
organisation (de)activated (its links count only while it is active). A report (整改中 → 已报告) leaves the
inputs as they were. A move takes the moved subtree's totals off the old parent's chain and onto the new
one's; an import, and bulk loads (the demo, the benchmarks), `rebuild`. `differences` and `clock_differences`
compare the tables with `live` (the tests and the `stats_tally` command).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from pacesetter.core.bulk import insert_rows
from pacesetter.orgs import rollup
from pacesetter.orgs.models import SEGMENT, Liaison, Organisation, path_chain
from pacesetter.orgs.selectors import subtree_q

from .enums import OPEN_RECTIFICATION
from .models import LiaisonClock, Rectification, Review, SupervisionTally

COUNTERS = ("liaisons", "orders", "flagged")
SHARDS = rollup.SHARDS
NONZERO = ~Q(liaisons=0, orders=0, flagged=0)  # the partial index's condition: the read repeats it
Key = tuple[int, int, datetime.date]  # (node id, shard, day)
Vector = dict[tuple[int, datetime.date], dict[str, int]]  # {(organisation id, day): {counter: n}}


def last_review_subquery() -> Subquery:
    """The time of the leader's last review of the liaison organisation (None if never reviewed)."""
    return Subquery(
        Review.objects.filter(leader=OuterRef("leader"), organisation=OuterRef("organisation"))
        .order_by("-reviewed_at")
        .values("reviewed_at")[:1]
    )


Base = tuple[int, int, datetime.datetime, bool]  # (link id, organisation id, base, organisation active)


def _bases(links: Q, *, lock: bool = False) -> list[Base]:
    """The links matching `links` with their bases; with `lock`, the links' rows locked (in id order) to
    serialise the refreshes of a link (its base is read, then written back) and the reviews moving it."""
    qs = Liaison.objects.filter(links)
    if lock:
        qs = qs.select_for_update(of=("self",))
    return list(
        qs.annotate(base=Coalesce(last_review_subquery(), "created_at"))
        .values_list("pk", "organisation_id", "base", "organisation__is_active")
        .order_by("pk")
    )


def vectors(*, links: Q | None = None, orders: Q | None = None, bases: list[Base] | None = None) -> Vector:
    """The contributions of the links (or of their `bases`, read already) and orders matching the filters, as
    the database holds them now."""
    result: Vector = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    if bases is None and links is not None:
        bases = _bases(links)
    for _pk, org_id, base, active in bases or []:
        if active:
            result[(org_id, timezone.localdate(base))]["liaisons"] += 1
    if orders is not None:
        rows = Rectification.objects.filter(orders, status__in=OPEN_RECTIFICATION)
        for org_id, day, overdue_at in rows.values_list("organisation_id", "deadline", "overdue_at"):
            result[(org_id, day)]["flagged" if overdue_at else "orders"] += 1
    return dict(result)


def _chains(org_ids: Iterable[int]) -> dict[int, list[int]]:
    """{organisation id: ids of its ancestors-or-self}: two queries for any number of organisations."""
    paths = dict(Organisation.objects.filter(pk__in=set(org_ids)).values_list("pk", "path"))
    chains = {pk: path_chain(p) for pk, p in paths.items()}
    ids = dict(
        Organisation.objects.filter(path__in={p for c in chains.values() for p in c}).values_list(
            "path", "pk"
        )
    )
    return {pk: [ids[p] for p in chain if p in ids] for pk, chain in chains.items()}


def _apply(vector: Vector, sign: int) -> None:
    if not vector:
        return
    chains = _chains(pk for pk, _day in vector)
    for (org_id, day), counts in vector.items():
        deltas = {k: sign * v for k, v in counts.items() if v}
        if deltas and org_id in chains:
            rollup.add(SupervisionTally, chains[org_id], {"shard": org_id % SHARDS, "day": day}, deltas)


def take_out(*, links: Q | None = None, orders: Q | None = None) -> None:
    """Before a write: the links' (locked) and orders' contributions off their organisations' chains."""
    bases = _bases(links, lock=True) if links is not None else []
    _apply(vectors(orders=orders, bases=bases), -1)


def put_in(*, links: Q | None = None, orders: Q | None = None) -> None:
    """After a write: the contributions back on, and the links' clocks set to their bases."""
    bases = _bases(links, lock=True) if links is not None else []
    _apply(vectors(orders=orders, bases=bases), +1)
    LiaisonClock.objects.bulk_create(
        [LiaisonClock(liaison_id=pk, base_at=base) for pk, _org, base, _active in bases],
        update_conflicts=True,
        unique_fields=["liaison"],
        update_fields=["base_at"],
    )


class refresh:  # noqa: N801 - used as `with stats_tally.refresh(orders=Q(pk=order.pk)):`
    """Around a write that may change these links or orders (in the caller's transaction): their
    contributions out before, in again after."""

    def __init__(self, *, links: Q | None = None, orders: Q | None = None):
        self.links, self.orders = links, orders

    def __enter__(self):
        take_out(links=self.links, orders=self.orders)

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            put_in(links=self.links, orders=self.orders)


def _link_q(link: Liaison) -> Q:
    return Q(leader_id=link.leader_id, organisation_id=link.organisation_id)


def _liaison_changing(link: Liaison) -> None:
    take_out(links=_link_q(link))


def _liaison_changed(link: Liaison) -> None:
    put_in(links=_link_q(link))


def _org_changing(org: Organisation) -> None:
    take_out(links=Q(organisation_id=org.pk))


def _org_changed(org: Organisation) -> None:
    put_in(links=Q(organisation_id=org.pk))


def _subtree_changed(paths: list[str]) -> None:
    rebuild()


def _moved(org: Organisation, old_parent_path: str) -> None:
    """`org` moved with its subtree: the subtree's totals (the rows of `org` itself) leave the old parent's
    chain and join the new one's — a few rows, whatever the size of the tree."""
    ids = dict(
        Organisation.objects.filter(
            path__in=[*path_chain(old_parent_path), *path_chain(org.path[:-SEGMENT])]
        ).values_list("path", "pk")
    )
    old_ids = [ids[p] for p in path_chain(old_parent_path) if p in ids]
    new_ids = [ids[p] for p in path_chain(org.path[:-SEGMENT]) if p in ids]
    rollup.move(
        SupervisionTally.objects.filter(NONZERO, node=org), ("shard", "day"), COUNTERS, old_ids, new_ids
    )


def hooks() -> dict:
    """What supervision's AppConfig.ready registers in orgs.hooks."""
    return {
        **rollup.tree_hooks(_org_changing, _org_changed, _subtree_changed, _moved),
        "liaison_changing": _liaison_changing,
        "liaison_changed": _liaison_changed,
    }


# ---------------------------------------------------------------- checks and rebuild


def live() -> dict[Key, dict[str, int]]:
    """{(node id, shard, day): counters} computed from the raw rows (non-zero rows)."""
    return rollup.roll_up(vectors(links=Q(), orders=Q()), COUNTERS)


def stored() -> dict[Key, dict[str, int]]:
    rows = SupervisionTally.objects.filter(NONZERO).values_list("node_id", "shard", "day", *COUNTERS)
    return rollup.stored_rows(rows.iterator(chunk_size=5000), 3, COUNTERS)


def differences() -> list[tuple[Key, dict, dict]]:
    """[(key, stored counters, live counters)] wherever the table and the rows disagree."""
    return rollup.compare(stored(), live(), COUNTERS)


def clock_differences() -> list[tuple[int, datetime.datetime | None, datetime.datetime | None]]:
    """[(link id, stored base, live base)] wherever LiaisonClock and the links and reviews disagree."""
    have = dict(LiaisonClock.objects.values_list("liaison_id", "base_at"))
    want = {pk: base for pk, _org, base, _active in _bases(Q())}
    return [
        (pk, have.get(pk), want.get(pk))
        for pk in sorted(set(have) | set(want))
        if have.get(pk) != want.get(pk)
    ]


def rebuild() -> int:
    """Recompute both tables from the raw rows; returns the number of counter rows."""
    totals = live()
    SupervisionTally.objects.all().delete()
    insert_rows(
        SupervisionTally, ({"node_id": n, "shard": s, "day": d, **c} for (n, s, d), c in totals.items())
    )
    LiaisonClock.objects.all().delete()
    insert_rows(
        LiaisonClock, ({"liaison_id": pk, "base_at": base} for pk, _org, base, _active in _bases(Q()))
    )
    return len(totals)


# ---------------------------------------------------------------- the read


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def counts(
    orgs: list[Organisation],
    *,
    today: datetime.date,
    overdue_before: datetime.datetime,
    due_before: datetime.datetime,
) -> dict[int, tuple[int, int, int, int]]:
    """{organisation id: (links due, links overdue, orders open, orders overdue)} over each organisation's
    subtree: links whose base is before `due_before` / `overdue_before`, open orders, those flagged or due
    before `today`. Two queries: the shards' non-zero rows of `orgs` summed by day against the cutoffs' local
    days, and the clocks of the cutoffs' own days (a link's base on that day is compared exactly)."""
    overdue_day, due_day = timezone.localdate(overdue_before), timezone.localdate(due_before)
    rows = (
        SupervisionTally.objects.filter(NONZERO, node__in=[o.pk for o in orgs])
        .values("node_id")
        .annotate(
            due=Sum("liaisons", filter=Q(day__lt=due_day)),
            overdue=Sum("liaisons", filter=Q(day__lt=overdue_day)),
            open=Sum(F("orders") + F("flagged")),
            flagged=Sum("flagged"),
            late=Sum("orders", filter=Q(day__lt=today)),
        )
        .order_by()
    )
    result = {
        r["node_id"]: [
            r["due"] or 0,
            r["overdue"] or 0,
            r["open"] or 0,
            (r["flagged"] or 0) + (r["late"] or 0),
        ]
        for r in rows
    }
    in_scope = Q(pk__in=[])
    for o in orgs:
        in_scope |= subtree_q(o.path, "liaison__organisation__path")
    edges = LiaisonClock.objects.filter(
        Q(base_at__gte=_midnight(overdue_day), base_at__lt=overdue_before)
        | Q(base_at__gte=_midnight(due_day), base_at__lt=due_before),
        in_scope,
        liaison__organisation__is_active=True,
    ).values_list("liaison__organisation__path", "base_at")
    by_path = {o.path: o.pk for o in orgs}
    for path, base in edges:
        for p in path_chain(path):
            if p not in by_path:
                continue
            r = result.setdefault(by_path[p], [0, 0, 0, 0])
            if timezone.localdate(base) == due_day and base < due_before:
                r[0] += 1
            if timezone.localdate(base) == overdue_day and base < overdue_before:
                r[1] += 1
    return {pk: (r[0], r[1], r[2], r[3]) for pk, r in result.items()}
