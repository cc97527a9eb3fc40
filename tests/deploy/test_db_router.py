"""The replica router's decisions (no replica needed): which reads may leave the primary, and the cookie
that keeps a browser on the primary for a while after it wrote."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from pacesetter.campaigns.models import Campaign
from pacesetter.core import db_router
from pacesetter.core.db_router import COOKIE, ReplicaReadMiddleware, ReplicaRouter

ROUTER = ReplicaRouter()


@pytest.fixture(autouse=True)
def one_replica(monkeypatch):
    monkeypatch.setattr(db_router, "replica_aliases", lambda: ["replica1"])


def run(request, view):
    """Run `view(request)` inside the middleware; answer (what the view saw, the response)."""
    seen = {}

    def get_response(req):
        seen.update(view())
        return HttpResponse("ok")

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
