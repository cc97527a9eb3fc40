"""Against a real PostgreSQL streaming replica (`.ci/replica start`, then PACESETTER_DATABASE_URL on the
pair's primary and PACESETTER_REPLICA_URLS on its replica): with replay paused on the replica, the person
who just wrote still sees the write on the list page (their reads stay on the primary), while a colleague who
wrote nothing reads the stale replica until replay resumes. Skipped without a replica; .ci/run fails on a skip.
"""

import json
import socket
import time

import dj_database_url
import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse

from pacesetter.core import db_router
from pacesetter.core.db_router import COOKIE, replica_aliases
from pacesetter.core.services import token_create
from pacesetter.orgs.enums import Role
from tests.factories import make_user

pytestmark = [
    pytest.mark.skipif(not settings.REPLICA_URLS, reason="no PACESETTER_REPLICA_URLS (see .ci/replica)"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica1"]),
]


@pytest.fixture
def replica():
    """The replica1 alias pointed at the real replica's copy of the test database (not the test mirror)."""
    conn = connections["replica1"]
    mirrored = conn.settings_dict
    real = dj_database_url.parse(settings.REPLICA_URLS[0])
    conn.close()
    conn.settings_dict = {**mirrored, "HOST": real["HOST"], "PORT": real["PORT"], "TEST": {"MIRROR": None}}
    with conn.cursor() as c:
        c.execute("SELECT pg_is_in_recovery()")
        assert c.fetchone()[0], "PACESETTER_REPLICA_URLS must name a hot standby"
    assert replica_aliases() == ["replica1"]
    try:
        yield conn
    finally:
        conn.close()  # a test may have pointed it elsewhere (a replica that is down)
        conn.settings_dict = {
            **mirrored,
            "HOST": real["HOST"],
            "PORT": real["PORT"],
            "TEST": {"MIRROR": None},
        }
        with conn.cursor() as c:
            c.execute("SELECT pg_wal_replay_resume()")
        conn.close()
        conn.settings_dict = mirrored


def caught_up(replica) -> None:
    """Wait until the replica has replayed everything committed on the primary so far. The insert position,
    not pg_current_wal_lsn(): the CI pair runs with synchronous_commit = off, so a commit may return before
    its WAL record is written, and the write position can still lie before it (two CI runs read stale rows
    after a wait on the write position)."""
    with connections["default"].cursor() as c:
        c.execute("SELECT pg_current_wal_insert_lsn()")
        lsn = c.fetchone()[0]
    for _ in range(100):
        with replica.cursor() as c:
            c.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", [lsn])
            if c.fetchone()[0]:
                return
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up in 10 s")


def eventually(check, seconds: float = 15.0) -> bool:
    """True as soon as `check()` is; False after `seconds`. Once replay resumes, what others read from the
    replica catches up; how soon a new snapshot there shows the replayed commit is not promised to the
    millisecond (a CI run saw the colleague's first read after `caught_up` still stale)."""
    deadline = time.monotonic() + seconds
    while True:
        if check():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


def paused(replica) -> None:
    with replica.cursor() as c:
        c.execute("SELECT pg_wal_replay_pause()")
    for _ in range(100):
        with replica.cursor() as c:
            c.execute("SELECT pg_get_wal_replay_pause_state()")
            if c.fetchone()[0] == "paused":
                return
        time.sleep(0.1)
    raise AssertionError("replay did not pause")


def test_a_writer_reads_their_own_write_while_replay_is_paused(city, client_for, replica):
    colleague = make_user("office2", Role.OFFICE, city.city)
    writer, other = client_for(city.office), client_for(colleague)
    caught_up(replica)
    assert other.get(reverse("campaigns:campaign-list")).status_code == 200
    paused(replica)

    name = "复制延迟验证活动"
    response = writer.post(
        reverse("campaigns:campaign-create"),
        {"name": name, "organisation": city.city.name, "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert COOKIE in response.cookies
    list_url = reverse("campaigns:campaign-list")
    assert name in writer.get(list_url).content.decode()  # the writer: from the primary
    assert name not in other.get(list_url).content.decode()  # the colleague: the paused replica
    writer.cookies.pop(COOKIE)
    assert name not in writer.get(list_url).content.decode()  # without the cookie the writer reads it too

    with replica.cursor() as c:
        c.execute("SELECT pg_wal_replay_resume()")
    caught_up(replica)
    assert eventually(lambda: name in other.get(list_url).content.decode())


def test_an_api_client_without_cookies_reads_its_own_write_while_replay_is_paused(city, replica):
    colleague = make_user("office2", Role.OFFICE, city.city)
    key = token_create(actor=city.office, name="sticky")[1]
    other_key = token_create(actor=colleague, name="other")[1]

    def api(key):
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")  # a fresh client per call: no cookie is ever kept

    caught_up(replica)
    assert api(other_key).get("/api/campaigns").status_code == 200
    paused(replica)
    name = "接口复制延迟验证活动"
    response = api(key).post(
        "/api/campaigns",
        json.dumps(
            {
                "name": name,
                "organisation_id": city.city.pk,
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content.decode()[:2000]
    names = lambda key: [c["name"] for c in api(key).get("/api/campaigns").json()]  # noqa: E731
    assert name in names(key)  # the writer's token: the primary
    assert name not in names(other_key)  # another client: the paused replica
    with replica.cursor() as c:
        c.execute("SELECT pg_wal_replay_resume()")
    caught_up(replica)
    assert eventually(lambda: name in names(other_key))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is: nothing listens there


def test_a_replica_that_is_down_gives_no_error_reads_go_to_the_primary(
    city, client_for, replica, monkeypatch, caplog
):
    monkeypatch.setattr(db_router, "_down_until", {})
    office = client_for(city.office)
    list_url = reverse("campaigns:campaign-list")
    caught_up(replica)
    assert office.get(list_url).status_code == 200
    name = "备库停机验证活动"
    office.post(
        reverse("campaigns:campaign-create"),
        {"name": name, "organisation": city.city.name, "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    )
    office.cookies.pop(COOKIE)  # no longer sticky: this browser would read the replica now

    replica.close()
    replica.settings_dict = {**replica.settings_dict, "PORT": str(_closed_port())}  # the replica is gone
    started = time.monotonic()
    response = office.get(list_url)
    assert response.status_code == 200
    assert name in response.content.decode()  # read from the primary
    assert "replica1 unreachable" in caplog.text
    assert "replica1" in db_router._down_until
    assert client_for(None).get(reverse("login")).status_code == 200
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(actor=city.office, name='down')[1]}")
    assert name in [c["name"] for c in api.get("/api/campaigns").json()]
    assert time.monotonic() - started < 10  # refused at once; no wait on a timeout per request
