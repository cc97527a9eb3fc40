"""Choices for assessment (组织考核): who is assessed, grades, scorecard statuses and their transition table."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pacesetter.core.lifecycle import Transition


class Subject(models.TextChoices):
    ORG = "org", _("党组织")
    MEMBER = "member", _("党员")


class Grade(models.TextChoices):
    """Organisations are graded 好/较好/一般/差; members 优秀/合格/基本合格/不合格 (the evaluations grades)."""

    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")
    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


# Best first; the last grade of each list has no line (everything below the previous line).
GRADES: dict[str, list[str]] = {
    Subject.ORG: [Grade.GOOD, Grade.FAIRLY_GOOD, Grade.FAIR, Grade.POOR],
    Subject.MEMBER: [Grade.EXCELLENT, Grade.QUALIFIED, Grade.BASIC, Grade.UNQUALIFIED],
}
DEFAULT_GRADE_LINES: dict[str, dict[str, int]] = {
    Subject.ORG: {Grade.GOOD: 90, Grade.FAIRLY_GOOD: 75, Grade.FAIR: 60},
    Subject.MEMBER: {Grade.EXCELLENT: 90, Grade.QUALIFIED: 75, Grade.BASIC: 60},
}


class ScorecardStatus(models.TextChoices):
    COMPUTING = "computing", _("计算中")
    COMPUTED = "computed", _("待公布")
    FAILED = "failed", _("计算失败")
    PUBLISHED = "published", _("已公布")
    SUPERSEDED = "superseded", _("已被新版本取代")


class ScorecardAction(models.TextChoices):
    FINISH = "finish", _("计算完成")
    FAIL = "fail", _("计算失败")
    PUBLISH = "publish", _("公布")
    SUPERSEDE = "supersede", _("由新版本取代")


_S, _A = ScorecardStatus, ScorecardAction
# who takes a step: the compute task (never offered to a person) or the campaign office
_SYSTEM, _OFFICE = frozenset({"system"}), frozenset({"office"})

# assessment.services._transition is the only code that changes Scorecard.status. A published scorecard
# never changes again: a recompute makes a new version.
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (_S.COMPUTING, _A.FINISH): Transition(_S.COMPUTED, _SYSTEM),
    (_S.COMPUTING, _A.FAIL): Transition(_S.FAILED, _SYSTEM),
    (_S.COMPUTED, _A.PUBLISH): Transition(_S.PUBLISHED, _OFFICE),
    # An unpublished version is replaced when the office computes again.
    (_S.COMPUTED, _A.SUPERSEDE): Transition(_S.SUPERSEDED, _SYSTEM),
    (_S.FAILED, _A.SUPERSEDE): Transition(_S.SUPERSEDED, _SYSTEM),
}

WEIGHT_TOTAL = 100
MAX_ITEM_POINTS = 20
