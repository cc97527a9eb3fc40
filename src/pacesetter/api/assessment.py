"""Assessment (组织考核): schemes, scorecards with ranking, a score with its evidence; compute, adjust, publish."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from pacesetter.assessment import selectors, services
from pacesetter.core.paging import limit_param, offset_param

from ._common import fields_from

router = Router(tags=["组织考核 assessment"])


class AssessmentSourceOut(Schema):
    key: str
    weight: int
    min_count: int


class AssessmentSchemeOut(Schema):
    id: int
    name: str
    subject: str
    campaign_id: int
    period_start: datetime.date
    period_end: datetime.date
    locked: bool
    sources: list[AssessmentSourceOut]
    grade_lines: dict[str, Decimal]


class AssessmentScoreOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    member_id: int | None
    total: Decimal | None
    grade: str
    computed_grade: str
    adjusted: bool
    adjust_reason: str
    bonus: Decimal
    detail: dict


class AssessmentRankOut(Schema):
    rank: int
    score_id: int
    organisation_id: int
    organisation_name: str
    total: Decimal


class AssessmentScorecardOut(Schema):
    id: int
    scheme_id: int
    version: int
    status: str
    done: int
    total: int
    computed_at: datetime.datetime | None
    published_at: datetime.datetime | None
    ranking: list[AssessmentRankOut]
    scores: list[AssessmentScoreOut]


class AssessmentEvidenceOut(Schema):
    key: str
    label: str
    value: float | None
    count: int
    used: bool
    weight: int
    url: str


class AssessmentPeersOut(Schema):
    n: int
    rank: int | None
    ties: int
    min: int


class AssessmentScoreDetailOut(AssessmentScoreOut):
    scorecard_id: int
    evidence: list[AssessmentEvidenceOut]
    peers: AssessmentPeersOut | None


class AssessmentAdjustIn(Schema):
    grade: str
    reason: str


def _scheme_out(s) -> dict:
    return fields_from(
        s,
        AssessmentSchemeOut,
        locked=s.is_locked,
        sources=[fields_from(x, AssessmentSourceOut) for x in s.sources.all()],
        grade_lines={g.grade: g.min_score for g in s.grade_lines.all()},
    )


def _score_out(s) -> dict:
    return fields_from(s, AssessmentScoreOut, organisation_name=s.organisation.name, adjusted=s.is_adjusted)


def _scorecard_out(request, sc, *, limit=50, offset=0) -> dict:
    scores = selectors.score_list_for(request.user, sc)[offset : offset + limit]
    ranking = selectors.ranking(sc, parent=sc.scheme.campaign.organisation, limit=100)
    return fields_from(
        sc,
        AssessmentScorecardOut,
        ranking=[
            fields_from(s, AssessmentRankOut, score_id=s.pk, organisation_name=s.organisation.name)
            for s in ranking
        ],
        scores=[_score_out(s) for s in scores],
    )


@router.get("/assessment/schemes", response=list[AssessmentSchemeOut], url_name="assessment-scheme-list")
def scheme_list(request: HttpRequest):
    return [
        _scheme_out(s)
        for s in selectors.scheme_list_for(request.user).prefetch_related("sources", "grade_lines")
    ]


@router.post(
    "/assessment/schemes/{pk}/compute", response={202: AssessmentScorecardOut}, url_name="assessment-compute"
)
def compute(request: HttpRequest, pk: int):
    """Start computing a new version in the background; poll the scorecard for `done`/`total`."""
    sc = services.scorecard_compute(actor=request.user, scheme=selectors.scheme_get_for(request.user, pk))
    return 202, _scorecard_out(request, selectors.scorecard_get_for(request.user, sc.pk))


@router.get("/assessment/scorecards/{pk}", response=AssessmentScorecardOut, url_name="assessment-scorecard")
def scorecard(request: HttpRequest, pk: int, limit: int = limit_param(50, 500), offset: int = offset_param()):
    """A version with the ranking of the organisations directly under the campaign's, and a page of scores."""
    return _scorecard_out(request, selectors.scorecard_get_for(request.user, pk), limit=limit, offset=offset)


@router.post(
    "/assessment/scorecards/{pk}/publish", response=AssessmentScorecardOut, url_name="assessment-publish"
)
def publish(request: HttpRequest, pk: int):
    sc = services.scorecard_publish(
        actor=request.user, scorecard=selectors.scorecard_get_for(request.user, pk)
    )
    return _scorecard_out(request, sc)


def _score_detail(score) -> dict:
    return {
        **_score_out(score),
        "scorecard_id": score.scorecard_id,
        "evidence": [
            {k: (str(v) if k == "label" else v) for k, v in e.items() if k != "rule"}
            for e in selectors.score_evidence(score)
        ],
        "peers": selectors.peer_ranking(score.scorecard, score) if score.member_id is None else None,
    }


@router.get("/assessment/scores/{pk}", response=AssessmentScoreDetailOut, url_name="assessment-score")
def score(request: HttpRequest, pk: int):
    return _score_detail(selectors.score_get_for(request.user, pk))


@router.post(
    "/assessment/scores/{pk}/adjust", response=AssessmentScoreDetailOut, url_name="assessment-score-adjust"
)
def adjust(request: HttpRequest, pk: int, payload: AssessmentAdjustIn):
    s = services.score_adjust(
        actor=request.user,
        score=selectors.score_get_for(request.user, pk),
        grade=payload.grade,
        reason=payload.reason,
    )
    return _score_detail(selectors.score_get_for(request.user, s.pk))


class AssessmentDistrictValuesOut(Schema):
    """Each indicator in % (0–100), null without data (left out of the mean)."""

    plans: float | None = Field(description="实施方案按期")
    records: float | None = Field(description="记实登记覆盖")
    commitments: float | None = Field(description="承诺按期")
    reviews: float | None = Field(description="领导点评按期")
    rectifications: float | None = Field(description="整改按期")
    turnout: float | None = Field(
        description="评议参与率: took part ÷ issued (codes spent, members who took part) over the campaign's "
        "closed evaluation rounds organised in the subtree; null without a closed round"
    )
    reports: float | None = Field(
        description="举报按时办结率: cases closed within the close deadline ÷ cases closed in time or past it, "
        "owned in the subtree and received in the campaign's months (every case kind on the engine)"
    )


class AssessmentDistrictOut(Schema):
    rank: int | None
    organisation_id: int
    organisation_name: str
    score: float | None = Field(description="mean of the indicators with data")
    values: AssessmentDistrictValuesOut


@router.get(
    "/assessment/districts", response=list[AssessmentDistrictOut], url_name="assessment-district-ranking"
)
def district_ranking(request: HttpRequest, campaign: int | None = None, org: int | None = None):
    """创先争优活动也要创先争优: the children of `org` (default: the caller's top) ranked by how they run it."""
    from pacesetter.progress.selectors import progress_scope

    _campaigns, c, o = progress_scope(request.user, campaign, org)
    if c is None:
        return []
    return [
        {
            "rank": r["rank"],
            "organisation_id": r["org"].pk,
            "organisation_name": r["org"].name,
            "score": r["score"],
            "values": r["values"],
        }
        for r in selectors.district_ranking(campaign=c, org=o)
    ]


class AssessmentReviewIn(Schema):
    text: str


class AssessmentReviewOut(Schema):
    case_id: int
    case_number: str


@router.post(
    "/assessment/scores/{pk}/review", response={201: AssessmentReviewOut}, url_name="assessment-score-review"
)
def review(request: HttpRequest, pk: int, payload: AssessmentReviewIn):
    """复核: within 5 working days of publication, the assessed open a review-request case."""
    case = services.review_request(
        actor=request.user, score=selectors.score_get_for(request.user, pk), text=payload.text
    )
    return 201, {"case_id": case.pk, "case_number": case.number}
