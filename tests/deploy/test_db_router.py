"""The replica router's decisions (no replica needed): which reads may leave the primary, and the cookie
that keeps a browser on the primary for a while after it wrote."""

import secrets
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from pacesetter.campaigns.models import Campaign
from pacesetter.core import db_router
from pacesetter.core.db_router import COOKIE, ReplicaReadMiddleware, ReplicaRouter

ROUTER = ReplicaRouter()


@pytest.fixture(autouse=True)
def one_replica(monkeypatch):
    monkeypatch.setattr(db_router, "replica_aliases", lambda: ["replica1"])
    monkeypatch.setattr(db_router, "_connect", lambda alias: None)  # every replica answers
    monkeypatch.setattr(db_router, "_down_until", {})


def run(request, view, status=200):
    """Run `view(request)` inside the middleware; answer (what the view saw, the response)."""
    seen = {}

    def get_response(req):
        seen.update(view())
        return HttpResponse("ok", status=status)

    return seen, ReplicaReadMiddleware(get_response)(request)


def reads():
    return {"campaign": ROUTER.db_for_read(Campaign), "session": ROUTER.db_for_read(Session)}


def test_outside_a_request_everything_reads_the_primary():
    assert ROUTER.db_for_read(Campaign) is None  # None: Django's default, the primary
    assert ROUTER.db_for_write(Campaign) == "default"


def test_a_get_reads_domain_rows_from_a_replica_and_identity_from_the_primary():
    seen, response = run(RequestFactory().get("/campaigns/"), reads)
    assert seen == {"campaign": "replica1", "session": None}
    assert COOKIE not in response.cookies  # nothing written: no reason to stay on the primary


@pytest.mark.django_db(transaction=True)  # no test transaction around it: the atomic block is the view's
def test_reads_inside_a_transaction_use_the_primary():
    def view():
        outside = reads()["campaign"]
        with transaction.atomic():
            return {"outside": outside, "inside": reads()["campaign"]}

    seen, _ = run(RequestFactory().get("/campaigns/"), view)
    assert seen == {"outside": "replica1", "inside": None}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_request_that_may_write_reads_the_primary_and_sets_the_cookie(method):
    seen, response = run(getattr(RequestFactory(), method)("/campaigns/new/"), reads)
    assert seen["campaign"] is None
    cookie = response.cookies[COOKIE]
    assert cookie["max-age"] == 15 and cookie["httponly"]
    assert abs(float(cookie.value) - time.time()) < 60


def test_after_a_write_the_same_browser_reads_the_primary_until_the_cookie_is_old():
    fresh = RequestFactory().get("/campaigns/")
    fresh.COOKIES[COOKIE] = f"{time.time() - 3:.3f}"
    assert run(fresh, reads)[0]["campaign"] is None
    old = RequestFactory().get("/campaigns/")
    old.COOKIES[COOKIE] = f"{time.time() - 16:.3f}"
    assert run(old, reads)[0]["campaign"] == "replica1"
    for junk in ("", "abc", "nan", "1e999", "\x00", "9" * 400, f"{time.time() + 3600}"):
        bad = RequestFactory().get("/campaigns/")
        bad.COOKIES[COOKIE] = junk
        assert run(bad, reads)[0]["campaign"] == "replica1", junk


@override_settings(REPLICA_STICKY_SECONDS=60)
def test_the_window_is_a_setting():
    request = RequestFactory().get("/campaigns/")
    request.COOKIES[COOKIE] = f"{time.time() - 30:.3f}"
    assert run(request, reads)[0]["campaign"] is None


def test_a_get_that_writes_a_domain_row_reads_the_primary_afterwards_and_sets_the_cookie():
    def view():
        before = ROUTER.db_for_read(Campaign)
        ROUTER.db_for_write(Campaign)
        return {"before": before, "after": ROUTER.db_for_read(Campaign)}

    seen, response = run(RequestFactory().get("/campaigns/"), view)
    assert seen == {"before": "replica1", "after": None}
    assert COOKIE in response.cookies


def test_a_session_write_on_a_get_does_not_pin_the_browser():
    def view():
        ROUTER.db_for_write(Session)
        return reads()

    seen, response = run(RequestFactory().get("/campaigns/"), view)
    assert seen["campaign"] == "replica1"
    assert COOKIE not in response.cookies


def test_migrations_run_on_the_primary_only():
    assert ROUTER.allow_migrate("default", "campaigns") is True
    assert ROUTER.allow_migrate("replica1", "campaigns") is False


def test_without_replicas_nothing_leaves_the_primary(monkeypatch):
    monkeypatch.setattr(db_router, "replica_aliases", lambda: [])
    assert run(RequestFactory().get("/campaigns/"), reads)[0]["campaign"] is None


def refusing(*down):
    """A _connect that fails for the aliases in `down`, counting the attempts."""
    attempts: list[str] = []

    def connect(alias):
        attempts.append(alias)
        if alias in down:
            raise OperationalError(f'connection to server at "127.0.0.1", port 1 failed: refused ({alias})')

    return connect, attempts


def test_a_replica_that_refuses_connections_sends_reads_to_the_primary(monkeypatch, caplog):
    connect, attempts = refusing("replica1")
    monkeypatch.setattr(db_router, "_connect", connect)
    seen, _ = run(
        RequestFactory().get("/campaigns/"), lambda: {"a": reads()["campaign"], "b": reads()["campaign"]}
    )
    assert seen == {"a": None, "b": None}
    assert attempts == ["replica1"]  # once per request, not once per read
    assert "replica1 unreachable" in caplog.text
    # For REPLICA_RETRY_SECONDS it is not tried again: no connection attempt, no waiting on its timeout.
    assert run(RequestFactory().get("/campaigns/"), reads)[0]["campaign"] is None
    assert attempts == ["replica1"]
    # Once the window is over it is tried again, and used when it answers.
    db_router._down_until["replica1"] = time.monotonic() - 1
    monkeypatch.setattr(db_router, "_connect", lambda alias: attempts.append(alias))
    assert run(RequestFactory().get("/campaigns/"), reads)[0]["campaign"] == "replica1"
    assert attempts == ["replica1", "replica1"] and "replica1" not in db_router._down_until


def test_with_one_replica_down_reads_go_to_the_other(monkeypatch):
    monkeypatch.setattr(db_router, "replica_aliases", lambda: ["replica1", "replica2"])
    connect, _ = refusing("replica1")
    monkeypatch.setattr(db_router, "_connect", connect)
    for _ in range(10):
        assert run(RequestFactory().get("/campaigns/"), reads)[0]["campaign"] == "replica2"


def api_request(method, token, **extra):
    return getattr(RequestFactory(), method)("/api/campaigns", HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def test_an_api_client_without_cookies_reads_the_primary_after_its_own_write():
    token, other = f"ps_{secrets.token_hex(8)}", f"ps_{secrets.token_hex(8)}"

    def write():
        ROUTER.db_for_write(Campaign)
        return {}

    assert run(api_request("get", token), reads)[0]["campaign"] == "replica1"
    run(api_request("post", token), write, status=201)
    # No cookie travels back: the client is known by its Authorization header, kept (hashed) in the cache.
    assert run(api_request("get", token), reads)[0]["campaign"] is None
    assert run(api_request("get", other), reads)[0]["campaign"] == "replica1"
    assert run(RequestFactory().get("/api/campaigns"), reads)[0]["campaign"] == "replica1"
    assert cache.get(db_router._client_key(api_request("get", token))) is not None
    assert token not in db_router._client_key(api_request("get", token))  # a hash, never the token


def test_an_api_request_refused_without_writing_does_not_pin_the_client():
    token = f"ps_{secrets.token_hex(8)}"
    run(api_request("post", token), dict, status=401)
    run(api_request("post", token), dict, status=422)
    assert run(api_request("get", token), reads)[0]["campaign"] == "replica1"


@override_settings(REPLICA_STICKY_SECONDS=1)
def test_the_api_window_ends():
    token = f"ps_{secrets.token_hex(8)}"
    run(api_request("post", token), dict, status=200)
    assert run(api_request("get", token), reads)[0]["campaign"] is None
    time.sleep(1.2)
    assert run(api_request("get", token), reads)[0]["campaign"] == "replica1"


def test_when_the_cache_is_down_an_api_client_reads_the_primary(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(db_router.cache, "get", broken)
    monkeypatch.setattr(db_router.cache, "set", broken)
    token = f"ps_{secrets.token_hex(8)}"
    seen, response = run(api_request("post", token), dict, status=200)
    assert response.status_code == 200
    assert run(api_request("get", token), reads)[0]["campaign"] is None
