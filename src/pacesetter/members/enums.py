"""Choices for mentoring (老带新、骨干带一般), contact households (党员联系户) and participation reminders."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.lifecycle import one_way


class MentorKind(models.TextChoices):
    NEW = "new", _("老带新")
    CORE = "core", _("骨干带一般")


class MentorStatus(models.TextChoices):
    ACTIVE = "active", _("帮带中")
    ENDED = "ended", _("已结束")


class MentorAction(models.TextChoices):
    END = "end", _("结束帮带")


MENTOR_TRANSITIONS = one_way(MentorAction.END, MentorStatus.ACTIVE, MentorStatus.ENDED)


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("联系中")
    ENDED = "ended", _("已停止联系")


class HouseholdAction(models.TextChoices):
    END = "end", _("停止联系")


HOUSEHOLD_TRANSITIONS = one_way(HouseholdAction.END, HouseholdStatus.ACTIVE, HouseholdStatus.ENDED)


class ReminderKind(models.TextChoices):
    """What a participation reminder is about; with the period it keys the ledger (once per period)."""

    EVALUATION = "evaluation", _("评议未参评")
    COMMITMENT_UPDATE = "commitment_update", _("承诺进展逾期未更新")
    PARTY_ANALYSIS = "party_analysis", _("党性分析未提交")
