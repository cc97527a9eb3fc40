"""Choices for leader reviews (领导点评) and supervision (督促检查), and the tables of allowed status changes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.lifecycle import one_way
from pacesetter.core.uploads import DOCUMENTS


class Rating(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")


class ReviewStatus(models.TextChoices):
    FILED = "filed", _("已点评，待答复")
    RESPONDED = "responded", _("已答复")


class ReviewAction(models.TextChoices):
    RESPOND = "respond", _("答复")


REVIEW_TRANSITIONS = one_way(ReviewAction.RESPOND, ReviewStatus.FILED, ReviewStatus.RESPONDED)


class ReviewDue(models.TextChoices):
    """Where a liaison organisation stands with its half-yearly review."""

    OK = "ok", _("已按期点评")
    PENDING = "pending", _("尚未点评")  # linked recently, never reviewed, not yet due
    DUE = "due", _("即将到期")
    OVERDUE = "overdue", _("逾期未点评")


class Method(models.TextChoices):
    """督促检查的方式."""

    REPORT = "report", _("听取汇报")
    RESEARCH = "research", _("专题调研")
    SYMPOSIUM = "symposium", _("交流座谈")
    UNANNOUNCED = "unannounced", _("明察暗访")
    SPOT_CHECK = "spot_check", _("随机抽查")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("已安排")
    FILED = "filed", _("已形成记录")
    CANCELLED = "cancelled", _("已取消")


class InspectionAction(models.TextChoices):
    FILE = "file", _("形成督查记录")
    CANCEL = "cancel", _("取消")


INSPECTION_TRANSITIONS: dict[str, dict[str, str]] = {
    InspectionAction.FILE: {InspectionStatus.PLANNED: InspectionStatus.FILED},
    InspectionAction.CANCEL: {InspectionStatus.PLANNED: InspectionStatus.CANCELLED},
}


class Source(models.TextChoices):
    """What a rectification order (整改通知) comes from."""

    REVIEW = "review", _("领导点评")
    FINDING = "finding", _("督查发现")
    LOW_SATISFACTION = "low_satisfaction", _("群众评议满意度过低")
    CASE = "case", _("群众反映核查属实")


class RectificationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("整改中")
    REPORTED = "reported", _("已报告，待核查")
    CLOSED = "closed", _("已核查销号")


class RectificationAction(models.TextChoices):
    ISSUE = "issue", _("下达整改通知")  # the first event of every order; not a transition
    REPORT = "report", _("报告整改情况")
    CLOSE = "close", _("核查通过并销号")
    REJECT = "reject", _("核查未通过，退回继续整改")


# action → {from status: to status}. services.rectifications (through core.transitions.status_cas) is the only
# code that changes it.
RECTIFICATION_TRANSITIONS: dict[str, dict[str, str]] = {
    RectificationAction.REPORT: {RectificationStatus.IN_PROGRESS: RectificationStatus.REPORTED},
    RectificationAction.CLOSE: {RectificationStatus.REPORTED: RectificationStatus.CLOSED},
    RectificationAction.REJECT: {RectificationStatus.REPORTED: RectificationStatus.IN_PROGRESS},
}
OPEN_RECTIFICATION = (RectificationStatus.IN_PROGRESS, RectificationStatus.REPORTED)


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已印发")


class NoticeAction(models.TextChoices):
    ISSUE = "issue", _("印发")


NOTICE_TRANSITIONS = one_way(NoticeAction.ISSUE, NoticeStatus.DRAFT, NoticeStatus.ISSUED)


class DrawFilter(models.TextChoices):
    """Extra conditions on the candidates of a spot-check draw (随机抽查)."""

    LOW_SATISFACTION = "low_satisfaction", _("群众评议满意度过低的组织")
    OVERDUE_PLAN = "overdue_plan", _("实施方案逾期未报的组织")
    OPEN_RECTIFICATION = "open_rectification", _("有未销号整改的组织")


# Evidence for rectification reports: what may be uploaded, and how big (extension → leading bytes).
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = DOCUMENTS | {"jpg", "jpeg", "png"}  # checked by core.uploads.check_upload


# ---------------------------------------------------------------- members (#19): 党员点评 and 集中点评


class MemberReviewStatus(models.TextChoices):
    FILED = "filed", _("已点评，待本人阅知")
    ACKNOWLEDGED = "acknowledged", _("本人已阅知")


class MemberReviewAction(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("阅知")


MEMBER_REVIEW_TRANSITIONS = one_way(
    MemberReviewAction.ACKNOWLEDGE, MemberReviewStatus.FILED, MemberReviewStatus.ACKNOWLEDGED
)


class SessionStatus(models.TextChoices):
    OPEN = "open", _("点评中")
    CLOSED = "closed", _("已结束")


class SessionAction(models.TextChoices):
    CLOSE = "close", _("结束集中点评")


SESSION_TRANSITIONS = one_way(SessionAction.CLOSE, SessionStatus.OPEN, SessionStatus.CLOSED)


class SessionCoverage(models.TextChoices):
    """Where an organisation stands with its half-yearly 集中点评 (每半年至少一次)."""

    COVERED = "covered", _("本半年已集中点评")
    PENDING = "pending", _("本半年尚未集中点评")
    OVERDUE = "overdue", _("上半年度未集中点评")
