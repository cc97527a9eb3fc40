"""Reads: the signed-in user's own notices and preferences; the office's text-message log."""

from django.db.models import Q
from django.utils.translation import gettext as _

from pacesetter.core.errors import PermissionDeniedError
from pacesetter.core.rules import can_manage_tasks

from .kinds import Channel, Kind, default_for
from .models import Notification, Preference, TextMessage


def notification_list_for(user):
    return Notification.objects.filter(recipient=user, in_app=True)


def unread_count_for(user) -> int:
    return Notification.objects.filter(recipient=user, in_app=True, read_at__isnull=True).count()


def preferences_for(user) -> list[tuple[str, str, dict[str, bool]]]:
    """(kind, label, {channel: enabled}) for every kind, for the settings page and the API."""
    saved = {
        (k, c): e
        for k, c, e in Preference.objects.filter(user=user).values_list("kind", "channel", "enabled")
    }
    return [
        (kind, str(label), {c: saved.get((kind, c), default_for(kind, c)) for c in Channel.values})
        for kind, label in Kind.choices
    ]


def text_message_list_for(user, *, q: str = "", status: str = "", kind: str = ""):
    """The text-message log (the office's, like the background tasks), newest first. `q` matches the
    last digits of the phone, the kind or the error."""
    if not can_manage_tasks(user):
        raise PermissionDeniedError(_("短信发送记录只有市级活动办公室可以查看"))
    qs = TextMessage.objects.all()
    q = q.strip()[:20]
    if q:
        qs = qs.filter(Q(phone_masked__endswith=q) | Q(kind__icontains=q) | Q(error__icontains=q))
    if status in TextMessage.Status.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind[:40])
    return qs
