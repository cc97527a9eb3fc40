"""`pacesetter serve` in the background: SIGTERM or SIGINT stops gunicorn and the worker, and frees the port."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.file_sqlite import migrated_copy

# A site of its own (SQLite, in subprocesses): the same in every stage of .ci/run, which runs it once.
pytestmark = pytest.mark.one_engine

ROOT = Path(__file__).resolve().parents[2]


def _env(data_dir: Path) -> dict:
    env = dict(os.environ, PACESETTER_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT / "src"))
    env.pop("PACESETTER_DATABASE_URL", None)  # a throwaway SQLite file, never the test run's database
    env.pop("PACESETTER_REPLICA_URLS", None)  # ... and no replicas of the test run's PostgreSQL
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@pytest.fixture(scope="module")
def data_dir(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("serve")
    migrated_copy(request, path / "pacesetter.sqlite3")  # what `manage migrate` makes there
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc (children of children too)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_gunicorn_and_worker_on_signal(sig, data_dir):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pacesetter", "serve", "--port", str(port)],
        env=_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        body = b""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                    body = r.read()
                break
            except OSError:
                time.sleep(0.3)
        assert body == b'{"status": "ok", "database": "sqlite"}'
        children = _descendants(proc.pid)
        assert len(children) >= 4  # the worker, the gunicorn master and its two workers

        proc.send_signal(sig)
        assert proc.wait(timeout=30) == 0

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (_port_in_use(port) or any(map(_alive, children))):
            time.sleep(0.2)
        assert not _port_in_use(port)
        assert [pid for pid in children if _alive(pid)] == []
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in (children | _descendants(proc.pid)) - {proc.pid}:
            if _alive(pid):  # only our own leftovers: the test failed, do not leave them on the port
                os.kill(pid, signal.SIGKILL)


STUBBORN = """
import os, signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)"])
with open(sys.argv[1], "a") as f:
    f.write(f"{os.getpid()} {child.pid}\\n")
time.sleep(120)
"""


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads the process tree from /proc")
def test_serve_kills_children_that_ignore_sigterm_with_their_own_children(monkeypatch, tmp_path):
    """Past the grace period, the whole process group of a child goes (gunicorn's workers included)."""
    import threading

    from pacesetter import cli

    pids = tmp_path / "pids"
    stub = [sys.executable, "-c", STUBBORN, str(pids)]
    monkeypatch.setattr(cli, "worker_args", lambda: stub)
    monkeypatch.setattr(cli, "gunicorn_args", lambda port, workers=2: stub)

    def stop_when_up():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (pids.exists() and len(pids.read_text().splitlines()) == 2):
            time.sleep(0.1)
        os.kill(os.getpid(), signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    threading.Thread(target=stop_when_up, daemon=True).start()
    assert cli.serve(0, grace_seconds=1) == 0
    started = [int(pid) for line in pids.read_text().splitlines() for pid in line.split()]
    assert len(started) == 4
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(map(_alive, started)):
        time.sleep(0.1)
    assert [pid for pid in started if _alive(pid)] == []
    assert signal.getsignal(signal.SIGTERM) == before  # serve put the handlers back


def test_serve_runs_the_number_of_web_workers_asked_for():
    from pacesetter import cli

    assert cli.gunicorn_args(8000)[cli.gunicorn_args(8000).index("-w") + 1] == "2"
    args = cli.gunicorn_args(8123, 4)
    assert args[args.index("-w") + 1] == "4"
    assert args[args.index("-b") + 1] == "127.0.0.1:8123"


@pytest.mark.parametrize("bad", [["--workers", "x"], ["--workers", "0"], ["--workers"], ["--port", "99999"]])
def test_serve_refuses_a_bad_number_before_starting_anything(bad, monkeypatch, capsys):
    from pacesetter import cli

    monkeypatch.setattr(cli, "_manage", lambda argv: pytest.fail("nothing may run"))
    monkeypatch.setattr(cli, "serve", lambda *a, **k: pytest.fail("nothing may run"))
    assert cli.main(["serve", *bad]) == 2
    assert "--workers N" in capsys.readouterr().err
