"""Run queued tasks and periodic sweeps; stops cleanly on SIGTERM/SIGINT after the current task."""

import signal
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from pacesetter.core.tasks import reclaim_expired, run_due_sweeps, run_pending, sweep_loop, work, worker_name


class Command(BaseCommand):
    help = "Run the background worker: django.tasks on the database (with leases and retries), or RQ."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due now, then exit")
        parser.add_argument("--poll", type=float, default=1.0)

    def handle(self, *args, once=False, poll=1.0, **options):
        if not isinstance(task_backends["default"], DatabaseBackend):
            return self.handle_rq(once=once, poll=poll)
        if once:
            sweeps = run_due_sweeps()
            reclaimed = reclaim_expired()
            count = run_pending(worker_name(), heartbeat=True)
            self.stdout.write(f"ran {count} tasks and {len(sweeps)} sweeps; {reclaimed} expired leases")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        work(stop, poll_seconds=poll)

    def handle_rq(self, *, once: bool, poll: float):
        """RQ's worker runs the tasks (its scheduler the delayed ones and retries); sweeps run beside it."""
        if once:
            run_due_sweeps()
        else:
            threading.Thread(target=sweep_loop, args=(threading.Event(), poll), daemon=True).start()
        call_command(
            "rqworker",
            "default",
            job_class="django_tasks_rq.Job",
            worker_class="pacesetter.core.rq.Worker",
            with_scheduler=True,
            burst=once,
        )
