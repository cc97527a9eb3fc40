"""Background work through Django's tasks API: tasks, periodic sweeps, and the worker loop.

A task is a `django.tasks` Task (the django-tasks backport) stored by the django-tasks-db backend in the
database, or handed to RQ when PACESETTER_REDIS_URL is set. django-tasks-db claims a task with a row lock
and marks it RUNNING, but has no lease and no retry: a worker killed mid-task left it RUNNING forever, and
a task that raised was simply FAILED. This module is the one thin layer that adds both:

- a lease: the worker that claims a task writes a TaskLease and renews it while the task runs; once a
  lease has expired (its worker was killed), any worker puts the task back in the queue and it runs again;
- a fence: a worker records an outcome only if the task is still the run it claimed (same `started_at`),
  so a worker that lost its lease never overwrites the run that replaced it;
- retries: a task that raises is queued again after TASK_RETRY_BACKOFF_SECONDS, then twice, four times as
  long ... until its `max_attempts` are used up; then it is FAILED with its traceback, which the office
  sees on the failed-tasks page.

Tasks must be idempotent: a task cut short by a crash runs again from the start. Sweeps are idempotent
functions run every N seconds, at most once per interval across all workers (compare-and-set on SweepRun).
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta
from traceback import format_exception

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django_tasks import TaskContext, TaskResultStatus, task_backends
from django_tasks import task as django_task
from django_tasks.base import Task
from django_tasks.signals import task_finished, task_started
from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from .models import SweepRun, TaskLease

log = logging.getLogger(__name__)

LEASE_EXPIRED = "pacesetter.core.tasks.LeaseExpired"

_sweeps: dict[str, tuple[Callable, int]] = {}
_max_attempts: dict[str, int] = {}
_labels: dict[str, "str | Promise"] = {}
_give_up: dict[str, Callable] = {}
_discovered = False


def task(
    func: Callable | None = None,
    *,
    max_attempts: int | None = None,
    label: "str | Promise" = "",
    on_give_up: Callable | None = None,
):
    """Make `func` a django.tasks Task; queue it with `enqueue(func, **kwargs)` and primitive arguments.

    `max_attempts` (default TASK_MAX_ATTEMPTS) counts every run: a failure and a lost lease alike.
    `label` names the task for the office (a lazy translation).
    `on_give_up(**kwargs)` runs once when the queue gives the task up (FAILED after its last attempt, by an
    error or by a worker that died), so that rows the task keeps can say so.
    """

    def wrap(f: Callable) -> Task:
        t = django_task(f)
        if max_attempts is not None:
            _max_attempts[t.module_path] = max_attempts
        if on_give_up is not None:
            _give_up[t.module_path] = on_give_up
        if label:
            _labels[t.module_path] = label
        return t

    return wrap(func) if func is not None else wrap


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


def uses_database(t: Task) -> bool:
    return isinstance(task_backends[t.backend], DatabaseBackend)


def queue_is_database() -> bool:
    """True for the embedded default (django-tasks-db), False when PACESETTER_REDIS_URL selects RQ."""
    return isinstance(task_backends["default"], DatabaseBackend)


def enqueue(t: Task, *, delay: timedelta | None = None, **kwargs):
    """Queue task `t` with keyword arguments; the one entry point for background work.

    On the database backend the row is written in the caller's transaction (a worker sees it once the
    data it refers to is committed); Redis is outside the transaction, so there it is queued on commit.
    Returns the TaskResult, or None when it is queued on commit or run inline (TASKS_INLINE).
    """
    if not isinstance(t, Task):
        raise LookupError(f"{t!r} is not a task: decorate it with pacesetter.core.tasks.task")
    if settings.TASKS_INLINE:
        transaction.on_commit(lambda: t.call(**kwargs))
        return None
    if delay:
        t = t.using(run_after=timezone.now() + delay)
    if uses_database(t):
        return t.enqueue(**kwargs)
    transaction.on_commit(lambda: t.enqueue(**kwargs))
    return None


def task_label(task_path: str) -> str:
    _discover()
    return str(_labels.get(task_path, task_path.rsplit(".", 1)[-1]))


def max_attempts_of(task_path: str) -> int:
    return _max_attempts.get(task_path, settings.TASK_MAX_ATTEMPTS)


def backoff(attempt: int) -> timedelta:
    """Wait before the run after `attempt` failed ones: 1, 2, 4, 8 ... times TASK_RETRY_BACKOFF_SECONDS."""
    return timedelta(seconds=settings.TASK_RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1))


def _lease() -> timedelta:
    return timedelta(seconds=settings.TASK_LEASE_SECONDS)


# --------------------------------------------------------------------------------------------------
# Claiming, running, recording the outcome


def claim_next(worker: str, *, backend: str = "default") -> DBTaskResult | None:
    """Take the next ready task (row lock, as django-tasks-db's own worker does) and give it a lease."""
    ready = DBTaskResult.objects.ready().filter(backend_name=backend)
    try:
        with exclusive_transaction(ready.db):
            row = ready.get_locked()
            if row is None:
                return None
            row.claim(worker)
            TaskLease.objects.update_or_create(
                result=row, defaults={"worker": worker, "expires_at": row.started_at + _lease()}
            )
    except OperationalError as exc:
        if is_locked_database_exception(exc):  # SQLite: another worker holds the lock; try again later
            return None
        raise
    return row


def _renew_lease(result_id, worker: str, stop: threading.Event) -> None:
    """While the task runs, push its lease forward every third of the lease (in its own connection)."""
    try:
        while not stop.wait(settings.TASK_LEASE_SECONDS / 3):
            try:
                TaskLease.objects.filter(result_id=result_id, worker=worker).update(
                    expires_at=timezone.now() + _lease()
                )
            except Exception:
                log.exception("task %s: could not renew the lease", result_id)
    finally:
        connection.close()


def run_claimed(row: DBTaskResult, worker: str, *, heartbeat: bool = True) -> str:
    """Run a claimed task and record its outcome; returns the status written (or "" if fenced out)."""
    fence = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at)
    stop = threading.Event()
    if heartbeat:
        threading.Thread(target=_renew_lease, args=(row.pk, worker, stop), daemon=True).start()
    try:
        t = row.task
        result = row.task_result
        task_started.send(sender=type(t.get_backend()), task_result=result)
        if t.takes_context:
            value = t.call(TaskContext(task_result=result), *result.args, **result.kwargs)
        else:
            value = t.call(*result.args, **result.kwargs)
        value = normalize_json(value)
    except Exception as exc:
        log.warning("task %s (%s) failed: %r", row.pk, row.task_path, exc)
        status = _record_failure(row, fence, exc)
    else:
        updated = fence.update(
            status=TaskResultStatus.SUCCESSFUL,
            finished_at=timezone.now(),
            return_value=value,
            exception_class_path="",
            traceback="",
        )
        status = TaskResultStatus.SUCCESSFUL if updated else ""
    finally:
        stop.set()
    TaskLease.objects.filter(result_id=row.pk, worker=worker).delete()
    if not status:
        log.warning("task %s: lease lost while running, its outcome is dropped", row.pk)
    elif status != TaskResultStatus.READY:
        row.refresh_from_db()
        task_finished.send(sender=DatabaseBackend, task_result=row.task_result)
    return status


def _record_failure(row: DBTaskResult, fence, exc: BaseException) -> str:
    now = timezone.now()
    error = {
        "exception_class_path": f"{type(exc).__module__}.{type(exc).__qualname__}",
        "traceback": "".join(format_exception(exc))[-20000:],
    }
    attempts = len(row.worker_ids)
    if attempts < max_attempts_of(row.task_path):
        # The last error stays on the row while the task waits for its next attempt.
        updated = fence.update(status=TaskResultStatus.READY, run_after=now + backoff(attempts), **error)
        return TaskResultStatus.READY if updated else ""
    updated = fence.update(status=TaskResultStatus.FAILED, finished_at=now, return_value=None, **error)
    if updated:
        _gave_up(row)
    return TaskResultStatus.FAILED if updated else ""


def _gave_up(row: DBTaskResult) -> None:
    hook = _give_up.get(row.task_path)
    if hook is None:
        return
    try:
        hook(**row.args_kwargs.get("kwargs", {}))
    except Exception:
        log.exception("task %s (%s): its give-up hook failed", row.pk, row.task_path)


def reclaim_expired(now=None) -> int:
    """Put back in the queue every RUNNING task whose lease has expired: its worker stopped answering.

    A task that has used up its attempts this way is FAILED instead (a task that kills its worker every
    time must not do so for ever). Compare-and-set on `started_at`: two workers reclaim a task once.
    """
    now = now or timezone.now()
    stale = DBTaskResult.objects.running().filter(
        Q(lease__expires_at__lt=now) | Q(lease__isnull=True, started_at__lt=now - _lease())
    )
    count = 0
    for row in stale.select_related("lease")[:100]:
        fence = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        lost = getattr(row, "lease", None)
        note = f"worker {lost.worker if lost else row.worker_ids[-1:]} stopped answering; lease expired\n"
        error = {"exception_class_path": LEASE_EXPIRED, "traceback": note}
        if len(row.worker_ids) < max_attempts_of(row.task_path):
            updated = fence.update(status=TaskResultStatus.READY, run_after=timezone.now(), **error)
        else:
            updated = fence.update(status=TaskResultStatus.FAILED, finished_at=now, **error)
            if updated:
                _gave_up(row)
        if updated:
            TaskLease.objects.filter(result_id=row.pk).delete()
            log.warning("task %s (%s): %s", row.pk, row.task_path, note.strip())
            count += 1
    return count


def still_queued(t: Task, key: str, values) -> set | None:
    """Which of `values` a READY or RUNNING run of task `t` still names as its keyword `key`: work the queue
    will yet do. None when the queue is not the database (RQ), whose jobs cannot be asked this way."""
    if not queue_is_database():
        return None
    values = list(values)
    if not values:
        return set()
    live = DBTaskResult.objects.filter(
        task_path=t.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        **{f"args_kwargs__kwargs__{key}__in": values},
    )
    return {row["kwargs"][key] for row in live.values_list("args_kwargs", flat=True)}


def requeue_failed(result_id) -> bool:
    """FAILED → READY for one more attempt (the office's "run again"); its history of workers is kept."""
    return bool(
        DBTaskResult.objects.filter(pk=result_id, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=timezone.now(), finished_at=None
        )
    )


# --------------------------------------------------------------------------------------------------
# Sweeps and the worker loop


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


def run_pending(
    worker: str = "inline", limit: int = 1000, *, heartbeat: bool = False, stop: threading.Event | None = None
) -> int:
    """Run ready tasks until none is left, `limit` is reached or `stop` is set; returns how many ran."""
    _discover()
    count = 0
    while count < limit and not (stop and stop.is_set()) and (row := claim_next(worker)) is not None:
        run_claimed(row, worker, heartbeat=heartbeat)
        count += 1
    return count


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[-64:]


def work(stop: threading.Event, poll_seconds: float = 1.0) -> None:
    """The worker loop: sweeps, expired leases, then ready tasks; returns after the current task on `stop`."""
    _discover()
    worker = worker_name()
    log.warning("worker %s started with %d sweeps", worker, len(_sweeps))
    while not stop.is_set():
        close_old_connections()
        try:
            run_due_sweeps()
            reclaim_expired()
            ran = run_pending(worker, limit=50, heartbeat=True, stop=stop)
        except OperationalError:
            log.exception("worker %s: database unavailable, retrying", worker)
            ran = 0
        if ran == 0:
            stop.wait(poll_seconds)


def sweep_loop(stop: threading.Event, poll_seconds: float = 1.0) -> None:
    """Only the sweeps, for a worker whose tasks another queue (RQ) runs."""
    _discover()
    while not stop.is_set():
        close_old_connections()
        try:
            run_due_sweeps()
        except OperationalError:
            log.exception("sweeps: database unavailable, retrying")
        stop.wait(poll_seconds)


@sweep(every_seconds=3600)
def purge_finished_tasks(days: int = 30) -> int:
    """Successful task rows older than `days` are removed; failed ones stay for the office to see."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = DBTaskResult.objects.successful().filter(finished_at__lt=cutoff).delete()
    return deleted
