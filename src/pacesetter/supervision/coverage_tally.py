"""Roll-up counters of the half-yearly 集中点评 check on the progress dashboard (CoverageTally, issue #23), so
that the dashboard's covered / pending / overdue figures read a few rows whatever the size of the subtree.

The rule is member_reviews.session_coverage's: an active organisation is covered in a half year when a session
held in it covered the organisation (hosted it, or reviewed it or one of its members: member_reviews._covered_on's
three sources); otherwise pending when it was covered the half year before or made (local date) in this one;
otherwise overdue. Per organisation and half year H this is three bits — covered(H), carried(H) = covered(H-1)
or made in H, and both — and the figures of a subtree are sums: covered, pending = carried - both, overdue =
orgs - covered - pending. Each active organisation adds its bits (its "vector", `vectors`) to the rows of its
ancestors-or-self, in the shard of its id, one row per half year it has a bit in, plus `orgs` in the ALWAYS row.

Writes: a session convened, and a review or member review filed at a session, take the organisation's vector
out and put it back (`refresh`, under a lock of the organisation's row); the organisation tree reaches here
through orgs.hooks (created, (de)activated: its vector out and in; a move: the moved subtree's totals off the old
parent's chain and onto the new one's; an import: `rebuild`). Bulk loads
(the demo, the benchmarks) call `rebuild`; `differences` compares the table with `live` (the tests).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from pacesetter.core.bulk import insert_rows
from pacesetter.orgs import rollup
from pacesetter.orgs.models import SEGMENT, Organisation, path_chain

from .models import CoverageTally, MemberReview, Review, ReviewSession

ALWAYS = datetime.date(1, 1, 1)
COUNTERS = ("orgs", "covered", "carried", "both")
SHARDS = rollup.SHARDS
Key = tuple[int, int, datetime.date]  # (node id, shard, half)


def half_of(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def _next_half(half: datetime.date) -> datetime.date:
    return datetime.date(half.year + 1, 1, 1) if half.month == 7 else datetime.date(half.year, 7, 1)


def vectors(orgs: QuerySet[Organisation]) -> dict[tuple[int, datetime.date], dict[str, int]]:
    """{(org id, half): {counter: 1}} of the active organisations of `orgs` (ALWAYS: {"orgs": 1})."""
    active = orgs.filter(is_active=True)
    made = {pk: half_of(timezone.localdate(at)) for pk, at in active.values_list("pk", "created_at")}
    held: set[tuple[int, datetime.date]] = set()
    for model, day in (
        (ReviewSession, "held_on"),
        (Review, "session__held_on"),
        (MemberReview, "session__held_on"),
    ):
        rows = model.objects.filter(organisation__in=active.values("pk"), **{f"{day}__isnull": False})
        held |= {(pk, half_of(d)) for pk, d in rows.values_list("organisation_id", day).distinct().order_by()}
    carried = {*made.items(), *((pk, _next_half(h)) for pk, h in held)}
    result: dict[tuple[int, datetime.date], dict[str, int]] = defaultdict(dict)
    for pk in made:
        result[(pk, ALWAYS)]["orgs"] = 1
    for counter, keys in (("covered", held), ("carried", carried), ("both", held & carried)):
        for key in keys:
            result[key][counter] = 1
    return dict(result)


def _bump(org: Organisation, sign: int) -> None:
    """Add (+1) or take out (-1) `org`'s vector as the database holds it now, on its ancestors-or-self."""
    current = Organisation.objects.filter(pk=org.pk).first()
    if current is None:
        return
    by_half = {half: v for (_pk, half), v in vectors(Organisation.objects.filter(pk=org.pk)).items()}
    if not by_half:
        return
    nodes = _ids(path_chain(current.path))
    for half, counts in by_half.items():
        rollup.add(
            CoverageTally,
            nodes,
            {"shard": current.pk % SHARDS, "half": half},
            {k: sign * v for k, v in counts.items()},
        )


def _ids(paths: list[str]) -> list[int]:
    return list(Organisation.objects.filter(path__in=paths).values_list("pk", flat=True))


def lock(orgs: Iterable[Organisation]) -> None:
    """Serialise refreshes of these organisations (a vector is read, then written back)."""
    pks = sorted({o.pk for o in orgs})
    list(Organisation.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk"))


class refresh:  # noqa: N801 - used as `with coverage_tally.refresh(orgs):`
    """Around a write that may change these organisations' coverage (in the caller's transaction): their
    vectors out before, in again after."""

    def __init__(self, orgs: Iterable[Organisation]):
        self.orgs = list({o.pk: o for o in orgs}.values())

    def __enter__(self):
        lock(self.orgs)
        for org in self.orgs:
            _bump(org, -1)

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            for org in self.orgs:
                _bump(org, +1)


def _org_changing(org: Organisation) -> None:
    _bump(org, -1)


def _org_changed(org: Organisation) -> None:
    _bump(org, +1)


def _subtree_changed(paths: list[str]) -> None:
    rebuild()


def _moved(org: Organisation, old_parent_path: str) -> None:
    """`org` moved with its subtree: the subtree's totals (the rows of `org` itself) leave the old parent's
    chain and join the new one's — a few rows, whatever the size of the tree."""
    old_ids, new_ids = _ids(path_chain(old_parent_path)), _ids(path_chain(org.path[:-SEGMENT]))
    rollup.move(CoverageTally.objects.filter(node=org), ("shard", "half"), COUNTERS, old_ids, new_ids)


def hooks() -> dict:
    """What supervision's AppConfig.ready registers in orgs.hooks."""
    return rollup.tree_hooks(_org_changing, _org_changed, _subtree_changed, _moved)


def live() -> dict[Key, dict[str, int]]:
    """{(node id, shard, half): counters} computed from the raw rows (non-zero rows)."""
    return rollup.roll_up(vectors(Organisation.objects.all()), COUNTERS)


def stored() -> dict[Key, dict[str, int]]:
    rows = CoverageTally.objects.values_list("node_id", "shard", "half", *COUNTERS)
    return rollup.stored_rows(rows.iterator(chunk_size=5000), 3, COUNTERS)


def differences() -> list[tuple[Key, dict, dict]]:
    """[(key, stored counters, live counters)] wherever the table and the rows disagree."""
    return rollup.compare(stored(), live(), COUNTERS)


def rebuild() -> int:
    """Recompute the table from the raw rows; returns the number of rows."""
    totals = live()
    CoverageTally.objects.all().delete()
    return insert_rows(
        CoverageTally, ({"node_id": n, "shard": s, "half": h, **c} for (n, s, h), c in totals.items())
    )


def counts(org: Organisation, today: datetime.date) -> tuple[int, int, int]:
    """(covered, pending, overdue) over `org`'s subtree in the half year of `today`: one query over the
    shards' rows of `org` for ALWAYS and that half year."""
    half = half_of(today)
    s = CoverageTally.objects.filter(node=org, half__in=[ALWAYS, half]).aggregate(
        orgs=Sum("orgs", filter=Q(half=ALWAYS)),
        **{k: Sum(k, filter=Q(half=half)) for k in ("covered", "carried", "both")},
    )
    covered, pending = s["covered"] or 0, (s["carried"] or 0) - (s["both"] or 0)
    return covered, pending, (s["orgs"] or 0) - covered - pending
