"""In-app notices (站内信); e-mail copies are sent by the worker."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        verbose_name = _("通知")

    def __str__(self):
        return self.title


class TextMessage(models.Model):
    """One text message (短信) handed to the gateway: the phone only masked, never the text of a code."""

    class Status(models.TextChoices):
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    phone_masked = models.CharField(_("手机号"), max_length=20)
    kind = models.CharField(_("类型"), max_length=40, blank=True)
    backend = models.CharField(max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("短信")

    def __str__(self):
        return f"{self.phone_masked} {self.kind} {self.status}"
