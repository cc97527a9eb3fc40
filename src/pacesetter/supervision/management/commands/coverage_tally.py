"""Compare the dashboard's 集中点评 coverage counters (supervision.coverage_tally) with the raw rows; exit 1 on a
difference, or rebuild them with --repair."""

from pacesetter.core.management.counters import CounterCommand, wrong
from pacesetter.supervision import coverage_tally


class Command(CounterCommand):
    help = "核对（或 --repair 重建）进度看板集中点评汇总计数"

    def rebuild(self) -> int:
        return coverage_tally.rebuild()

    def problems(self) -> list[str]:
        return [
            f"node {node} shard {shard} half {half:%Y-%m}: {wrong(have, want)}"
            for (node, shard, half), have, want in coverage_tally.differences()
        ]
