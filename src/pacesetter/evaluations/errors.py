"""Typed refusals of the evaluation workflow; pages and the API render them as 4xx with the message."""

from django.utils.translation import gettext_lazy as _

from pacesetter.core.errors import RateLimitedError as CoreRateLimitedError
from pacesetter.core.errors import StateError, ValidationError


class CodeUnknownError(ValidationError):
    code = "code_unknown"
    default_message = _("评议码无效，请核对后重新输入")


class CodeSpentError(StateError):
    code = "code_spent"
    default_message = _("该评议码已使用，每个评议码只能投票一次")


class RoundNotOpenError(StateError):
    code = "round_not_open"
    default_message = _("该评议当前不在投票时间内")


class AlreadyVotedError(StateError):
    code = "already_voted"
    default_message = _("您已对这些对象评议过，每人每个对象只能评议一次")


class BallotIncompleteError(ValidationError):
    code = "ballot_incomplete"
    default_message = _("测评表未填写完整，未保存任何内容")


class RateLimitedError(CoreRateLimitedError):
    default_message = _("评议码输错次数过多，请 10 分钟后再试")


class RoundStateError(StateError):
    code = "round_state"
