"""Choices for the points ledger (积分): the fixed registry of event types, periods, rules and claims, and the
transition tables of their statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.uploads import DOCUMENTS, IMAGES


class EventType(models.TextChoices):
    """What earns (or loses) points. Every type but MANUAL is found by the sweep in points.events.

    An app above points in the layers supplies its own source through `points.events.register` (commendation
    does for HONOUR_AWARDED, from HonoursConfig.ready), so that points never imports it.
    """

    MEETING_ATTENDED = "meeting_attended", _("参加会议（出席登记）")
    RECORD_LOGGED = "record_logged", _("个人记实登记")
    RECORD_CHECKED = "record_checked", _("个人记实经党组织检查通过")
    COMMITMENT_FULFILLED = "commitment_fulfilled", _("按时兑现个人承诺（按期述诺且兑现）")
    REVIEW_RATING = "review_rating", _("个人承诺获群众“满意”评价（已验证）")
    HONOUR_AWARDED = "honour_awarded", _("获得表彰（表彰决定印发）")
    MANUAL = "manual", _("手工加减分 / 党员申报")


AUTOMATIC_TYPES = frozenset(EventType.values) - {EventType.MANUAL}


class ManualBy(models.TextChoices):
    """Who may award a MANUAL rule by hand (and approve claims against it)."""

    NOBODY = "nobody", _("不可手工加减分")
    SECRETARY = "secretary", _("党组织书记（及活动办公室）")
    OFFICE = "office", _("仅活动办公室")


class EntrySource(models.TextChoices):
    AUTO = "auto", _("自动计分")
    MANUAL = "manual", _("手工加减分")
    CLAIM = "claim", _("党员申报")


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结账")


class PeriodAction(models.TextChoices):
    CLOSE = "close", _("结账（关闭年度）")
    REOPEN = "reopen", _("重新开放")


class RuleStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    RETIRED = "retired", _("已停用")


class RuleAction(models.TextChoices):
    RETIRE = "retire", _("停用")
    REINSTATE = "reinstate", _("恢复")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


class ClaimAction(models.TextChoices):
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回")
    RESUBMIT = "resubmit", _("重新申报")


# (from status, action) → to status. points.services._transition is the only code that changes a status.
PERIOD_TRANSITIONS: dict[tuple[str, str], str] = {
    (PeriodStatus.OPEN, PeriodAction.CLOSE): PeriodStatus.CLOSED,
    (PeriodStatus.CLOSED, PeriodAction.REOPEN): PeriodStatus.OPEN,
}
RULE_TRANSITIONS: dict[tuple[str, str], str] = {
    (RuleStatus.ACTIVE, RuleAction.RETIRE): RuleStatus.RETIRED,
    (RuleStatus.RETIRED, RuleAction.REINSTATE): RuleStatus.ACTIVE,
}
CLAIM_TRANSITIONS: dict[tuple[str, str], str] = {
    (ClaimStatus.SUBMITTED, ClaimAction.APPROVE): ClaimStatus.APPROVED,
    (ClaimStatus.SUBMITTED, ClaimAction.RETURN): ClaimStatus.RETURNED,
    (ClaimStatus.RETURNED, ClaimAction.RESUBMIT): ClaimStatus.SUBMITTED,
}
# Actions that need a comment (the reason a member reads).
NEEDS_COMMENT = frozenset({ClaimAction.RETURN})

# Bounds that keep a rule sensible (and every sum far inside a 64-bit integer).
MAX_POINTS = 1000
MAX_CAP = 100_000
REASON_LIMIT = 500
EVIDENCE_TYPES = IMAGES | DOCUMENTS
EVIDENCE_MAX_BYTES = 8 * 1024 * 1024

STANDING_RULE = _(
    "党员按本年度积分合计排名；组织按“人均积分 = 组织积分合计 ÷ 直属党员数”排名。积分相同名次并列，"
    "下一名次顺延（如 1、2、2、4）。"
)
