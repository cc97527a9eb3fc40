"""具体标准征询问卷 (a members' survey on the organisation's standard, issue #17 mechanism 4).

"结合实际制定…具体标准" by questionnaire of members: before (or while) an organisation words the campaign's
criteria in its own terms, it may ask its members, item by item, whether the standard fits, and collect
their 意见建议 on the wording. The survey is an ordinary round (kind SURVEY, one target: the organisation
itself, usually one rater group of its members signed in); this module reads it back for the wording page.
"""

from dataclasses import dataclass, field

from pacesetter.campaigns.models import CriteriaSet
from pacesetter.orgs.models import Organisation

from .enums import RoundKind, RoundStatus
from .models import Round
from .results import round_results
from .selectors import released_suggestions


@dataclass
class SurveyItem:
    text: str
    answered: int
    positive: int  # 满意 / 基本满意 (or 好 / 较好): the standard fits as worded
    negative: int  # the answers that ask for a change

    @property
    def fit_rate(self) -> float | None:
        return 100.0 * self.positive / self.answered if self.answered else None


@dataclass
class StandardSurvey:
    round: Round
    sealed: bool  # still open (or in trial): participation only
    ballots: int
    items: list[SurveyItem] = field(default_factory=list)
    held: bool = False  # closed, but fewer than k answers: no item figures
    suggestions: list[str] = field(default_factory=list)  # released, approved 意见建议 (at most 20)


def standard_survey_for(org: Organisation, criteria_set: CriteriaSet) -> StandardSurvey | None:
    """The organisation's latest survey on this standard that has opened, with its figures once it has
    closed (k respected: a rater group below k is left out, as on the results page)."""
    round_ = (
        Round.objects.filter(kind=RoundKind.SURVEY, organisation=org, criteria_set=criteria_set)
        .exclude(status=RoundStatus.DRAFT)
        .order_by("-opens_at", "-id")
        .first()
    )
    if round_ is None:
        return None
    results = round_results(round_)
    survey = StandardSurvey(round=round_, sealed=results.sealed, ballots=results.sheets)
    if results.sealed or not results.targets:
        return survey
    shown = [g for g in results.targets[0].groups if g.shown]
    survey.held = not shown
    if survey.held:
        return survey
    for position, text, _weight in results.questions:
        stats = [q for g in shown for q in g.questions if q.position == position]
        answered = sum(q.answered for q in stats)
        positive = sum(q.positive for q in stats)
        survey.items.append(SurveyItem(text, answered, positive, answered - positive))
    survey.suggestions = [s.text for s in released_suggestions(round_).rows[:20]]
    return survey
