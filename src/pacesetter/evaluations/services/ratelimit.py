"""The rate limit on failed code entries, per client address and time window, shared by every worker."""

import hashlib
import time

from django.db import IntegrityError, transaction
from django.db.models import F

from ..errors import (
    RateLimitedError,
)
from ..models import (
    CodeAttempt,
)

# Failed code entries allowed per client address per window. Only failures count: a meeting of 300
# people behind one Wi-Fi address must not lock itself out, while guessing (59-bit codes) stays hopeless.
MAX_FAILED_CODES = 20
ATTEMPT_WINDOW_SECONDS = 600


def _client_key(client: str | None) -> str:
    return hashlib.sha256(f"pacesetter-client:{client or '-'}".encode()).hexdigest()


def code_attempts_check(client: str | None) -> None:
    window = int(time.time()) // ATTEMPT_WINDOW_SECONDS
    # [:1], not .first(): first() adds ORDER BY id, and PostgreSQL may then walk the primary key.
    failures = next(
        iter(
            CodeAttempt.objects.filter(client=_client_key(client), window=window).values_list(
                "failures", flat=True
            )[:1]
        ),
        None,
    )
    if failures is not None and failures >= MAX_FAILED_CODES:
        raise RateLimitedError()


def code_attempt_failed(client: str | None) -> None:
    """Count a failed entry in the database, shared by every worker (update, else insert; a race retries)."""
    key, window = _client_key(client), int(time.time()) // ATTEMPT_WINDOW_SECONDS
    for _i in range(2):
        if CodeAttempt.objects.filter(client=key, window=window).update(failures=F("failures") + 1):
            return
        try:
            with transaction.atomic():
                CodeAttempt.objects.create(client=key, window=window, failures=1)
            return
        except IntegrityError:
            continue
