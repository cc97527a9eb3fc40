"""意见建议 (reviewed, then released) and the 具体标准征询问卷 of an organisation's standard."""

import datetime
from dataclasses import asdict

from django.http import HttpRequest
from ninja import Schema
from ninja.responses import Status

from pacesetter.core.paging import limit_param, offset_param
from pacesetter.evaluations import services
from pacesetter.evaluations.selectors import (
    round_get_for,
    suggestion_page_for,
)
from pacesetter.evaluations.survey_views import survey_target
from pacesetter.evaluations.surveys import standard_survey_for

from ._router import router


class EvalSuggestionOut(Schema):
    id: str
    group: str
    text: str
    day: datetime.date
    status: str


class EvalSuggestionsOut(Schema):
    # "sealed" (round running, or not yet released to this caller), "review" (the office, after the close)
    # or "released"
    mode: str
    total: int
    items: list[EvalSuggestionOut]
    pending: int
    groups_below_k: list[str]


class EvalSuggestionReviewIn(Schema):
    ids: list[str]
    status: str  # "approved" or "withheld"


class EvalSuggestionReviewOut(Schema):
    changed: int


def _suggestions_out(page, *, limit: int = 100, offset: int = 0) -> dict:
    return {
        "mode": page.mode,
        "total": page.total,
        "items": [
            {"id": str(s.pk), "group": s.group.name, "text": s.text, "day": s.day, "status": s.status}
            for s in page.rows[offset : offset + limit]
        ],
        "pending": page.pending,
        "groups_below_k": [g.name for g in page.held_groups],
    }


@router.get(
    "/evaluations/rounds/{pk}/suggestions", response=EvalSuggestionsOut, url_name="eval-round-suggestions"
)
def round_suggestions(
    request: HttpRequest, pk: int, limit: int = limit_param(100, 500), offset: int = offset_param()
):
    """A round's 意见建议: sealed while it runs; the office reviews them after the close; then the released.

    Sorted by rater group and text (an order that says nothing about when each was written)."""
    round_ = round_get_for(request.user, pk)
    return _suggestions_out(suggestion_page_for(request.user, round_), limit=limit, offset=offset)


@router.post(
    "/evaluations/rounds/{pk}/suggestions/review",
    response=EvalSuggestionReviewOut,
    url_name="eval-round-suggestions-review",
)
def round_suggestions_review(request: HttpRequest, pk: int, payload: EvalSuggestionReviewIn):
    round_ = round_get_for(request.user, pk)
    n = services.suggestions_review(
        actor=request.user, round_=round_, ids=payload.ids, to_status=payload.status
    )
    return {"changed": n}


@router.post(
    "/evaluations/rounds/{pk}/suggestions/release",
    response=EvalSuggestionsOut,
    url_name="eval-round-suggestions-release",
)
def round_suggestions_release(request: HttpRequest, pk: int):
    round_ = round_get_for(request.user, pk)
    services.suggestions_release(actor=request.user, round_=round_)
    return _suggestions_out(suggestion_page_for(request.user, round_))


class StandardSurveyItemOut(Schema):
    text: str
    answered: int
    positive: int
    negative: int
    fit_rate: float | None


class StandardSurveyOut(Schema):
    round_id: int
    name: str
    status: str
    sealed: bool
    held: bool
    ballots: int
    items: list[StandardSurveyItemOut]
    suggestions: list[str]


@router.get(
    "/evaluations/standard-survey",
    response={200: StandardSurveyOut, 204: None},
    url_name="eval-standard-survey",
)
def standard_survey(request: HttpRequest, org: str, criteria_set: str):
    """The organisation's latest 具体标准征询问卷 on a standard (204 when it has none that has opened): per
    item, how many members find it fits as worded and how many ask for a change, once closed and with at
    least k answers; the released 意见建议. For those who word the organisation's standard."""
    survey = standard_survey_for(*survey_target(request.user, org, criteria_set))
    if survey is None:
        return Status(204, None)
    return {
        "round_id": survey.round.pk,
        "name": survey.round.name,
        "status": survey.round.status,
        "sealed": survey.sealed,
        "held": survey.held,
        "ballots": survey.ballots,
        "items": [{**asdict(i), "fit_rate": i.fit_rate} for i in survey.items],
        "suggestions": survey.suggestions,
    }
