"""The text-message gateway (短信): `send_text` hands a text to the backend named by
settings.PACESETTER_SMS_BACKEND and keeps a row per text (phone masked, kind, status).

Backends are classes with `send(phone, text, *, urgent)`; real providers (the notifications issue) raise on
a failed delivery. The default console backend prints and logs, so a fresh install needs no provider:

    >>> send_text(phone="13812341234", text="验证码 123456")     # printed on the console
    >>> # with PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend":
    >>> outbox[-1]
    ('13812341234', '验证码 123456')
"""

import contextlib
import logging
import sys

from django.conf import settings
from django.utils.module_loading import import_string

from pacesetter.core.pii import mask_phone

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
