"""Run queued tasks and periodic sweeps; stops cleanly on SIGTERM/SIGINT after the current task."""

import signal
import threading

from django.core.management.base import BaseCommand

from pacesetter.core.tasks import run_due_sweeps, run_pending, work


class Command(BaseCommand):
    help = "Run the background worker (the database is the queue)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due now, then exit")
        parser.add_argument("--poll", type=float, default=1.0)

    def handle(self, *args, once=False, poll=1.0, **options):
        if once:
            sweeps = run_due_sweeps()
            count = run_pending()
            self.stdout.write(f"ran {count} tasks and {len(sweeps)} sweeps")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        work(stop, poll_seconds=poll)
