"""组织考核 grade lines (优秀 > 合格 > 基本合格) and the grades filed when an assessment round closes.

One set of grade lines: a round of a campaign whose member 考核方案 covers the round's closing day is graded by
that scheme's lines (the assessment app registers `grade_lines_provider` from its AppConfig.ready, as it sits
above us); a round outside any scheme keeps its own lines, as before.
"""

from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _

from pacesetter.core.errors import ValidationError

from ..enums import (
    DEFAULT_GRADE_THRESHOLDS,
)
from ..models import (
    MemberGrade,
    Round,
)

# (round) -> (lines, where they come from) or None; set by the assessment app
_providers: list[Callable[[Round], tuple[dict, str] | None]] = []


def register_grade_lines_provider(provider: Callable[[Round], tuple[dict, str] | None]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def grade_lines_for(round_: Round) -> tuple[dict, str]:
    """The 优秀 / 合格 / 基本合格 lines a 组织考核 round is graded by, and the name of the scheme they come from
    ("" when they are the round's own)."""
    for provider in _providers:
        found = provider(round_)
        if found is not None:
            return found
    return {**DEFAULT_GRADE_THRESHOLDS, **(round_.grade_thresholds or {})}, ""


def _clean_thresholds(thresholds: dict | None) -> dict:
    """优秀 > 合格 > 基本合格 score lines, each 0–100; missing ones take the defaults."""
    cleaned = dict(DEFAULT_GRADE_THRESHOLDS)
    labels = {"excellent": _("优秀"), "qualified": _("合格"), "basic": _("基本合格")}
    for key, label in labels.items():
        value = (thresholds or {}).get(key)
        if value in (None, ""):
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("“%(g)s”分数线必须是整数") % {"g": label}, field=f"grade_{key}") from None
        if not 0 <= value <= 100:
            raise ValidationError(_("“%(g)s”分数线应在 0–100 之间") % {"g": label}, field=f"grade_{key}")
        cleaned[key] = value
    if not cleaned["excellent"] > cleaned["qualified"] > cleaned["basic"]:
        raise ValidationError(
            _("分数线须依次降低：优秀 %(e)d > 合格 %(q)d > 基本合格 %(b)d")
            % {"e": cleaned["excellent"], "q": cleaned["qualified"], "b": cleaned["basic"]},
            field="grade_qualified",
        )
    return cleaned


def _grade_members(round_: Round) -> int:
    """组织考核: a grade per member from the round's weighted score, stored for commendation."""
    from ..results import round_results

    results = round_results(round_)
    MemberGrade.objects.filter(round=round_).delete()
    rows = [
        MemberGrade(
            round=round_,
            member_id=t.member_id,
            score=Decimal(str(round(t.score, 1))) if t.score is not None else None,
            grade=t.grade,
            sample=t.sample,
        )
        for t in results.targets
        if t.member_id is not None
    ]
    MemberGrade.objects.bulk_create(rows)
    return len(rows)
