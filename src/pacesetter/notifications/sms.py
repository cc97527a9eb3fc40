"""The text-message gateway (短信): `send_text` hands a text to the backend named by
settings.PACESETTER_SMS_BACKEND and keeps a row per text (phone masked, kind, status).

Backends are classes with `send(phone, text, *, urgent)`; real providers raise on a failed delivery. The
default console backend prints and logs, so a fresh install needs no provider; `HttpJsonBackend` posts to
a provider's HTTP API configured by settings (PACESETTER_SMS_HTTP_URL / _KEY / _TEMPLATE).

Two ways to send: `send_text` sends now (a verification code someone waits for), `queue_text` records the
text and hands it to the worker (`deliver_text` task), which retries a failed delivery with backoff through
the task queue; a text that is not urgent waits out the quiet hours (22:00–08:00 Beijing time) first.

    >>> send_text(phone="13812341234", text="验证码 123456")     # printed on the console
    >>> # with PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend":
    >>> outbox[-1]
    ('13812341234', '验证码 123456')
"""

import contextlib
import json
import logging
import sys
import urllib.error
import urllib.request
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from pacesetter.core.pii import mask_phone
from pacesetter.core.tasks import enqueue, still_queued

from .models import TextMessage

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "pacesetter.notifications.sms.ConsoleBackend"

# What the locmem backend "sent", like django.core.mail.outbox; tests clear it.
outbox: list[tuple[str, str]] = []


class ConsoleBackend:
    """No provider configured: print the text (for whoever runs the server) and log it."""

    def send(self, phone: str, text: str, *, urgent: bool = False) -> None:
        line = f"[短信{'·急' if urgent else ''}] {phone}: {text}"
        with contextlib.suppress(OSError):  # a closed console must not fail the request
            print(line, file=sys.stdout, flush=True)
        logger.info("sms to %s: %s", mask_phone(phone), text)


class LocmemBackend:
    """For tests: keeps the texts in the module-level `outbox`."""

    def send(self, phone: str, text: str, *, urgent: bool = False) -> None:
        outbox.append((phone, text))


class DeliveryError(Exception):
    """The provider refused or could not be reached; the worker tries again later."""


class HttpJsonBackend:
    """A provider's HTTP API: POST a JSON body built from PACESETTER_SMS_HTTP_TEMPLATE (a JSON object whose
    string values may name {phone}, {text} and {key}) to PACESETTER_SMS_HTTP_URL, with the key also sent as
    a bearer token. Any answer but 2xx — or a 2xx JSON answer whose "code" is neither 0 nor "OK" — fails."""

    def __init__(self):
        self.url = getattr(settings, "PACESETTER_SMS_HTTP_URL", "")
        self.key = getattr(settings, "PACESETTER_SMS_HTTP_KEY", "")
        self.template = (
            getattr(settings, "PACESETTER_SMS_HTTP_TEMPLATE", "") or '{"to": "{phone}", "text": "{text}"}'
        )
        self.timeout = getattr(settings, "PACESETTER_SMS_HTTP_TIMEOUT", 10)
        if not self.url.startswith(("http://", "https://")):
            raise ImproperlyConfigured("PACESETTER_SMS_HTTP_URL must be an http(s) address")
        try:
            template = json.loads(self.template)
        except ValueError as exc:
            raise ImproperlyConfigured(f"PACESETTER_SMS_HTTP_TEMPLATE is not JSON: {exc}") from None
        if not isinstance(template, dict):
            raise ImproperlyConfigured("PACESETTER_SMS_HTTP_TEMPLATE must be a JSON object")
        self.fields = template

    def payload(self, phone: str, text: str) -> dict:
        values = {"phone": phone, "text": text, "key": self.key}

        def fill(v):
            if isinstance(v, str):
                # str.replace, not str.format: a text with braces must not break the template.
                for name, value in values.items():
                    v = v.replace("{" + name + "}", value)
                return v
            if isinstance(v, dict):
                return {k: fill(x) for k, x in v.items()}
            return v

        return fill(self.fields)

    def send(self, phone: str, text: str, *, urgent: bool = False) -> None:
        body = json.dumps(self.payload(phone, text), ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.key}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read(4096)
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"HTTP {exc.code}: {exc.read(200).decode(errors='replace')}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"provider unreachable: {exc}") from None
        try:
            data = json.loads(answer or b"{}")
        except ValueError:
            return  # a 2xx answer that is not JSON: the provider took it
        if isinstance(data, dict) and "code" in data and data["code"] not in (0, "0", "OK", "ok"):
            raise DeliveryError(f"provider code {data['code']}: {str(data.get('message', ''))[:200]}")


def _backend_path() -> str:
    return getattr(settings, "PACESETTER_SMS_BACKEND", "") or DEFAULT_BACKEND


def send_text(*, phone: str, text: str, urgent: bool = False, kind: str = "") -> None:
    """Send one text now and record it. A failed delivery is logged and recorded as failed, and raised
    again unless the backend is the console one (which has nobody to tell)."""
    path = _backend_path()
    backend = import_string(path)()
    try:
        backend.send(phone, text, urgent=urgent)
    except Exception as exc:
        logger.warning("sms to %s failed: %s", mask_phone(phone), exc)
        TextMessage.objects.create(
            phone_masked=mask_phone(phone),
            kind=kind,
            backend=path[-100:],
            status=TextMessage.Status.FAILED,
            error=str(exc)[:300],
        )
        if path == DEFAULT_BACKEND:
            return
        raise
    TextMessage.objects.create(
        phone_masked=mask_phone(phone), kind=kind, backend=path[-100:], status=TextMessage.Status.SENT
    )


# --------------------------------------------------------------------------------------------------
# Queued texts: quiet hours, retries through the task queue, a log row per text

BEIJING = ZoneInfo("Asia/Shanghai")
QUIET_FROM, QUIET_UNTIL = time(22, 0), time(8, 0)


def quiet_until(now: datetime) -> datetime | None:
    """The next 08:00 Beijing time when `now` falls in the quiet hours (22:00–08:00), else None."""
    local = now.astimezone(BEIJING)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=BEIJING)


def queue_text(*, phone: str, text: str, urgent: bool = False, kind: str = "") -> TextMessage:
    """Record a text and queue it for the worker (after commit); outside urgent cases it waits for 08:00
    when queued during the quiet hours."""
    now = timezone.now()
    after = None if urgent else quiet_until(now)
    row = TextMessage.objects.create(
        phone_masked=mask_phone(phone),
        phone=phone,
        text=text,
        kind=kind[:40],
        urgent=urgent,
        backend=_backend_path()[-100:],
        status=TextMessage.Status.DEFERRED if after else TextMessage.Status.QUEUED,
        send_after=after,
        created_at=now,
    )
    from . import tasks

    delay = (after - now) if after else None
    transaction.on_commit(lambda: enqueue(tasks.deliver_text, delay=delay, message_id=row.pk))
    return row


SMS_MAX_ATTEMPTS = 5


def deliver(message_id: int) -> None:
    """Send one queued text (the worker's task body). A failure is written on the row and raised, so the
    task queue runs it again with backoff; after the last attempt the row says 发送失败 for good."""
    row = TextMessage.objects.filter(pk=message_id).first()
    if row is None or row.status in (TextMessage.Status.SENT, TextMessage.Status.FAILED):
        return  # already done (a task run twice after a crash)
    after = None if row.urgent else quiet_until(timezone.now())
    if after is not None:  # a retry that fell into the night waits for the morning
        TextMessage.objects.filter(pk=row.pk).update(status=TextMessage.Status.DEFERRED, send_after=after)
        from . import tasks

        enqueue(tasks.deliver_text, delay=after - timezone.now(), message_id=row.pk)
        return
    path = _backend_path()
    attempts = row.attempts + 1
    final_attempt = attempts >= SMS_MAX_ATTEMPTS
    try:
        import_string(path)().send(row.phone, row.text, urgent=row.urgent)
    except Exception as exc:
        logger.warning("sms %s to %s failed (attempt %d): %s", row.pk, row.phone_masked, attempts, exc)
        failed = TextMessage.Status.FAILED if final_attempt else TextMessage.Status.RETRYING
        TextMessage.objects.filter(pk=row.pk).update(
            attempts=attempts,
            status=failed,
            error=str(exc)[:300],
            backend=path[-100:],
            phone="" if final_attempt else row.phone,
        )
        raise
    TextMessage.objects.filter(pk=row.pk).update(
        attempts=attempts,
        status=TextMessage.Status.SENT,
        sent_at=timezone.now(),
        backend=path[-100:],
        phone="",
        error="",
    )


GAVE_UP = "发送任务已放弃（工作进程中断或重试用尽），不再重试"
# A text still waiting this long after it was queued (or after the morning it was deferred to) may have no
# task left that will send it: the queue gave up without telling the row (a worker died mid-send under RQ,
# a lost job, a give-up hook that itself failed). Longer than the task's whole retry schedule (leases and
# backoff) with a wide margin.
STALE_AFTER = timedelta(hours=6)
WAITING = (TextMessage.Status.QUEUED, TextMessage.Status.RETRYING, TextMessage.Status.DEFERRED)


def give_up(message_id: int) -> bool:
    """The sending task was given up: a row still waiting says 发送失败 and forgets the phone.
    Answers whether the row changed (a row already sent or failed is left as it is)."""
    changed = TextMessage.objects.filter(pk=message_id, status__in=WAITING).update(
        status=TextMessage.Status.FAILED, phone="", error=GAVE_UP
    )
    if changed:
        logger.warning("sms %s: its task was given up; marked failed", message_id)
    return bool(changed)


def reconcile_stale(now: datetime | None = None) -> int:
    """Mark failed every text still waiting long after its last chance to be sent (see STALE_AFTER) —
    unless the database queue still holds a run of its task (READY or RUNNING): workers that were down for
    hours send it when they come back, and its row must not say 发送失败 meanwhile. On RQ, whose jobs
    cannot be asked, age alone decides."""
    from . import tasks

    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    stale = TextMessage.objects.filter(status__in=WAITING, created_at__lt=cutoff).filter(
        models.Q(send_after__isnull=True) | models.Q(send_after__lt=cutoff)
    )
    ids = list(stale.order_by("pk").values_list("pk", flat=True)[:1000])
    live = still_queued(tasks.deliver_text, "message_id", ids) or set()
    return sum(give_up(pk) for pk in ids if pk not in live)
