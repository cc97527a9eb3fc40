"""Real worker processes: one SIGKILLed mid-task, the task runs again to completion on another, once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.file_sqlite import migrated_copy

# A site of its own (SQLite, in subprocesses): the same in every stage of .ci/run, which runs it once.
pytestmark = pytest.mark.one_engine

ROOT = Path(__file__).resolve().parents[2]


def _env(data_dir: Path, **extra) -> dict:
    env = dict(os.environ, PACESETTER_DATA_DIR=str(data_dir), PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}")
    env.pop("PACESETTER_DATABASE_URL", None)  # a throwaway SQLite file shared by the worker processes
    # ... and the database queue: no replicas of the run's PostgreSQL, no Redis (which would put tasks on RQ)
    env.pop("PACESETTER_REPLICA_URLS", None)
    env.pop("PACESETTER_REDIS_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def _manage(data_dir: Path, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "pacesetter", "manage", *args],
        env=_env(data_dir),
        cwd=ROOT,
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    ).stdout


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_task_of_a_sigkilled_worker_runs_again_to_completion_once(request, tmp_path):
    data_dir, log = tmp_path / "data", tmp_path / "runs.txt"
    migrated_copy(request, data_dir / "pacesetter.sqlite3")  # what `manage migrate` makes there
    _manage(
        data_dir,
        "shell",
        "-c",
        "from pacesetter.core.tasks import enqueue; from tests.core.crash_tasks import slow_mark; "
        f"enqueue(slow_mark, path={str(log)!r}, seconds=4)",
    )
    # A lease of 1 s renewed every 1/3 s: the second worker's 4 s run must not be taken by the third.
    worker_env = _env(data_dir, PACESETTER_TASK_LEASE_SECONDS="1")
    command = [sys.executable, "-m", "pacesetter", "worker", "--poll", "0.2"]
    started = []
    try:
        first = subprocess.Popen(command, env=worker_env, cwd=ROOT, stderr=subprocess.DEVNULL)
        started.append(first)
        assert _wait_for(lambda: log.exists() and log.read_text() == "start\n", 60)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        for _ in range(2):
            started.append(subprocess.Popen(command, env=worker_env, cwd=ROOT, stderr=subprocess.DEVNULL))
        assert _wait_for(lambda: log.read_text().endswith("done\n"), 60)
        time.sleep(2)  # the lease time twice over: a duplicate run would have begun by now
        assert log.read_text() == "start\nstart\ndone\n"
    finally:
        for p in started:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in started:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
    out = _manage(
        data_dir,
        "shell",
        "-c",
        "from django_tasks_db.models import DBTaskResult; r = DBTaskResult.objects.get(); "
        "print(r.status, len(r.worker_ids), len(set(r.worker_ids)), r.exception_class_path)",
    )
    assert out.strip().splitlines()[-1].split() == ["SUCCESSFUL", "2", "2"]
