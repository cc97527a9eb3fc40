"""Choices for required and optional actions (规定动作 / 自选动作) and the one table of link status changes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkStatus(models.TextChoices):
    """A record offered as the evidence of a required action: counted, or rejected by the parent."""

    LINKED = "linked", _("已关联")
    REJECTED = "rejected", _("已驳回")


class LinkSource(models.TextChoices):
    MANUAL = "manual", _("手动关联")
    AUTO = "auto", _("自动识别")


class LinkAction(models.TextChoices):
    REJECT = "reject", _("驳回")
    RESTORE = "restore", _("恢复")


# action → {from status: to status}. actions.services._transition is the only code that changes a status.
TRANSITIONS: dict[str, dict[str, str]] = {
    LinkAction.REJECT: {LinkStatus.LINKED: LinkStatus.REJECTED},
    LinkAction.RESTORE: {LinkStatus.REJECTED: LinkStatus.LINKED},
}


class Highlight(models.TextChoices):
    """The office's mark on an optional action worth publicising."""

    NONE = "", _("未标记")
    FEATURE = "feature", _("特色")
    BRAND = "brand", _("品牌")


class ActionState(models.TextChoices):
    """Where one organisation stands on one required action (the checklist's column)."""

    DONE = "done", _("已完成")
    PENDING = "pending", _("待完成")
    MISSING = "missing", _("缺项")
    UPCOMING = "upcoming", _("未开始")
