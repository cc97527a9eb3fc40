"""Statuses of a follow (关注) and the one table of its transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    ORG = "org", _("组织")
    COMMITMENT = "commitment", _("承诺")


class Via(models.TextChoices):
    SMS = "sms", _("手机短信")
    EMAIL = "email", _("电子邮件")


class FollowStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    ACTIVE = "active", _("关注中")
    UNSUBSCRIBED = "unsubscribed", _("已退订")


class FollowAction(models.TextChoices):
    REQUEST = "request", _("申请关注（待邮件确认）")
    CONFIRM = "confirm", _("确认关注")
    UNSUBSCRIBE = "unsubscribe", _("退订")


S = FollowStatus
TRANSITIONS: dict[str, dict[str, str]] = {
    FollowAction.REQUEST: {S.UNSUBSCRIBED: S.PENDING},
    FollowAction.CONFIRM: {S.PENDING: S.ACTIVE, S.UNSUBSCRIBED: S.ACTIVE},
    FollowAction.UNSUBSCRIBE: {S.PENDING: S.UNSUBSCRIBED, S.ACTIVE: S.UNSUBSCRIBED},
}
