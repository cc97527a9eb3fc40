"""Choices for cases (群众举报、意见建议、公示异议、复核、满意度过低整改) and the one table of allowed status changes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.lifecycle import Transition, action_parties


class CaseKind(models.TextChoices):
    REPORT = "report", _("举报/意见建议")
    OBJECTION = "objection", _("公示异议")
    REVIEW_REQUEST = "review_request", _("复核申请")
    LOW_SATISFACTION = "low_satisfaction", _("满意度过低整改")


class SubjectType(models.TextChoices):
    ORGANISATION = "org", _("党组织")
    MEMBER = "member", _("党员")
    COMMITMENT = "commitment", _("公开承诺")
    UNKNOWN = "unknown", _("不清楚由谁办理")


class CaseStatus(models.TextChoices):
    TRIAGE = "triage", _("待分办")
    RECEIVED = "received", _("待受理")
    PROCESSING = "processing", _("核查中")
    VERIFIED = "verified", _("已核查")
    REPLIED = "replied", _("已答复")
    REVIEW = "review", _("上级复查中")
    CLOSED = "closed", _("已办结")


class CaseAction(models.TextChoices):
    ASSIGN = "assign", _("分办")
    ACKNOWLEDGE = "acknowledge", _("受理")
    TRANSFER = "transfer", _("转办")
    VERIFY = "verify", _("核查")
    REPLY = "reply", _("答复")
    CLOSE = "close", _("办结")
    DECLINE = "decline", _("不予受理")
    RATE = "rate", _("评价")
    EXPIRE = "expire", _("逾期未评价")
    REVIEW_CONCLUDE = "review_conclude", _("复查结论")


# Labels of every CaseEvent.action: the table's actions plus the steps that change no status.
EVENT_LABELS = {
    **{a.value: a.label for a in CaseAction},
    "file": _("收到"),
    "recategorise": _("调整类别"),
    "accountability": _("责任追究"),
    "rectify": _("下达整改通知"),
    "escalate": _("逾期上报督办"),
}


class Outcome(models.TextChoices):
    """How a closed case ended."""

    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNRATED = "unrated", _("未评价")
    CLOSED = "closed", _("办结（无需评价）")
    DECLINED = "declined", _("不予受理（已告知去向）")
    FINAL = "final", _("复查后终结")


class Finding(models.TextChoices):
    TRUE = "true", _("属实")
    PARTLY = "partly", _("部分属实")
    FALSE = "false", _("不属实")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Party(models.TextChoices):
    """Who someone is to one case (not a site role)."""

    HANDLER = "handler", _("承办组织")
    OFFICE = "office", _("活动办公室（分办）")
    REPORTER = "reporter", _("反映人")
    SYSTEM = "system", _("系统")
    INSPECTOR = "inspector", _("督查（只读）")  # reads cases in scope; takes no step of the table
    # the organisation that first handled a case since moved up (复查, 督办): reads how it ends, takes no step
    FORMER = "former", _("原承办组织（只读）")


class Deadline(models.TextChoices):
    ACKNOWLEDGE = "ack", _("受理")
    VERIFY = "verify", _("核查")
    REPLY = "reply", _("答复")
    CLOSE = "close", _("办结")


S, A, P = CaseStatus, CaseAction, Party
_H, _O, _R, _SYS = (frozenset({x}) for x in (P.HANDLER, P.OFFICE, P.REPORTER, P.SYSTEM))
_HO = _H | _O

# (from status, action) → where it leads and who may take it. complaints.services.machine._transition is the only
# code that changes Case.status, and it reads only this table. Rating an answer reopens for the parent's
# review once (REPLIED → REVIEW); the review's conclusion is final.
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.TRIAGE, A.ASSIGN): Transition(S.RECEIVED, _O),
    (S.TRIAGE, A.DECLINE): Transition(S.CLOSED, _O, needs_comment=True),
    (S.RECEIVED, A.ACKNOWLEDGE): Transition(S.PROCESSING, _H),
    (S.RECEIVED, A.TRANSFER): Transition(S.RECEIVED, _HO, needs_comment=True),
    (S.RECEIVED, A.DECLINE): Transition(S.CLOSED, _H, needs_comment=True),
    (S.PROCESSING, A.TRANSFER): Transition(S.RECEIVED, _HO, needs_comment=True),
    (S.PROCESSING, A.VERIFY): Transition(S.VERIFIED, _H),
    (S.VERIFIED, A.REPLY): Transition(S.REPLIED, _H, needs_comment=True),
    (S.VERIFIED, A.CLOSE): Transition(S.CLOSED, _H),  # anonymous only: a real-name case needs a reply
    (S.REPLIED, A.RATE): Transition(S.CLOSED, _R),  # 满意 / 基本满意, or 不满意 after the review
    (S.REPLIED, A.EXPIRE): Transition(S.CLOSED, _SYS),
    (S.REVIEW, A.REVIEW_CONCLUDE): Transition(S.CLOSED, _H, needs_comment=True),
}
# 不满意 on a first answer: the parent organisation reviews it (the one reopening the table allows).
REOPEN = Transition(S.REVIEW, _R)

ACTION_PARTIES = action_parties(TRANSITIONS)
ACTION_PARTIES[A.RATE] |= REOPEN.parties

OPEN_STATES = frozenset({S.TRIAGE, S.RECEIVED, S.PROCESSING, S.VERIFIED, S.REPLIED, S.REVIEW})
# Actions a handler page offers as forms (rate/expire belong to the reporter and the sweep).
HANDLER_ACTIONS = (
    A.ASSIGN,
    A.ACKNOWLEDGE,
    A.TRANSFER,
    A.VERIFY,
    A.REPLY,
    A.CLOSE,
    A.DECLINE,
    A.REVIEW_CONCLUDE,
)

# Working days from receipt for each deadline when a category has no figures of its own.
DEFAULT_DAYS = {Deadline.ACKNOWLEDGE: 2, Deadline.VERIFY: 10, Deadline.REPLY: 15, Deadline.CLOSE: 20}
# Working days per kind for the kinds that have no category (公示异议, 复核申请, 满意度过低整改). An objection
# must be checked while the 公示 (usually 5–7 working days) can still be held; a 复核 is answered within a month.
KIND_DAYS = {
    CaseKind.OBJECTION: {Deadline.ACKNOWLEDGE: 1, Deadline.VERIFY: 5, Deadline.REPLY: 7, Deadline.CLOSE: 10},
    CaseKind.REVIEW_REQUEST: {
        Deadline.ACKNOWLEDGE: 2,
        Deadline.VERIFY: 10,
        Deadline.REPLY: 15,
        Deadline.CLOSE: 20,
    },
}
RATING_DAYS = 7  # calendar days after the reply before an unrated case closes as 未评价
REMIND_WORKING_DAYS = 1  # reminder this many working days before a deadline

# Public form limits.
TEXT_MIN = 10
TEXT_MAX = 3_000
FILES_MAX = 3
FILE_MAX_BYTES = 8 * 1024 * 1024
REPORTS_PER_ADDRESS_PER_DAY = 5
QUERY_TRIES = 5
UNKNOWN_NUMBERS_PER_ADDRESS_PER_DAY = 10  # status queries for numbers that do not exist
QUERY_LOCK_MINUTES = 30

# Where to go when a matter is not ours or a review is final (一次性告知: always a next step).
NEXT_STEPS = _(
    "如对复查结论仍有异议，可向同级纪检监察机关（12388 举报电话、网站）反映；涉及信访事项的，"
    "可向当地信访部门提出；涉及违法犯罪的，请向公安机关报案。"
)
