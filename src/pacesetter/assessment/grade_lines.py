"""One set of grade lines (issue #14): a 组织考核 round (evaluations, `RoundKind.ASSESSMENT`) of a campaign is
graded by the lines of the campaign's member 考核方案 whose period holds the round's closing day, so a member's
ballot grade and scheme grade are drawn by the same lines. Registered with evaluations from AppConfig.ready,
as evaluations sits below this app; a round outside every scheme keeps its own lines."""

from django.utils import timezone

from pacesetter.evaluations.enums import RoundKind
from pacesetter.evaluations.services import register_grade_lines_provider

from .enums import Grade, Subject
from .models import GradeLine, Scheme

KEYS: dict[str, str] = {Grade.EXCELLENT: "excellent", Grade.QUALIFIED: "qualified", Grade.BASIC: "basic"}


def _number(value):
    return int(value) if value == int(value) else float(value)


def scheme_lines_for_round(round_) -> tuple[dict, str] | None:
    if round_.kind != RoundKind.ASSESSMENT or round_.campaign_id is None:
        return None
    day = timezone.localdate(round_.closes_at)
    scheme = (
        Scheme.objects.filter(
            campaign_id=round_.campaign_id, subject=Subject.MEMBER, period_start__lte=day, period_end__gte=day
        )
        .order_by("-period_end", "-id")
        .first()
    )
    if scheme is None:
        return None
    lines = {
        KEYS[g]: _number(v)
        for g, v in GradeLine.objects.filter(scheme=scheme, grade__in=KEYS).values_list("grade", "min_score")
    }
    if len(lines) != len(KEYS):
        return None
    return lines, scheme.name


register_grade_lines_provider(scheme_lines_for_round)
