"""The Redis backend (PACESETTER_REDIS_URL): django-tasks-rq, with each job given RQ's own retries.

RQ already has what django-tasks-db lacks: a worker heartbeat (a job whose worker died is found as
"abandoned" by the started-job registry's cleanup) and retries with intervals (a failed or abandoned job
with retries left is scheduled again). django-tasks-rq does not pass a Retry when it creates a job, so
this backend does: the same attempts and backoff as the database queue (core/tasks.py).
"""

import contextlib

import django_rq
import redis
from django_tasks.base import TASK_MAX_PRIORITY, Task, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq.backend import Job, RQBackend, failed_callback, success_callback
from rq import Worker as RQWorker
from rq.job import Callback, JobStatus, Retry
from rq.job import Job as RQJob

from .tasks import backoff, max_attempts_of, task_label


def retry_for(task_path: str) -> Retry | None:
    attempts = max_attempts_of(task_path)
    if attempts <= 1:
        return None
    return Retry(max=attempts - 1, interval=[int(backoff(n).total_seconds()) for n in range(1, attempts)])


class RetryingRQBackend(RQBackend):
    """django_tasks_rq.RQBackend whose jobs carry a Retry (the rest of enqueue is the library's)."""

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        task_result: TaskResult = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=args,
            kwargs=kwargs,
            job_id=task_result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias},
            retry=retry_for(task.module_path),
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)
        return task_result


class PromptStop:
    """RQ's unsubscribe in the order that lets the thread listening for RQ's commands end at once.

    RQ 3.0 sends UNSUBSCRIBE, then stops that thread. When the thread reads the reply first, it finds itself
    subscribed to nothing and waits for a subscription for up to RQ's 60 s poll; redis-py 8's stop() joins
    the thread without a bound, so the worker's shutdown (SIGTERM, or the end of `worker --once`) hung for a
    minute. Stopping the thread's loop before the UNSUBSCRIBE makes the reply the last thing it reads."""

    def unsubscribe(self):
        thread = self.pubsub_thread
        if not thread:
            return
        thread.stop(timeout=0)  # clears its run flag only; the reply to the UNSUBSCRIBE wakes it to see that
        if thread.is_alive():
            # it may have seen the flag on its own and closed the connection on its way out meanwhile
            with contextlib.suppress(redis.exceptions.ConnectionError):
                self.pubsub.unsubscribe()
        thread.join(timeout=1)
        self.pubsub.close()


class Worker(PromptStop, RQWorker):
    """The worker `pacesetter manage worker` runs when the queue is RQ."""


# --------------------------------------------------------------------------------------------------
# What the office's task page shows when the queue is RQ: RQ's failed-job registry.


def _queue():
    return django_rq.get_queue("default", job_class=Job)


def failed_jobs(limit: int = 1000) -> list[RQJob]:
    """Jobs that failed for good, newest first (RQ keeps them in its failed-job registry)."""
    queue = _queue()
    ids = queue.failed_job_registry.get_job_ids(0, limit - 1, desc=True)
    return [job for job in RQJob.fetch_many(ids, connection=queue.connection) if job is not None]


def job_counts() -> dict[str, int]:
    queue = _queue()
    return {
        TaskResultStatus.READY: queue.count + queue.scheduled_job_registry.count,
        TaskResultStatus.RUNNING: queue.started_job_registry.count,
        TaskResultStatus.SUCCESSFUL: queue.finished_job_registry.count,
        TaskResultStatus.FAILED: queue.failed_job_registry.count,
    }


def job_row(job: RQJob) -> dict:
    result = job.latest_result()
    traceback = (result.exc_string if result else "") or ""
    lines = [line for line in traceback.splitlines() if line.strip()]
    attempts = max_attempts_of(job.func_name or "")
    return {
        "id": job.id,
        "label": task_label(job.func_name or ""),
        "path": job.func_name,
        "failed": True,
        "attempts": attempts - (job.retries_left or 0),
        "max_attempts": attempts,
        "enqueued_at": job.enqueued_at,
        "last_attempt_at": job.started_at,
        "next_attempt_at": None,
        "finished_at": job.ended_at,
        "error": lines[-1] if lines else "",
        "traceback": traceback,
    }


def requeue_failed_job(job_id: str) -> str | None:
    """Put a failed job back in the queue; returns its task path, or None if it is not a failed job."""
    registry = _queue().failed_job_registry
    if job_id not in registry.get_job_ids(cleanup=False):
        return None
    job = registry.requeue(job_id)
    return job.func_name
