"""A small background-work queue kept in the database: tasks, periodic sweeps and the worker loop.

Workers are stateless: any number may run; a task is claimed by a conditional UPDATE (compare-and-set
on its status), so two workers never run the same task. Sweeps are idempotent functions run at most
once per interval across all workers.
"""

import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .models import SweepRun, Task, TaskStatus

log = logging.getLogger(__name__)

_tasks: dict[str, Callable] = {}
_sweeps: dict[str, tuple[Callable, int]] = {}
_discovered = False


def task(func: Callable) -> Callable:
    """Register `func` as a task; call `enqueue(func, **kwargs)` with primitive arguments."""
    _tasks[f"{func.__module__}.{func.__name__}"] = func
    return func


def sweep(every_seconds: int) -> Callable:
    def register(func: Callable) -> Callable:
        _sweeps[f"{func.__module__}.{func.__name__}"] = (func, every_seconds)
        return func

    return register


def _discover():
    global _discovered
    if not _discovered:
        autodiscover_modules("tasks")
        _discovered = True


def enqueue(func: Callable, *, delay: timedelta | None = None, **kwargs) -> Task | None:
    name = f"{func.__module__}.{func.__name__}"
    if name not in _tasks:
        raise LookupError(f"{name} is not a registered task")
    if settings.TASKS_INLINE:
        transaction.on_commit(lambda: func(**kwargs))
        return None
    return Task.objects.create(name=name, args=kwargs, run_after=timezone.now() + (delay or timedelta()))


def claim_next(worker: str) -> Task | None:
    now = timezone.now()
    for candidate in Task.objects.filter(status=TaskStatus.QUEUED, run_after__lte=now).order_by(
        "run_after", "id"
    )[:5]:
        claimed = Task.objects.filter(pk=candidate.pk, status=TaskStatus.QUEUED).update(
            status=TaskStatus.RUNNING, started_at=now, worker=worker, attempts=candidate.attempts + 1
        )
        if claimed:
            candidate.refresh_from_db()
            return candidate
    return None


def run_task(task_row: Task) -> None:
    _discover()
    func = _tasks.get(task_row.name)
    try:
        if func is None:
            raise LookupError(f"unknown task {task_row.name}")
        func(**task_row.args)
    except Exception:
        log.exception("task %s failed", task_row)
        Task.objects.filter(pk=task_row.pk).update(
            status=TaskStatus.FAILED, finished_at=timezone.now(), error=traceback.format_exc()[-4000:]
        )
    else:
        Task.objects.filter(pk=task_row.pk).update(
            status=TaskStatus.DONE, finished_at=timezone.now(), progress=100
        )


def run_due_sweeps(now=None) -> list[str]:
    """Run each sweep whose interval has passed; the CAS on SweepRun keeps it to one worker."""
    _discover()
    now = now or timezone.now()
    ran = []
    for name, (func, every) in sorted(_sweeps.items()):
        row, _ = SweepRun.objects.get_or_create(name=name)
        if row.last_run_at and row.last_run_at > now - timedelta(seconds=every):
            continue
        if not SweepRun.objects.filter(pk=row.pk, last_run_at=row.last_run_at).update(last_run_at=now):
            continue
        try:
            func()
            ran.append(name)
        except Exception:
            log.exception("sweep %s failed", name)
    return ran


def run_pending(worker: str = "inline", limit: int = 1000) -> int:
    """Run queued tasks until none is left (or `limit`); returns how many ran."""
    count = 0
    while count < limit and (t := claim_next(worker)) is not None:
        run_task(t)
        count += 1
    return count


def work(stop: threading.Event, poll_seconds: float = 1.0) -> None:
    _discover()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    log.warning("worker %s started with %d tasks and %d sweeps", worker, len(_tasks), len(_sweeps))
    while not stop.is_set():
        run_due_sweeps()
        if run_pending(worker, limit=50) == 0:
            stop.wait(poll_seconds)


@sweep(every_seconds=3600)
def purge_finished_tasks(days: int = 30) -> int:
    """Finished task rows older than `days` are removed; failed ones stay for inspection."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Task.objects.filter(status=TaskStatus.DONE, finished_at__lt=cutoff).delete()
    return deleted
