"""500 concurrent submissions with 100 codes, each used 5 times, against a live server: exactly 100 sheets.

On PostgreSQL the test runs against pytest-django's live server directly. SQLite's in-memory test
database is shared by every server thread through ONE connection, which would hide races, so on SQLite
the test re-runs itself in a subprocess with a file database (PACESETTER_TEST_SQLITE), where each server
thread has its own connection and IMMEDIATE transactions queue for the write lock.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from pacesetter.evaluations.models import Ballot, BallotCode, BallotSheet

from .helpers import answers, codes, make_round

INNER = "PACESETTER_CONCURRENCY_INNER"


def _in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.mark.django_db(transaction=True)
def test_500_concurrent_submissions_spend_each_code_once(request, tmp_path):
    if _in_memory_sqlite() and not os.environ.get(INNER):
        env = {**os.environ, INNER: "1", "PACESETTER_TEST_SQLITE": str(tmp_path / "concurrency.sqlite3")}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", f"{__file__}::{request.node.name}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        return
    live_server = request.getfixturevalue("live_server")
    from tests.factories import City

    city = City()
    round_ = make_round(city)
    batch = codes(city, round_, "群众", 100)
    body = {c: json.dumps({"code": c, "answers": answers(round_, 60)}).encode() for c in batch}
    url = f"{live_server.url}/api/ballots"

    def submit(code):
        # The test server's listen backlog is small: a connection it refuses (reset before any response)
        # is tried again. A request the server did process cannot be retried into a second ballot: it
        # would answer "already used", and the counts below would be off.
        for _attempt in range(5):
            req = urllib.request.Request(url, data=body[code], headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    return r.status, json.loads(r.read())
            except urllib.error.HTTPError as e:
                return e.code, json.loads(e.read() or b"{}")
            except (ConnectionResetError, urllib.error.URLError):
                time.sleep(0.05)
        return 0, {}

    jobs = [c for c in batch for _ in range(5)]
    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = list(pool.map(submit, jobs))
    statuses = [s for s, _b in outcomes]
    assert statuses.count(201) == 100, sorted(set(statuses))
    assert sum(1 for s, b in outcomes if s == 409 and b.get("code") == "code_spent") == 400
    assert BallotSheet.objects.filter(round=round_).count() == 100
    assert Ballot.objects.filter(round=round_).count() == 400
    assert BallotCode.objects.filter(round=round_, spent=True).count() == 100
    receipts = {b["receipt"] for s, b in outcomes if s == 201}
    assert receipts == set(BallotSheet.objects.values_list("receipt", flat=True))
