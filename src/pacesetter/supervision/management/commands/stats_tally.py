"""Compare the dashboard's supervision counters (supervision.stats_tally: liaison reviews due, rectification
orders open and overdue) with the raw rows; exit 1 on a difference, or rebuild them with --repair."""

from pacesetter.core.management.counters import CounterCommand, wrong
from pacesetter.supervision import stats_tally


class Command(CounterCommand):
    help = "核对（或 --repair 重建）进度看板领导点评和整改汇总计数"

    def rebuild(self) -> int:
        return stats_tally.rebuild()

    def problems(self) -> list[str]:
        rows = [
            f"node {node} shard {shard} day {day:%Y-%m-%d}: {wrong(have, want)}"
            for (node, shard, day), have, want in stats_tally.differences()
        ]
        clocks = [f"liaison {link}: clock {a} ≠ {b}" for link, a, b in stats_tally.clock_differences()]
        return rows + clocks
