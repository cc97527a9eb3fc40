"""The arithmetic the roll-up counter tables share (supervision.coverage_tally and stats_tally; campaigns.tallies,
whose rows stop at the campaign's organisation and carry the sector, shares `add`, `move` and `tree_hooks`).

Each table holds, per node organisation and shard (an organisation's id % SHARDS, so that no single row is
written by every change), the sums of what the organisations of the node's subtree (ancestor-or-self)
contribute. A module says what one organisation contributes ("vectors"); `roll_up` adds those into the rows
of every ancestor-or-self, the way the services' bumps do one change at a time, so that `compare` can set the
stored table against a recomputation from the raw rows (the check commands, the tests).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F, Model, QuerySet

from .models import Organisation, path_chain

SHARDS = 8

Counters = dict[str, int]


def roll_up(
    contributions: dict[tuple[int, Any], Counters],
    counters: Iterable[str],
    key: Callable[[int, int, Any], tuple] = lambda node, pk, extra: (node, pk % SHARDS, extra),
) -> dict[tuple, Counters]:
    """{key(node id, org id, extra): counters}: each (org id, extra) contribution summed into the rows of the
    organisation's ancestors-or-self (rows left at zero are left out)."""
    ids_by_path = dict(Organisation.objects.values_list("path", "pk"))
    paths = {pk: path for path, pk in ids_by_path.items()}
    names = tuple(counters)
    totals: dict[tuple, Counters] = defaultdict(lambda: dict.fromkeys(names, 0))
    for (pk, extra), vector in contributions.items():
        for p in path_chain(paths[pk]):
            t = totals[key(ids_by_path[p], pk, extra)]
            for k, v in vector.items():
                t[k] += v
    return {k: v for k, v in totals.items() if any(v.values())}


def stored_rows(rows: Iterable[tuple], key_length: int, counters: Iterable[str]) -> dict[tuple, Counters]:
    """{key: counters} of a table's rows read as (key columns…, counters…), rows at zero left out."""
    names = tuple(counters)
    return {
        r[:key_length]: dict(zip(names, r[key_length:], strict=True)) for r in rows if any(r[key_length:])
    }


def compare(
    have: dict[tuple, Counters], want: dict[tuple, Counters], counters: Iterable[str]
) -> list[tuple[tuple, Counters, Counters]]:
    """[(key, stored counters, live counters)] wherever the two disagree, in a stable order."""
    zero = dict.fromkeys(counters, 0)
    return [
        (key, have.get(key, zero), want.get(key, zero))
        for key in sorted(set(have) | set(want), key=str)
        if have.get(key, zero) != want.get(key, zero)
    ]


def add(model: type[Model], node_ids: list[int], key: dict, deltas: Counters) -> None:
    """Add `deltas` to the rows (node, **key) of `node_ids` in `model`'s table, creating missing rows."""
    manager = model._default_manager
    manager.bulk_create([model(node_id=n, **key) for n in node_ids], ignore_conflicts=True)
    manager.filter(node_id__in=node_ids, **key).update(**{k: F(k) + v for k, v in deltas.items()})


def move(
    rows: QuerySet, keys: Iterable[str], counters: Iterable[str], old_ids: list[int], new_ids: list[int]
) -> None:
    """A subtree moved: its totals, `rows` (its root's own rows), leave the rows of `old_ids` (the old parent's
    chain) and join those of `new_ids` — a few rows, whatever the size of the tree."""
    keys, counters = tuple(keys), tuple(counters)
    for row in rows.values(*keys, *counters):
        key = {k: row[k] for k in keys}
        deltas = {k: row[k] for k in counters if row[k]}
        if deltas:
            add(rows.model, old_ids, key, {k: -v for k, v in deltas.items()})
            add(rows.model, new_ids, key, deltas)


def tree_hooks(
    changing: Callable[[Organisation], None],
    changed: Callable[[Organisation], None],
    subtree_changed: Callable[[list[str]], None],
    moved: Callable[[Organisation, str], None],
) -> dict[str, Callable]:
    """What a roll-up table registers in orgs.hooks (`hooks.register(**tree_hooks(...))`): its handlers of an
    organisation's change (before and after), a bulk import and a move."""
    return {"changing": changing, "changed": changed, "subtree_changed": subtree_changed, "moved": moved}
