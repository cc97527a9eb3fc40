"""Sending notices: an inbox row per recipient, and an e-mail queued for the worker after commit."""

from django.db import transaction
from django.utils import timezone

from pacesetter.core.errors import NotFoundError
from pacesetter.core.tasks import enqueue

from . import tasks
from .models import Notification


def notify(
    *, recipients, title: str, body: str = "", url: str = "", email: bool = True
) -> list[Notification]:
    users = [u for u in recipients if u is not None and u.is_active]
    rows = Notification.objects.bulk_create(
        [Notification(recipient=u, title=title, body=body, url=url) for u in users]
    )
    addresses = sorted({u.email for u in users if u.email})
    if email and addresses:
        transaction.on_commit(lambda: enqueue(tasks.send_email, to=addresses, subject=title, body=body))
    return rows


def notification_resolve(*, url: str, recipients) -> int:
    """Mark read the unread notices about `url` that asked these users to act, once someone has acted
    (a commitment reviewed, a plan decided): a dashboard must not go on saying "待审核" for it."""
    ids = [u.pk for u in recipients if u is not None]
    if not url or not ids:
        return 0
    return Notification.objects.filter(url=url, recipient_id__in=ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
        if not qs.exists() and not Notification.objects.filter(recipient=user, pk=notification_id).exists():
            raise NotFoundError()
    return qs.update(read_at=timezone.now())
