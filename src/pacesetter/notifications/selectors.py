"""Reads for the inbox: only the signed-in user's own notices."""

from .models import Notification


def notification_list_for(user):
    return Notification.objects.filter(recipient=user)


def unread_count_for(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
