"""The arithmetic the roll-up counter tables share (supervision.coverage_tally and stats_tally; campaigns.tallies
keeps its own, whose rows stop at the campaign's organisation and carry the sector).

Each table holds, per node organisation and shard (an organisation's id % SHARDS, so that no single row is
written by every change), the sums of what the organisations of the node's subtree (ancestor-or-self)
contribute. A module says what one organisation contributes ("vectors"); `roll_up` adds those into the rows
of every ancestor-or-self, the way the services' bumps do one change at a time, so that `compare` can set the
stored table against a recomputation from the raw rows (the check commands, the tests).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

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
