"""The Redis backend (PACESETTER_REDIS_URL): tasks go to RQ, each job with RQ's retries and our backoff."""

import os
import signal
import threading
import time

import pytest

redis = pytest.importorskip("redis")
pytest.importorskip("django_tasks_rq")

from django_rq import get_queue  # noqa: E402
from django_tasks_rq.backend import Job  # noqa: E402
from rq import SimpleWorker  # noqa: E402
from rq.job import JobStatus  # noqa: E402

from pacesetter.core import tasks  # noqa: E402
from pacesetter.core.rq import PromptStop, retry_for  # noqa: E402
from tests.core.test_tasks import calls, explode, explode_once, record_call  # noqa: E402

URL = os.environ.get("PACESETTER_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


@pytest.fixture
def rq(settings, db):
    connection = redis.Redis.from_url(URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {URL}")
    connection.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": URL}}
    settings.TASKS = {"default": {"BACKEND": "pacesetter.core.rq.RetryingRQBackend", "QUEUES": ["default"]}}
    settings.TASK_MAX_ATTEMPTS = 4
    settings.TASK_RETRY_BACKOFF_SECONDS = 30
    calls.clear()
    yield get_queue("default", job_class=Job)
    connection.flushdb()


def _enqueue(captured, t, **kwargs):
    with captured(execute=True) as callbacks:
        assert tasks.enqueue(t, **kwargs) is None  # Redis is outside the transaction: queued on commit
    assert len(callbacks) == 1


class _InProcessWorker(PromptStop, SimpleWorker):
    """RQ's worker without the fork, stopping as the project's worker does (core.rq.PromptStop)."""


def _burst(queue):
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        _InProcessWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    finally:
        for sig, handler in handlers.items():  # RQ's worker installs its own; give pytest back its own
            signal.signal(sig, handler)


def test_rq_job_carries_the_attempts_and_backoff_of_the_database_queue(
    rq, django_capture_on_commit_callbacks
):
    _enqueue(django_capture_on_commit_callbacks, explode)
    (job,) = rq.get_jobs()
    assert (job.func_name, job.retries_left, job.retry_intervals) == (
        "tests.core.test_tasks.explode",
        3,
        [30, 60, 120],
    )


def test_rq_worker_runs_a_task(rq, django_capture_on_commit_callbacks):
    _enqueue(django_capture_on_commit_callbacks, record_call, value=11)
    _burst(rq)
    assert calls == [11]


def test_rq_failed_task_is_scheduled_again_then_failed(rq, django_capture_on_commit_callbacks):
    _enqueue(django_capture_on_commit_callbacks, explode)
    job_id = rq.get_jobs()[0].id
    _burst(rq)
    job = Job.fetch(job_id, connection=rq.connection)
    assert (job.get_status(), job.retries_left) == (JobStatus.SCHEDULED, 2)
    assert retry_for(explode_once.module_path) is None
    _enqueue(django_capture_on_commit_callbacks, explode_once)
    once_id = [j.id for j in rq.get_jobs()][0]
    _burst(rq)
    assert Job.fetch(once_id, connection=rq.connection).get_status() == JobStatus.FAILED


def test_rq_failed_job_is_shown_to_the_office_and_can_run_again(
    rq, city, client_for, django_capture_on_commit_callbacks
):
    from pacesetter.core.models import AuditEntry

    _enqueue(django_capture_on_commit_callbacks, explode_once)
    job_id = rq.get_jobs()[0].id
    _burst(rq)
    c = client_for(city.office)
    html = c.get("/tasks/").content.decode()
    assert html.count('data-testid="task-row"') == 1
    assert "<code>ValueError: no retry</code>" in html and "1 / 1" in html
    assert f'action="/tasks/{job_id}/retry/"' in html
    response = c.post(f"/tasks/{job_id}/retry/")
    assert (response.status_code, rq.count) == (302, 1)
    assert AuditEntry.objects.get(action="task.retry").object_id == job_id
    assert c.post(f"/tasks/{job_id}/retry/").status_code == 404  # no longer a failed job


def test_worker_stops_when_its_listener_reads_the_unsubscribe_reply_first(rq):
    """The race behind a shutdown that hung for a minute: the thread listening for RQ's commands reads the
    UNSUBSCRIBE reply before it is told to stop, then waits up to 60 s for a subscription. In RQ's own order
    (send, then stop) this join times out; stopping the loop first, the reply is the last thing it reads."""
    worker = _InProcessWorker([rq], connection=rq.connection, job_class=Job)
    worker.subscribe()
    send = worker.pubsub.unsubscribe

    def send_then_let_the_listener_read_the_reply(*args, **kwargs):
        result = send(*args, **kwargs)
        time.sleep(0.5)
        return result

    worker.pubsub.unsubscribe = send_then_let_the_listener_read_the_reply
    stopping = threading.Thread(target=worker.unsubscribe)
    stopping.start()
    stopping.join(timeout=30)
    assert not stopping.is_alive()
    assert not worker.pubsub_thread.is_alive()
