"""The task queue: django.tasks on django-tasks-db, with our lease, fence and retries; periodic sweeps."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pacesetter.core import tasks
from pacesetter.core.models import SweepRun, TaskLease
from pacesetter.notifications.models import Notification
from pacesetter.notifications.services import notification_mark_read, notify

calls = []
flaky_failures = []


@tasks.task
def record_call(*, value):
    calls.append(value)


@tasks.task
def explode():
    raise RuntimeError("boom")


@tasks.task(max_attempts=1)
def explode_once():
    raise ValueError("no retry")


@tasks.task
def flaky(*, value):
    if not flaky_failures:
        flaky_failures.append(value)
        raise ConnectionError("smtp down")
    calls.append(value)


@pytest.fixture(autouse=True)
def database_queue(settings):
    """These tests are about the database queue, also when the run has PACESETTER_REDIS_URL (RQ) set."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _clean():
    calls.clear()
    flaky_failures.clear()


def _row(result) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=result.id)


def _make_due(result):
    DBTaskResult.objects.filter(pk=result.id).update(run_after=timezone.now() - timedelta(seconds=1))


def test_enqueue_and_run(db):
    result = tasks.enqueue(record_call, value=7)
    assert (_row(result).status, _row(result).task_path) == (
        TaskResultStatus.READY,
        "tests.core.test_tasks.record_call",
    )
    assert tasks.run_pending() == 1
    assert calls == [7]
    row = _row(result)
    assert (row.status, row.worker_ids, row.args_kwargs) == (
        TaskResultStatus.SUCCESSFUL,
        ["inline"],
        {"args": [], "kwargs": {"value": 7}},
    )
    assert not TaskLease.objects.exists()


def test_enqueue_refuses_a_plain_function(db):
    with pytest.raises(LookupError):
        tasks.enqueue(lambda: None)


def test_delayed_task_waits(db):
    tasks.enqueue(record_call, value=1, delay=timedelta(hours=1))
    assert tasks.run_pending() == 0
    assert calls == []


def test_backoff_doubles(settings):
    settings.TASK_RETRY_BACKOFF_SECONDS = 30
    assert [tasks.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]


def test_failing_task_is_retried_with_backoff_then_failed(db, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    settings.TASK_RETRY_BACKOFF_SECONDS = 30
    result = tasks.enqueue(explode)
    for attempt, wait in ((1, 30), (2, 60)):
        assert tasks.run_pending() == 1
        row = _row(result)
        assert (row.status, len(row.worker_ids), row.exception_class_path) == (
            TaskResultStatus.READY,
            attempt,
            "builtins.RuntimeError",
        )
        assert "RuntimeError: boom" in row.traceback
        assert timedelta(seconds=wait) <= row.run_after - row.started_at < timedelta(seconds=wait + 5)
        assert tasks.run_pending() == 0  # not before the backoff has passed
        _make_due(result)
    assert tasks.run_pending() == 1
    row = _row(result)
    assert (row.status, len(row.worker_ids)) == (TaskResultStatus.FAILED, 3)
    assert row.finished_at is not None and "RuntimeError: boom" in row.traceback
    _make_due(result)
    assert tasks.run_pending() == 0  # failed for good: nothing runs it again


def test_task_with_one_attempt_fails_at_once(db):
    result = tasks.enqueue(explode_once)
    tasks.run_pending()
    assert (_row(result).status, _row(result).exception_class_path) == (
        TaskResultStatus.FAILED,
        "builtins.ValueError",
    )


def test_retried_task_succeeds_and_clears_its_error(db):
    result = tasks.enqueue(flaky, value=5)
    tasks.run_pending()
    assert _row(result).status == TaskResultStatus.READY
    _make_due(result)
    tasks.run_pending()
    row = _row(result)
    assert (row.status, len(row.worker_ids), row.traceback, calls) == (
        TaskResultStatus.SUCCESSFUL,
        2,
        "",
        [5],
    )


def test_claim_gives_a_lease_and_no_second_claim(db, settings):
    settings.TASK_LEASE_SECONDS = 60
    result = tasks.enqueue(record_call, value=1)
    row = tasks.claim_next("w1")
    assert row.pk == _row(result).pk
    lease = TaskLease.objects.get(result_id=row.pk)
    assert (lease.worker, lease.expires_at - row.started_at) == ("w1", timedelta(seconds=60))
    assert tasks.claim_next("w2") is None


def test_task_of_a_dead_worker_runs_again_once_its_lease_expires(db, settings):
    """A worker SIGKILLed mid-task leaves the task RUNNING with a lease nobody renews (see the
    subprocess test in test_worker_crash.py for the real kill)."""
    settings.TASK_LEASE_SECONDS = 60
    result = tasks.enqueue(record_call, value=3)
    claimed = tasks.claim_next("dead-worker")  # ... and then the process is killed
    assert tasks.reclaim_expired(now=claimed.started_at + timedelta(seconds=59)) == 0
    assert tasks.run_pending("w2") == 0
    assert tasks.reclaim_expired(now=claimed.started_at + timedelta(seconds=61)) == 1
    assert tasks.reclaim_expired(now=claimed.started_at + timedelta(seconds=61)) == 0
    assert (_row(result).status, _row(result).exception_class_path) == (
        TaskResultStatus.READY,
        tasks.LEASE_EXPIRED,
    )
    assert tasks.run_pending("w2") == 1
    row = _row(result)
    assert (row.status, row.worker_ids, calls) == (TaskResultStatus.SUCCESSFUL, ["dead-worker", "w2"], [3])
    assert tasks.run_pending("w3") == 0


def test_worker_that_lost_its_lease_cannot_record_an_outcome(db, settings):
    result = tasks.enqueue(explode)
    slow = tasks.claim_next("slow")
    tasks.reclaim_expired(now=slow.started_at + timedelta(seconds=settings.TASK_LEASE_SECONDS + 1))
    fresh = tasks.claim_next("fresh")
    assert tasks.run_claimed(slow, "slow", heartbeat=False) == ""  # fenced out: nothing written
    row = _row(result)
    assert (row.status, row.worker_ids) == (TaskResultStatus.RUNNING, ["slow", "fresh"])
    assert TaskLease.objects.get(result_id=row.pk).worker == "fresh"
    assert tasks.run_claimed(fresh, "fresh", heartbeat=False) == TaskResultStatus.READY


def test_task_that_kills_every_worker_fails_after_its_attempts(db, settings):
    settings.TASK_MAX_ATTEMPTS = 2
    result = tasks.enqueue(record_call, value=1)
    for name in ("w1", "w2"):
        claimed = tasks.claim_next(name)
        assert tasks.reclaim_expired(now=claimed.started_at + timedelta(days=1)) == 1
    row = _row(result)
    assert (row.status, row.exception_class_path) == (TaskResultStatus.FAILED, tasks.LEASE_EXPIRED)
    assert "stopped answering" in row.traceback and calls == []


def test_running_task_without_lease_row_is_reclaimed_after_the_lease_time(db):
    result = tasks.enqueue(record_call, value=1)
    claimed = tasks.claim_next("w1")
    TaskLease.objects.all().delete()  # e.g. claimed by django-tasks-db's own db_worker
    assert tasks.reclaim_expired(now=claimed.started_at + timedelta(seconds=1)) == 0
    assert tasks.reclaim_expired(now=claimed.started_at + timedelta(days=1)) == 1
    assert _row(result).status == TaskResultStatus.READY


def test_sweep_runs_once_per_interval(db):
    result = tasks.enqueue(record_call, value=1)
    tasks.run_pending()
    DBTaskResult.objects.filter(pk=result.id).update(finished_at=timezone.now() - timedelta(days=40))
    ran = tasks.run_due_sweeps()
    assert "pacesetter.core.tasks.purge_finished_tasks" in ran
    assert not DBTaskResult.objects.filter(pk=result.id).exists()
    assert "pacesetter.core.tasks.purge_finished_tasks" not in tasks.run_due_sweeps()
    assert SweepRun.objects.filter(name="pacesetter.core.tasks.purge_finished_tasks").count() == 1


def test_purge_keeps_failed_tasks(db, settings):
    settings.TASK_MAX_ATTEMPTS = 1
    result = tasks.enqueue(explode)
    tasks.run_pending()
    DBTaskResult.objects.filter(pk=result.id).update(finished_at=timezone.now() - timedelta(days=40))
    assert tasks.purge_finished_tasks() == 0
    assert _row(result).status == TaskResultStatus.FAILED


def test_worker_loop_stops_on_event(db):
    stop = threading.Event()
    stop.set()
    tasks.work(stop, poll_seconds=0.01)  # returns at once instead of hanging


def test_inline_mode_runs_on_commit(db, settings, django_capture_on_commit_callbacks):
    settings.TASKS_INLINE = True
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.enqueue(record_call, value=9) is None
    assert calls == [9] and not DBTaskResult.objects.exists()


def test_notify_creates_inbox_rows_and_queues_email(city, django_capture_on_commit_callbacks, client_for):
    city.secretary.email = "sec@example.org"
    city.secretary.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[city.secretary, city.leader], title="实施方案即将到期", body="请于6月1日前报送")
    assert Notification.objects.filter(title="实施方案即将到期").count() == 2
    tasks.run_pending()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sec@example.org"]
    html = client_for(city.secretary).get("/inbox/").content.decode()
    assert "实施方案即将到期" in html and "未读" in html
    assert notification_mark_read(user=city.secretary) == 1
    assert Notification.objects.get(recipient=city.secretary).read_at is not None


# --- the office's page ------------------------------------------------------------------------


def test_office_sees_failed_and_retrying_tasks_with_their_errors(city, client_for, settings):
    settings.TASK_MAX_ATTEMPTS = 1
    failed = tasks.enqueue(explode)
    tasks.run_pending()
    settings.TASK_MAX_ATTEMPTS = 3
    retrying = tasks.enqueue(flaky, value=1)
    tasks.enqueue(record_call, value=2, delay=timedelta(hours=1))
    tasks.run_pending()
    response = client_for(city.office).get("/tasks/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="task-row"') == 2
    assert "<code>RuntimeError: boom</code>" in html and "<code>ConnectionError: smtp down</code>" in html
    assert html.count("重新运行</button>") == 1  # only the failed one; the other retries by itself
    assert f'action="/tasks/{failed.id}/retry/"' in html
    assert f'action="/tasks/{retrying.id}/retry/"' not in html
    assert "等待重试" in html and "1 / 3" in html


def test_task_page_is_refused_to_other_roles(city, client_for):
    for user in (city.secretary, city.leader, city.inspector, city.member_user):
        assert client_for(user).get("/tasks/").status_code == 403


def test_office_runs_a_failed_task_again_once_with_audit(city, client_for, settings):
    from pacesetter.core.models import AuditEntry

    settings.TASK_MAX_ATTEMPTS = 1
    result = tasks.enqueue(flaky, value=4)
    tasks.run_pending()
    assert _row(result).status == TaskResultStatus.FAILED
    c = client_for(city.office)
    response = c.post(f"/tasks/{result.id}/retry/")
    assert (response.status_code, response["Location"]) == (302, "/tasks/")
    assert _row(result).status == TaskResultStatus.READY
    entry = AuditEntry.objects.get(action="task.retry")
    assert (entry.actor, entry.object_id) == (city.office, str(result.id))
    again = c.post(f"/tasks/{result.id}/retry/", follow=True)
    assert "该任务没有失败" in again.content.decode()
    assert AuditEntry.objects.filter(action="task.retry").count() == 1
    tasks.run_pending()
    assert (_row(result).status, calls) == (TaskResultStatus.SUCCESSFUL, [4])


def test_retry_of_unknown_or_malformed_task_is_404(city, client_for):
    c = client_for(city.office)
    assert c.post("/tasks/not-a-uuid/retry/").status_code == 404
    assert c.post("/tasks/00000000-0000-0000-0000-000000000000/retry/").status_code == 404


def test_task_page_is_refused_to_an_office_below_the_root(city, client_for):
    from pacesetter.orgs.enums import Role
    from tests.factories import make_user

    school_office = make_user("school-office", Role.OFFICE, city.school)
    response = client_for(school_office).get("/tasks/")
    assert response.status_code == 403
    assert "后台任务只有市级活动办公室可以查看" in response.content.decode()
