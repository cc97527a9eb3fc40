"""Read replicas: the reads of safe requests (list pages, dashboards, GET API calls) go to a PostgreSQL
streaming replica when settings name one (PACESETTER_REPLICA_URLS); everything else reads the primary.

A person reads their own writes: any request that may write (POST, PUT, PATCH, DELETE), or a GET that did
write a domain row, answers with a short-lived cookie, and while it lasts (REPLICA_STICKY_SECONDS, longer
than the replica's usual lag) that browser's reads go to the primary too. Inside a request, once anything
was written, and inside any `transaction.atomic` (every service), reads go to the primary as well, so a
service never decides on stale rows. Sign-in, sessions, tokens, lockouts, audit and the task queue always
use the primary: a revoked token or a deactivated person must be refused at once.

API clients keep no cookies: a write made with an `Authorization` header also sticks that header (a hash of
it, in the cache: Redis when several hosts share one) to the primary for the same window.

A replica that cannot be reached is not an error: the router tries to connect before it hands out the alias
(a short connect timeout, PACESETTER_REPLICA_CONNECT_TIMEOUT), and a replica that refuses is left alone for
REPLICA_RETRY_SECONDS while its reads go to the other replicas or the primary.

Django's own routing API (DATABASE_ROUTERS) does the work; the middleware only says which requests may read
from a replica. Background workers and management commands never do (no request, no replica).
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

COOKIE = "ps_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Apps whose rows are read on the primary always (identity, sessions, lockouts, tokens, audit, task queue).
PRIMARY_ONLY_APPS = frozenset(
    {
        "auth",
        "contenttypes",
        "sessions",
        "axes",
        "otp_totp",
        "otp_static",
        "django_otp",
        "django_tasks_db",
        "core",
    }
)


@dataclass
class _Reads:
    replica: bool  # this request may read from a replica
    wrote: bool = False  # ... until it writes a domain row
    alias: str | None = None  # the replica chosen for this request (DEFAULT_DB_ALIAS: none is usable)


_reads: ContextVar[_Reads | None] = ContextVar("pacesetter_replica_reads", default=None)


def replica_aliases() -> list[str]:
    """The configured replicas that really are other servers.

    Under the test runner a replica is a test mirror of the primary (same settings dict): reading through
    it would only open a second connection that cannot see the test's own transaction, so it is skipped.
    """
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    return [
        alias
        for alias in getattr(settings, "REPLICA_ALIASES", ())
        if connections[alias].settings_dict is not primary
    ]


# alias -> time.monotonic() until which a replica that failed to connect is not tried again (per process).
_down_until: dict[str, float] = {}


def _connect(alias: str) -> None:
    connection = connections[alias]
    if connection.connection is None:
        connection.ensure_connection()


def replica_usable(alias: str) -> bool:
    """Whether reads may go to this replica now: connected already, or it answers a connection attempt."""
    if _down_until.get(alias, 0.0) > time.monotonic():
        return False
    try:
        _connect(alias)
    except DatabaseError as error:
        _down_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        logger.warning(
            "replica %s unreachable, reading the primary for %s s: %s",
            alias,
            settings.REPLICA_RETRY_SECONDS,
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
        )
        return False
    _down_until.pop(alias, None)
    return True


def _pick_replica() -> str | None:
    aliases = replica_aliases()
    random.shuffle(aliases)
    for alias in aliases:
        if replica_usable(alias):
            return alias
    return None


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads to a replica when the current request allows it, writes to the primary."""

    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if reads is None or not reads.replica or reads.wrote:
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # a service reading before it writes: it must see the primary
        if reads.alias is None:
            reads.alias = _pick_replica() or DEFAULT_DB_ALIAS  # once per request: one replica, or none
        return None if reads.alias == DEFAULT_DB_ALIAS else reads.alias

    def db_for_write(self, model, **hints):
        reads = _reads.get()
        if reads is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, several copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _wrote_recently(request) -> bool:
    try:
        wrote_at = float(request.COOKIES.get(COOKIE, ""))
    except ValueError:
        return False
    return 0 <= time.time() - wrote_at < settings.REPLICA_STICKY_SECONDS


def _client_key(request) -> str | None:
    """The cache key of a client that sends an Authorization header (an API token): a hash, never the token."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    return "ps_wrote:" + hashlib.sha256(header.encode("utf-8", "surrogatepass")).hexdigest()


def _client_wrote_recently(key: str | None) -> bool:
    if key is None:
        return False
    try:
        return cache.get(key) is not None
    except Exception:  # the cache is down: the primary is always right
        logger.warning("cache unreachable, reading the primary", exc_info=True)
        return True


class ReplicaReadMiddleware:
    """Lets the reads of a safe request go to a replica, unless this browser (cookie) or this API client
    (Authorization header, in the cache) wrote a moment ago."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in SAFE_METHODS
        client = _client_key(request)
        reads = _Reads(replica=safe and not _wrote_recently(request) and not _client_wrote_recently(client))
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        wrote = reads.wrote or (not safe and response.status_code < 400)
        if client is not None and wrote:
            try:
                cache.set(client, 1, timeout=settings.REPLICA_STICKY_SECONDS)
            except Exception:
                logger.warning("cache unreachable: API client not kept on the primary", exc_info=True)
        if not safe or reads.wrote:
            response.set_cookie(
                COOKIE,
                f"{time.time():.3f}",
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
