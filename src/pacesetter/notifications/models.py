"""In-app notices (站内信); e-mail copies are sent by the worker."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import Channel, Kind


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # No `choices`: the kinds are a registry in code (kinds.Kind, checked by services.notify), so another
    # app adds a kind without a migration here. The label comes from kinds.kind_label.
    kind = models.CharField(_("类型"), max_length=40, default=Kind.GENERAL)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # False when the person switched the inbox off for this kind but wants it in the daily digest.
    in_app = models.BooleanField(default=True)
    # Waiting for the next daily digest e-mail; cleared when the digest is sent.
    digest_due = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            # The digest's one query reads only the (few) rows still due: a partial index keeps it small.
            models.Index(fields=["recipient"], condition=Q(digest_due=True), name="notification_digest_due"),
        ]
        verbose_name = _("通知")

    def __str__(self):
        return self.title


class TextMessage(models.Model):
    """One text message (短信) handed to the gateway: the phone only masked, never the text of a code."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        DEFERRED = "deferred", _("夜间暂缓")
        RETRYING = "retrying", _("失败待重试")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    phone_masked = models.CharField(_("手机号"), max_length=20)
    # The number in clear only while the text waits to go out (queued, deferred, retrying); blanked once
    # it is sent or given up, so the log keeps no phone numbers.
    phone = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True)
    kind = models.CharField(_("类型"), max_length=40, blank=True)
    urgent = models.BooleanField(default=False)
    backend = models.CharField(max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    send_after = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("短信")

    def __str__(self):
        return f"{self.phone_masked} {self.kind} {self.status}"


class Preference(models.Model):
    """One person's choice for one kind and channel; a missing row means the kind's default (kinds.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("类型"), max_length=40)  # one of kinds.Kind, checked by the service
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_preference_once")
        ]
        verbose_name = _("通知偏好")

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.channel} {self.enabled}"
