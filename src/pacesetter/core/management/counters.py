"""The check-or-repair command every roll-up counter table has (`pacesetter manage <name> [--repair]`)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class CounterCommand(BaseCommand):
    """Without options: list each row where the stored counters and a recomputation from the raw rows
    disagree, and exit 1 if any does. --repair: rebuild the table from the raw rows in one transaction.

    A subclass names `help` and implements `problems` (one line per disagreement) and `rebuild`."""

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="按原始数据重建")

    def problems(self) -> list[str]:
        raise NotImplementedError

    def rebuild(self) -> int:
        raise NotImplementedError

    def handle(self, *args, repair=False, **options):
        if repair:
            with transaction.atomic():
                self.stdout.write(f"rows: {self.rebuild()}")
            return
        lines = self.problems()
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"differences: {len(lines)}")
        if lines:
            name = type(self).__module__.rsplit(".", 1)[-1]
            raise CommandError(f"{len(lines)} 行汇总计数与原始数据不符，可运行 {name} --repair 重建")


def wrong(have: dict, want: dict) -> str:
    """The counters that differ, as "name stored≠live"."""
    return ", ".join(f"{k} {have[k]}≠{want[k]}" for k in have if have[k] != want[k])
