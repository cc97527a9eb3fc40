"""The text-message gateway (minimal version; the `onecount` branch brings the full one with the same API).

send_text goes through the backend named by settings.PACESETTER_SMS_BACKEND. The console backend logs the
text; the locmem backend appends (phone, text) to `outbox`, like Django's mail.outbox, for tests.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

outbox: list[tuple[str, str]] = []


class ConsoleBackend:
    def send(self, phone: str, text: str, urgent: bool = False) -> None:
        log.warning("SMS to %s: %s", phone[:3] + "****" + phone[-4:], text)


class LocmemBackend:
    def send(self, phone: str, text: str, urgent: bool = False) -> None:
        outbox.append((phone, text))


def send_text(*, phone: str, text: str, urgent: bool = False) -> None:
    path = getattr(settings, "PACESETTER_SMS_BACKEND", "pacesetter.notifications.sms.ConsoleBackend")
    try:
        import_string(path)().send(phone, text, urgent)
    except Exception:
        if path.endswith("ConsoleBackend"):
            log.exception("console SMS failed")
            return
        raise
