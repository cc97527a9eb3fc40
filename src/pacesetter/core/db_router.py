"""Read replicas: the reads of safe requests (list pages, dashboards, GET API calls) go to a PostgreSQL
streaming replica when settings name one (PACESETTER_REPLICA_URLS); everything else reads the primary.

A person reads their own writes: any request that may write (POST, PUT, PATCH, DELETE), or a GET that did
write a domain row, answers with a short-lived cookie, and while it lasts (REPLICA_STICKY_SECONDS, longer
than the replica's usual lag) that browser's reads go to the primary too. Inside a request, once anything
was written, and inside any `transaction.atomic` (every service), reads go to the primary as well, so a
service never decides on stale rows. Sign-in, sessions, tokens, lockouts, audit and the task queue always
use the primary: a revoked token or a deactivated person must be refused at once.

Django's own routing API (DATABASE_ROUTERS) does the work; the middleware only says which requests may read
from a replica. Background workers and management commands never do (no request, no replica).
"""

from __future__ import annotations

import random
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

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
        aliases = replica_aliases()
        return random.choice(aliases) if aliases else None

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


class ReplicaReadMiddleware:
    """Lets the reads of a safe request go to a replica, unless this browser wrote a moment ago."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in SAFE_METHODS
        reads = _Reads(replica=safe and not _wrote_recently(request))
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
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
