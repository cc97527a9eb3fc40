"""Compare the organisation subtree counters (orgs.subtree_tally) with the raw rows; exit 1 on a difference, or
rebuild them with --repair."""

from pacesetter.core.management.counters import CounterCommand, wrong
from pacesetter.orgs import subtree_tally


class Command(CounterCommand):
    help = "核对（或 --repair 重建）组织下级组织数和党员数汇总计数"

    def rebuild(self) -> int:
        return subtree_tally.rebuild()

    def problems(self) -> list[str]:
        return [
            f"node {node} shard {shard}: {wrong(have, want)}"
            for (node, shard), have, want in subtree_tally.differences()
        ]
