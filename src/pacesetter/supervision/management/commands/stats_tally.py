"""Compare the dashboard's supervision counters (supervision.stats_tally: liaison reviews due, rectification
orders open and overdue) with the raw rows; exit 1 on a difference, or rebuild them with --repair."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pacesetter.supervision import stats_tally


class Command(BaseCommand):
    help = "核对（或 --repair 重建）进度看板领导点评和整改汇总计数"

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="按原始数据重建")

    def handle(self, *args, repair=False, **options):
        if repair:
            with transaction.atomic():
                self.stdout.write(f"rows: {stats_tally.rebuild()}")
            return
        diffs = stats_tally.differences()
        for (node, shard, day), have, want in diffs:
            wrong = ", ".join(f"{k} {have[k]}≠{want[k]}" for k in have if have[k] != want[k])
            self.stdout.write(f"node {node} shard {shard} day {day:%Y-%m-%d}: {wrong}")
        clocks = stats_tally.clock_differences()
        for link, have_at, want_at in clocks:
            self.stdout.write(f"liaison {link}: clock {have_at} ≠ {want_at}")
        self.stdout.write(f"differences: {len(diffs) + len(clocks)}")
        if diffs or clocks:
            raise CommandError(
                f"{len(diffs) + len(clocks)} 行汇总计数与原始数据不符，可运行 stats_tally --repair 重建"
            )
