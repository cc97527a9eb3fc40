"""Choices for public commitments (公开承诺) and the one table of allowed status changes, with who and when."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.campaigns.enums import StepCapability
from pacesetter.core import lifecycle
from pacesetter.core.lifecycle import action_parties
from pacesetter.core.uploads import IMAGE_CONTENT_TYPES, IMAGES


class CommitmentKind(models.TextChoices):
    ORGANISATION = "org", _("组织承诺")
    MEMBER = "member", _("党员承诺")


class CommitmentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核")
    PUBLISHED = "published", _("已公开（践诺中）")
    REPORTED = "reported", _("已述诺")
    CLOSED = "closed", _("已办结")


class CommitmentAction(models.TextChoices):
    SUBMIT = "submit", _("报送")
    WITHDRAW = "withdraw", _("撤回")
    REVISE = "revise", _("重新修改")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回")
    PUBLISH = "publish", _("公开（示诺）")
    REPORT = "report", _("述诺")
    CLOSE = "close", _("办结")


class Party(models.TextChoices):
    """Who someone is *to one commitment* (not a site role): the one who promised, or the one who reviews."""

    OWNER = "owner", _("承诺人")
    REVIEWER = "reviewer", _("审核组织（上级党组织书记或活动办公室）")


@dataclass(frozen=True)
class Transition(lifecycle.Transition):
    window: str | None = None  # the campaign step capability that must be open, or None


S, A, P = CommitmentStatus, CommitmentAction, Party
_OWNER, _REVIEWER, _BOTH = frozenset({P.OWNER}), frozenset({P.REVIEWER}), frozenset({P.OWNER, P.REVIEWER})
_COMMIT, _FULFIL = StepCapability.COMMITMENTS, StepCapability.FULFILMENT

# (from status, action) → where it leads, who may do it, which window must be open.
# commitments.services.commitments._transition is the only code that changes Commitment.status; it reads only this.
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.DRAFT, A.SUBMIT): Transition(S.SUBMITTED, _OWNER, window=_COMMIT),
    (S.RETURNED, A.SUBMIT): Transition(S.SUBMITTED, _OWNER, window=_COMMIT),
    (S.SUBMITTED, A.WITHDRAW): Transition(S.DRAFT, _OWNER, window=_COMMIT),
    (S.RETURNED, A.REVISE): Transition(S.DRAFT, _OWNER, window=_COMMIT),
    (S.SUBMITTED, A.APPROVE): Transition(S.APPROVED, _REVIEWER, window=_COMMIT),
    (S.SUBMITTED, A.RETURN): Transition(S.RETURNED, _REVIEWER, needs_comment=True, window=_COMMIT),
    (S.APPROVED, A.PUBLISH): Transition(S.PUBLISHED, _BOTH, window=_COMMIT),
    (S.PUBLISHED, A.REPORT): Transition(S.REPORTED, _OWNER, window=_FULFIL),
    # Closing after the report is the reviewer's acknowledgement; it is not tied to a step window.
    (S.REPORTED, A.CLOSE): Transition(S.CLOSED, _REVIEWER),
}

# Which parties may perform an action in some state (a caller with none of them is refused as such).
ACTION_PARTIES = action_parties(TRANSITIONS)

EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# States in which a commitment is public (示诺 done): on the wall, open to 评诺.
PUBLIC_STATES = frozenset({S.PUBLISHED, S.REPORTED, S.CLOSED})
# States in which 评诺 is accepted.
RATEABLE_STATES = frozenset({S.PUBLISHED, S.REPORTED})
# States in which 履诺 progress may be posted.
PROGRESS_STATES = frozenset({S.PUBLISHED})
FULFILLED_STATES = frozenset({S.REPORTED, S.CLOSED})

# The roll-up rule, stated once and shown next to every rolled-up figure.
ROLLUP_RULE = _(
    "进度按各项组织承诺（实事）最新填报进度的算术平均计算：各项权重相等，尚未填报进度的按 0% 计；"
    "只计已公开的组织承诺，党员个人承诺单列。"
)
SATISFACTION_RULE = _("满意率 =（满意 + 基本满意）÷ 评价总数；不足 %(n)d 条评价时不计算满意率。")
SATISFACTION_MIN_RATINGS = 3


class RatingLevel(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ReportOutcome(models.TextChoices):
    """What a 述诺 claims about the commitment; "fulfilled" below 100 % progress must be confirmed."""

    FULFILLED = "fulfilled", _("承诺已兑现")
    PARTLY = "partly", _("部分兑现")
    UNFULFILLED = "unfulfilled", _("未能兑现")


class RatingSource(models.TextChoices):
    MEMBER = "member", _("党员")
    PUBLIC = "public", _("群众")


class RatingVerification(models.TextChoices):
    """How a rating is known to be one person's (一人一票); only verified ratings count in the rate."""

    NONE = "none", _("未验证")
    PHONE = "phone", _("手机验证")
    SLIP = "slip", _("评价凭条")
    MEMBER = "member", _("党员账号")


class Moderation(models.TextChoices):
    NONE = "none", _("无留言")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已公开")
    REJECTED = "rejected", _("不予公开")


# Attachments to progress updates: extension → accepted leading bytes (a renamed file is refused).
ATTACHMENT_MAX_BYTES = 8 * 1024 * 1024
ATTACHMENTS_PER_UPDATE = 9
ATTACHMENT_TYPES = IMAGES | {"pdf", "docx", "xlsx"}  # checked by core.uploads.check_upload
IMAGE_TYPES = IMAGE_CONTENT_TYPES

# 承诺书 lists approved commitments (printed for 示诺) and everything after.
APPROVED_AND_PUBLIC = frozenset({S.APPROVED, *PUBLIC_STATES})


# ---------------------------------------------------------------- problem lists (问题清单), loop
class ProblemSource(models.TextChoices):
    """Where an open problem was found."""

    STUDY = "study", _("学习实践活动")
    PUBLIC = "public", _("群众意见")
    MEETING = "meeting", _("民主生活会、组织生活会")
    SUPERVISION = "supervision", _("上级督查")
    SELF = "self", _("自查")


class ProblemOwner(models.TextChoices):
    """Who must solve it (领导班子…中层干部和一般干部要解决的问题)."""

    LEADERSHIP = "leadership", _("领导班子")
    MIDDLE = "middle", _("中层干部")
    STAFF = "staff", _("一般干部")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("未解决")
    SOLVING = "solving", _("整改中")
    DONE = "done", _("已解决")


class ProblemAction(models.TextChoices):
    START = "start", _("开始整改")
    SOLVE = "solve", _("销号")
    REOPEN = "reopen", _("重新整改")


# action → {from status: to status}. commitments.problems._transition is the only code that changes a status.
PROBLEM_TRANSITIONS: dict[str, dict[str, str]] = {
    ProblemAction.START: {ProblemStatus.OPEN: ProblemStatus.SOLVING},
    ProblemAction.SOLVE: {ProblemStatus.OPEN: ProblemStatus.DONE, ProblemStatus.SOLVING: ProblemStatus.DONE},
    ProblemAction.REOPEN: {ProblemStatus.DONE: ProblemStatus.SOLVING},
}
