"""The database task queue, periodic sweeps, and notifications delivered through it."""

import threading
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from pacesetter.core import tasks
from pacesetter.core.models import SweepRun, Task, TaskStatus
from pacesetter.notifications.models import Notification
from pacesetter.notifications.services import notification_mark_read, notify

calls = []


@tasks.task
def record_call(*, value):
    calls.append(value)


@tasks.task
def explode():
    raise RuntimeError("boom")


def test_enqueue_and_run(db):
    calls.clear()
    t = tasks.enqueue(record_call, value=7)
    assert Task.objects.get(pk=t.pk).status == TaskStatus.QUEUED
    assert tasks.run_pending() == 1
    assert calls == [7]
    t.refresh_from_db()
    assert (t.status, t.attempts, t.progress) == (TaskStatus.DONE, 1, 100)


def test_failed_task_keeps_traceback(db):
    t = tasks.enqueue(explode)
    tasks.run_pending()
    t.refresh_from_db()
    assert t.status == TaskStatus.FAILED
    assert "RuntimeError: boom" in t.error


def test_delayed_task_waits(db):
    calls.clear()
    tasks.enqueue(record_call, value=1, delay=timedelta(hours=1))
    assert tasks.run_pending() == 0
    assert calls == []


def test_claim_is_compare_and_set(db):
    t = tasks.enqueue(record_call, value=1)
    assert tasks.claim_next("w1").pk == t.pk
    assert tasks.claim_next("w2") is None


def test_sweep_runs_once_per_interval(db):
    t = tasks.enqueue(record_call, value=1)
    tasks.run_pending()
    Task.objects.filter(pk=t.pk).update(finished_at=timezone.now() - timedelta(days=40))
    ran = tasks.run_due_sweeps()
    assert "pacesetter.core.tasks.purge_finished_tasks" in ran
    assert not Task.objects.filter(pk=t.pk).exists()
    assert "pacesetter.core.tasks.purge_finished_tasks" not in tasks.run_due_sweeps()
    assert SweepRun.objects.filter(name="pacesetter.core.tasks.purge_finished_tasks").count() == 1


def test_worker_loop_stops_on_event(db):
    stop = threading.Event()
    stop.set()
    tasks.work(stop, poll_seconds=0.01)  # returns at once instead of hanging


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
