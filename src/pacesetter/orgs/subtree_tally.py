"""Roll-up counters of organisation subtrees (SubtreeTally, issue #23), so that a page showing an organisation's
党员 and 下级组织 totals (the tree, the organisation page, the member list) reads a few rows instead of summing
the whole subtree: at the root of a city of 460,000 organisations that sum was most of the page's time.

The rule is annotate_subtree_counts_live's: the active organisations of a subtree are counted (`orgs`) and their
direct member_count summed (`members`); inactive ones count for nothing. Each active organisation adds
(1, member_count) to the rows of its ancestors-or-self, in the shard of its id (id % 8, so that no one row is
written by every change in the city); a read sums the shards of the organisations asked for.

Writes (all in the caller's transaction, by orgs.services and the imports, not by signals): a member count
recounted adds the difference (`add`); an organisation created, deactivated or reactivated adds or takes out
its own (1, member_count) (`bump`); a move takes the moved subtree's totals (the rows of its root) off the old
parent's chain and puts them on the new one's (`moved`); an organisation import rebuilds. Bulk loads (the demo,
the benchmarks) call `rebuild`; `differences` compares the table with `live` (the tests, the
`subtree_tally` command).
"""

from collections import defaultdict

from django.db.models import F, Sum

from pacesetter.core.bulk import insert_rows

from . import rollup
from .models import SEGMENT, Organisation, SubtreeTally, path_chain

COUNTERS = ("orgs", "members")
SHARDS = rollup.SHARDS
CHUNK = 500
Key = tuple[int, int]  # (node id, shard)


def _chunks(items: list) -> list[list]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def _ids(paths: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in _chunks(sorted(set(paths))):
        ids.update(Organisation.objects.filter(path__in=chunk).values_list("path", "pk"))
    return ids


def _apply(deltas: dict[Key, tuple[int, int]]) -> None:
    """Add (orgs, members) to the rows (node, shard) of `deltas`, creating missing rows."""
    deltas = {k: d for k, d in deltas.items() if any(d)}
    if not deltas:
        return
    SubtreeTally.objects.bulk_create(
        [SubtreeTally(node_id=n, shard=s) for n, s in deltas], ignore_conflicts=True, batch_size=CHUNK
    )
    same: dict[tuple[int, int, int], list[int]] = defaultdict(list)  # one UPDATE per shard and delta
    for (node, shard), (orgs, members) in deltas.items():
        same[(shard, orgs, members)].append(node)
    for (shard, orgs, members), nodes in same.items():
        for chunk in _chunks(sorted(nodes)):
            SubtreeTally.objects.filter(node_id__in=chunk, shard=shard).update(
                orgs=F("orgs") + orgs, members=F("members") + members
            )


def add(changes: dict[int, tuple[int, int]]) -> None:
    """Add {org id: (orgs, members)} to the rows of each organisation's ancestors-or-self, in its shard."""
    changes = {pk: d for pk, d in changes.items() if any(d)}
    if not changes:
        return
    paths: dict[int, str] = {}
    for chunk in _chunks(sorted(changes)):
        paths.update(Organisation.objects.filter(pk__in=chunk).values_list("pk", "path"))
    ids = _ids([p for path in paths.values() for p in path_chain(path)])
    deltas: dict[Key, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for pk, path in paths.items():
        orgs, members = changes[pk]
        for p in path_chain(path):
            o, m = deltas[(ids[p], pk % SHARDS)]
            deltas[(ids[p], pk % SHARDS)] = (o + orgs, m + members)
    _apply(deltas)


def bump(org: Organisation, *, orgs: int = 0, members: int = 0) -> None:
    """Add `orgs` and `members` to the rows of `org`'s ancestors-or-self in `org`'s shard."""
    add({org.pk: (orgs, members)})


def moved(org: Organisation, old_parent_path: str) -> None:
    """`org` moved with its subtree: the subtree's totals (the rows of `org` itself) leave the old parent's
    chain and join the new one's (the ancestors both share keep theirs) — a few rows, whatever the size of
    the tree."""
    old = set(_ids(path_chain(old_parent_path)).values())
    new = set(_ids(path_chain(org.path[:-SEGMENT])).values())
    deltas: dict[Key, tuple[int, int]] = {}
    for shard, orgs, members in SubtreeTally.objects.filter(node=org).values_list("shard", *COUNTERS):
        deltas.update({(n, shard): (-orgs, -members) for n in old - new})
        deltas.update({(n, shard): (orgs, members) for n in new - old})
    _apply(deltas)


def totals(orgs: list[Organisation]) -> dict[int, tuple[int, int]]:
    """{org id: (active organisations, their members)} over each given organisation's subtree: one query."""
    if not orgs:
        return {}
    rows = (
        SubtreeTally.objects.filter(node_id__in=[o.pk for o in orgs])
        .order_by()
        .values("node_id")
        .annotate(o=Sum("orgs"), m=Sum("members"))
        .values_list("node_id", "o", "m")
    )
    return {node: (o or 0, m or 0) for node, o, m in rows}


def live() -> dict[Key, dict[str, int]]:
    """{(node id, shard): counters} computed from the raw rows (non-zero rows)."""
    active = Organisation.objects.filter(is_active=True).values_list("pk", "member_count")
    contributions = {(pk, None): {"orgs": 1, "members": m} for pk, m in active.iterator(chunk_size=5000)}
    return rollup.roll_up(contributions, COUNTERS, key=lambda node, pk, _extra: (node, pk % SHARDS))


def stored() -> dict[Key, dict[str, int]]:
    rows = SubtreeTally.objects.values_list("node_id", "shard", *COUNTERS)
    return rollup.stored_rows(rows.iterator(chunk_size=5000), 2, COUNTERS)


def differences() -> list[tuple[Key, dict, dict]]:
    """[(key, stored counters, live counters)] wherever the table and the rows disagree."""
    return rollup.compare(stored(), live(), COUNTERS)


def rebuild() -> int:
    """Recompute the table from the raw rows; returns the number of rows."""
    counters = live()
    SubtreeTally.objects.all().delete()
    return insert_rows(SubtreeTally, ({"node_id": n, "shard": s, **c} for (n, s), c in counters.items()))
