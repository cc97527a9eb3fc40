"""Choices for evaluation rounds (评议), answer scales, rater groups and ballot channels; the round state table."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class RoundKind(models.TextChoices):
    PUBLIC_REVIEW = "public_review", _("群众评议")
    DEMOCRATIC = "democratic", _("民主测评")
    SATISFACTION = "satisfaction", _("满意度调查")
    ASSESSMENT = "assessment", _("组织考核")
    CONDUCT = "conduct", _("民主评议行风政风")
    # 结合实际制定具体标准 "by questionnaire of members": members say, item by item, whether the campaign's
    # standard (or the organisation's draft wording) fits; their 意见建议 propose wording. One target: the
    # organisation itself. Outside the campaign's 群众评议 step: standards are set at the start.
    SURVEY = "survey", _("具体标准征询问卷")


# A citizen (群众) answering on a phone gives up long before 50 targets × 5 criteria = 250 answers: above this
# many answers on one sheet the office is warned when it sets the round up (the public ballot also comes in
# parts, one target at a time, but the whole sheet is still required).
PUBLIC_BALLOT_MAX_ANSWERS = 60


class Subject(models.TextChoices):
    ORGANISATION = "org", _("党组织")
    MEMBER = "member", _("党员")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    TRIAL = "trial", _("试运行")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


# The only allowed status changes. closed → open is a re-opening: an audited office action.
ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundStatus.DRAFT: frozenset({RoundStatus.TRIAL, RoundStatus.OPEN}),
    RoundStatus.TRIAL: frozenset({RoundStatus.DRAFT, RoundStatus.OPEN}),
    RoundStatus.OPEN: frozenset({RoundStatus.CLOSED}),
    RoundStatus.CLOSED: frozenset({RoundStatus.OPEN}),
}


class GroupKind(models.TextChoices):
    LEADERS = "leaders", _("领导班子")
    MEMBERS = "members", _("党员")
    DEPUTIES = "deputies", _("党代表、人大代表和服务对象")
    PUBLIC = "public", _("群众")


class GroupMode(models.TextChoices):
    CODES = "codes", _("一次性评议码")
    MEMBERS = "members", _("党员登录评议")


class Channel(models.TextChoices):
    WEB = "web", _("网上")
    PAPER = "paper", _("纸质")
    ASSISTED = "assisted", _("协助录入")


class Scale(models.TextChoices):
    SATISFACTION = "satisfaction", _("满意 / 基本满意 / 不满意")
    GRADE4 = "grade4", _("好 / 较好 / 一般 / 差")


@dataclass(frozen=True)
class Option:
    score: int  # points out of 100, stored in the ballot column
    label: str
    positive: bool  # counts toward the satisfaction rate


# 不了解 (don't know) is stored as NULL and left out of every mean and rate.
SCALE_OPTIONS: dict[str, tuple[Option, ...]] = {
    Scale.SATISFACTION: (
        Option(100, "满意", True),
        Option(60, "基本满意", True),
        Option(0, "不满意", False),
    ),
    Scale.GRADE4: (
        Option(100, "好", True),
        Option(80, "较好", True),
        Option(60, "一般", False),
        Option(0, "差", False),
    ),
}
DONT_KNOW = "不了解"
# The labels stay Chinese in the data (ballot file, Excel); pages translate them with {% translate label %},
# which makemessages cannot see: these marks keep them in the catalog.
_CATALOG = (
    gettext_noop("满意"),
    gettext_noop("基本满意"),
    gettext_noop("不满意"),
    gettext_noop("好"),
    gettext_noop("较好"),
    gettext_noop("一般"),
    gettext_noop("差"),
    gettext_noop("不了解"),
)


class CaseStatus(models.TextChoices):
    OPEN = "open", _("待整改说明")
    ANSWERED = "answered", _("已报送整改措施")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


DEFAULT_GRADE_THRESHOLDS = {"excellent": 90, "qualified": 75, "basic": 60}


# 民主评议行风政风: the usual questions about an agency or a service window, used when no criteria set is given.
CONDUCT_QUESTIONS = (
    (gettext_noop("服务态度"), gettext_noop("热情周到、文明用语、耐心解答")),
    (gettext_noop("办事效率"), gettext_noop("按时限办结、不推诿拖延")),
    (gettext_noop("廉洁自律"), gettext_noop("不吃拿卡要、不收受财物")),
    (gettext_noop("一次性告知"), gettext_noop("办事要求和材料一次讲清、不让群众多跑")),
)


class SuggestionStatus(models.TextChoices):
    """意见建议: the office reads each one after the round closes before anything is released."""

    PENDING = "pending", _("待审阅")
    APPROVED = "approved", _("可发布")
    WITHHELD = "withheld", _("不予发布")


# The only allowed changes of a suggestion's status (and only before its round's suggestions are released).
SUGGESTION_TRANSITIONS: dict[str, frozenset[str]] = {
    SuggestionStatus.PENDING: frozenset({SuggestionStatus.APPROVED, SuggestionStatus.WITHHELD}),
    SuggestionStatus.APPROVED: frozenset({SuggestionStatus.WITHHELD}),
    SuggestionStatus.WITHHELD: frozenset({SuggestionStatus.APPROVED}),
}
