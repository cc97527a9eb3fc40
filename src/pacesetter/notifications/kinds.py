"""The registry of notification kinds (通知类型) and channels, with each kind's default channels.

Every notice carries a kind; a person's preferences (`Preference`) switch channels on or off per kind, and
what nobody changed follows the defaults here. Another app adds a kind by adding a member to `Kind` (at the
end) and, if it differs from `DEFAULT_CHANNELS`, an entry in `KIND_DEFAULTS`; the columns carry no `choices`
(migration 0007), so a new kind needs no migration.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "inapp", _("站内通知")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("手机短信")
    DIGEST = "digest", _("每日汇总邮件")


class Kind(models.TextChoices):
    GENERAL = "general", _("一般通知")
    PLAN_REVIEW = "plan.review", _("实施方案待审核")
    PLAN_RESULT = "plan.result", _("实施方案审核结果")
    PLAN_REMINDER = "plan.reminder", _("实施方案报送提醒")
    COMMITMENT_REVIEW = "commitment.review", _("承诺待审核")
    COMMITMENT_RESULT = "commitment.result", _("承诺审核结果")
    COMMITMENT_REMINDER = "commitment.reminder", _("承诺到期提醒")
    REVIEW = "supervision.review", _("领导点评与答复")
    RECTIFICATION = "supervision.rectification", _("整改通知与核查")
    INSPECTION = "supervision.inspection", _("督查安排")
    BULLETIN = "supervision.notice", _("通报")
    CASE = "case.assigned", _("群众反映件办理")
    CASE_REMINDER = "case.reminder", _("反映件到期提醒与督办")
    CAMPAIGN = "campaign.step", _("活动步骤与延期")
    EVALUATION = "evaluation.case", _("满意度评议整改")
    HONOURS = "honours", _("评选表彰（推荐、审核、表彰决定）")
    # members (#19)
    MEMBER_REVIEW = "members.review", _("党员点评与集中点评")
    PARTICIPATION_REMINDER = "members.reminder", _("未参与提醒（评议、承诺进展、党性分析）")
    ACTION_EVIDENCE = "actions.evidence", _("规定动作佐证被驳回")
    PUBLICITY_BULLETIN = "publicity.bulletin", _("简报印发")


# What a person gets when they changed nothing: the inbox and an e-mail, no text message, no digest.
DEFAULT_CHANNELS: dict[str, bool] = {
    Channel.IN_APP: True,
    Channel.EMAIL: True,
    Channel.SMS: False,
    Channel.DIGEST: False,
}

# Kinds whose defaults differ: results and reminders are news rather than work, so they wait for the
# daily digest instead of an e-mail each.
KIND_DEFAULTS: dict[str, dict[str, bool]] = {
    Kind.PLAN_RESULT: {Channel.EMAIL: False, Channel.DIGEST: True},
    Kind.COMMITMENT_RESULT: {Channel.EMAIL: False, Channel.DIGEST: True},
    Kind.BULLETIN: {Channel.EMAIL: False, Channel.DIGEST: True},
    Kind.CAMPAIGN: {Channel.EMAIL: False, Channel.DIGEST: True},
    Kind.PARTICIPATION_REMINDER: {Channel.EMAIL: False, Channel.DIGEST: True},
    Kind.PUBLICITY_BULLETIN: {Channel.EMAIL: False, Channel.DIGEST: True},
}


def default_for(kind: str, channel: str) -> bool:
    return KIND_DEFAULTS.get(kind, {}).get(channel, DEFAULT_CHANNELS[channel])


def kind_label(kind: str) -> str:
    try:
        return str(Kind(kind).label)
    except ValueError:
        return kind
