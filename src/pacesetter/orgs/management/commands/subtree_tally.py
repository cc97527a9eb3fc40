"""Compare the organisation subtree counters (orgs.subtree_tally) with the raw rows; exit 1 on a difference, or
rebuild them with --repair."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pacesetter.orgs import subtree_tally


class Command(BaseCommand):
    help = "核对（或 --repair 重建）组织下级组织数和党员数汇总计数"

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="按原始数据重建")

    def handle(self, *args, repair=False, **options):
        if repair:
            with transaction.atomic():
                self.stdout.write(f"rows: {subtree_tally.rebuild()}")
            return
        diffs = subtree_tally.differences()
        for (node, shard), have, want in diffs:
            wrong = ", ".join(f"{k} {have[k]}≠{want[k]}" for k in have if have[k] != want[k])
            self.stdout.write(f"node {node} shard {shard}: {wrong}")
        self.stdout.write(f"differences: {len(diffs)}")
        if diffs:
            raise CommandError(f"{len(diffs)} 行汇总计数与原始数据不符，可运行 subtree_tally --repair 重建")
