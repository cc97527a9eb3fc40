"""Real worker processes and a text: the worker is SIGKILLed mid-send, nothing runs for hours, and the
worker that comes back must send the text — not first mark it 发送失败 because it is old (#20)."""

import signal
import subprocess
import sys
import time

import pytest

from tests.core.test_worker_crash import ROOT, _env, _manage, _wait_for
from tests.file_sqlite import migrated_copy

# A site of its own (SQLite, in subprocesses): the same in every stage of .ci/run, which runs it once.
pytestmark = pytest.mark.one_engine


def test_text_of_a_worker_killed_mid_send_is_sent_after_a_long_outage_not_marked_failed(request, tmp_path):
    data_dir, log = tmp_path / "data", tmp_path / "texts.txt"
    migrated_copy(request, data_dir / "pacesetter.sqlite3")  # what `manage migrate` makes there
    backend = {
        "PACESETTER_SMS_BACKEND": "tests.notifications.crash_backend.SlowBackend",
        "CRASH_SMS_LOG": str(log),
    }
    queue = (
        "from django.db import transaction; from pacesetter.notifications import sms\n"
        "with transaction.atomic(): sms.queue_text(phone='13812341234', text='t1', urgent=True, kind='test')"
    )
    _manage(data_dir, "shell", "-c", queue)
    command = [sys.executable, "-m", "pacesetter", "worker", "--poll", "0.2"]
    started = []
    try:
        first = subprocess.Popen(
            command,
            env=_env(data_dir, PACESETTER_TASK_LEASE_SECONDS="1", CRASH_SMS_SECONDS="60", **backend),
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        )
        started.append(first)
        assert _wait_for(lambda: log.exists() and log.read_text() == "start t1\n", 60)
        first.send_signal(signal.SIGKILL)  # mid-send
        first.wait(timeout=10)

        # Nothing ran for seven hours: the row and its task look as they would then.
        _manage(
            data_dir,
            "shell",
            "-c",
            "from datetime import timedelta; from django.utils import timezone; "
            "from pacesetter.notifications.models import TextMessage; "
            "from pacesetter.core.models import SweepRun; "
            "TextMessage.objects.update(created_at=timezone.now() - timedelta(hours=7)); "
            "SweepRun.objects.update(last_run_at=timezone.now() - timedelta(hours=7))",
        )
        # The worker that comes back runs its sweeps first, then reclaims the dead worker's task.
        second = subprocess.Popen(
            command,
            env=_env(data_dir, PACESETTER_TASK_LEASE_SECONDS="1", CRASH_SMS_SECONDS="0", **backend),
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        )
        started.append(second)
        state = (
            "from pacesetter.notifications.models import TextMessage; "
            "from django_tasks_db.models import DBTaskResult; "
            "r = TextMessage.objects.get(); print(r.status, r.attempts, repr(r.phone), repr(r.error)); "
            "print(*sorted(t.status for t in DBTaskResult.objects.all()))"
        )
        assert _wait_for(lambda: log.read_text().endswith("sent t1\n"), 60)
        time.sleep(1)  # the row is written just after the provider took the text
    finally:
        for p in started:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in started:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
    assert log.read_text() == "start t1\nstart t1\nsent t1\n"
    row, tasks = _manage(data_dir, "shell", "-c", state).strip().splitlines()[-2:]
    assert row == "sent 1 '' ''"
    assert tasks == "SUCCESSFUL"
