"""Choices for implementation plans (实施方案) and the one table of allowed status changes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.lifecycle import one_way
from pacesetter.core.uploads import DOCUMENTS


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已通过")


class PlanAction(models.TextChoices):
    SUBMIT = "submit", _("报送")
    APPROVE = "approve", _("通过")
    RETURN = "return", _("退回")
    REOPEN = "reopen", _("撤销通过并退回")


# action → {from status: to status}. plans.services._transition is the only code that changes a status.
TRANSITIONS: dict[str, dict[str, str]] = {
    PlanAction.SUBMIT: {PlanStatus.DRAFT: PlanStatus.SUBMITTED, PlanStatus.RETURNED: PlanStatus.SUBMITTED},
    PlanAction.APPROVE: {PlanStatus.SUBMITTED: PlanStatus.APPROVED},
    PlanAction.RETURN: {PlanStatus.SUBMITTED: PlanStatus.RETURNED},
    PlanAction.REOPEN: {PlanStatus.APPROVED: PlanStatus.RETURNED},
}

# The decisions a reviewer records; each is also the action it performs.
DECISIONS = (PlanAction.APPROVE, PlanAction.RETURN, PlanAction.REOPEN)
# Decisions that must say why.
DECISIONS_NEEDING_COMMENT = (PlanAction.RETURN, PlanAction.REOPEN)

# The text may be changed only in these statuses.
EDITABLE = frozenset({PlanStatus.DRAFT, PlanStatus.RETURNED})


class PlanProgress(models.TextChoices):
    """Where an organisation stands with its plan in a campaign (the overdue list's status column)."""

    NOT_STARTED = "not_started", _("未开始")
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已通过")
    OVERDUE = "overdue", _("逾期")


# Attachments: what may be uploaded, and how big.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = DOCUMENTS | {"jpg", "jpeg", "png"}  # checked by core.uploads.check_upload


# ---------------------------------------------------------------- 征求意见 (consultation on a draft plan)


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("征求意见中")
    ANSWERED = "answered", _("已公布采纳情况")


class ConsultationAction(models.TextChoices):
    ANSWER = "answer", _("公布采纳情况")


# action → {from status: to status}; plans.consultations._transition is the only code that changes it.
CONSULTATION_TRANSITIONS = one_way(
    ConsultationAction.ANSWER, ConsultationStatus.OPEN, ConsultationStatus.ANSWERED
)


class CommentSource(models.TextChoices):
    MEMBER = "member", _("党员干部")
    PUBLIC = "public", _("群众")


class CommentVerification(models.TextChoices):
    ACCOUNT = "account", _("登录账号")
    PHONE = "phone", _("手机验证")
    SLIP = "slip", _("评价凭条")


class CommentModeration(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已公开")
    REJECTED = "rejected", _("不予公开")


# moderation action → {from: to}: moderated without editing the text.
MODERATION_TRANSITIONS: dict[str, dict[str, str]] = {
    "approve": {CommentModeration.PENDING: CommentModeration.APPROVED},
    "reject": {CommentModeration.PENDING: CommentModeration.REJECTED},
}


class CommentHandling(models.TextChoices):
    ADOPTED = "adopted", _("采纳")
    PARTLY = "partly", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")


# Handlings that must give a reason.
HANDLING_NEEDING_REASON = (CommentHandling.PARTLY, CommentHandling.NOT_ADOPTED)
