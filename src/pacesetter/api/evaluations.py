"""Evaluations (群众评议): cast a ballot by code (public), peer and paper ballots, round results, receipts."""

import datetime
from dataclasses import asdict

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from pacesetter.core.errors import ValidationError
from pacesetter.core.middleware import client_ip
from pacesetter.core.paging import limit_param, offset_param
from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundStatus
from pacesetter.evaluations.forms import campaigns_for, criteria_sets_for
from pacesetter.evaluations.models import BallotSheet, MemberGrade, RaterGroup
from pacesetter.evaluations.paper_import import MAX_BYTES, paper_import
from pacesetter.evaluations.results import round_results
from pacesetter.evaluations.selectors import (
    ballot_form,
    case_get_for,
    case_list_for,
    round_get_for,
    round_list_for,
    suggestion_page_for,
)
from pacesetter.evaluations.survey_views import survey_target
from pacesetter.evaluations.surveys import standard_survey_for
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for

from .openapi import RATE_LIMITED

router = Router(tags=["群众评议 evaluations"])

# answers: {"<target id>": {"<question position>": score or null (不了解)}}
Answers = dict[str, dict[str, int | None]]


class CastIn(Schema):
    code: str
    answers: Answers
    # 意见建议 (optional): stored apart from the ballot, released after the close and the office's review
    suggestion: str = ""


class AnswersIn(Schema):
    answers: Answers
    suggestion: str = ""


class PaperIn(Schema):
    code: str
    answers: Answers
    # "paper" (纸质测评表 typed in by a clerk) or "assisted" (a clerk fills it in for a rater who is present)
    channel: str = "paper"
    suggestion: str = ""


class QuestionIn(Schema):
    text: str
    hint: str = ""
    weight: int = 100


class QuestionsIn(Schema):
    questions: list[QuestionIn]
    scale: str | None = None


class ReceiptOut(Schema):
    receipt: str


class PeerReceiptOut(Schema):
    target: str
    receipt: str


class PeerReceiptsOut(Schema):
    # One receipt per peer: each peer's ballot is a sheet of its own (see services.ballot_cast_member).
    receipts: list[PeerReceiptOut]


class OptionOut(Schema):
    score: int | None
    label: str


class QuestionOut(Schema):
    position: int
    text: str
    hint: str
    weight: int


class TargetOut(Schema):
    id: int
    name: str


class BallotFormOut(Schema):
    round_id: int
    round_name: str
    group: str
    trial: bool
    options: list[OptionOut]
    questions: list[QuestionOut]
    targets: list[TargetOut]


class RoundOut(Schema):
    id: int
    name: str
    organisation_id: int
    kind: str
    status: str
    opens_at: str
    closes_at: str
    k_min: int
    published: bool


class ReceiptCheckOut(Schema):
    found: bool
    round_id: int | None = None
    round_closed: bool = False
    digest: str = ""


@router.get(
    "/ballots/form", response=BallotFormOut, auth=None, url_name="ballot-form", openapi_extra=RATE_LIMITED
)
def ballot_form_get(request: HttpRequest, code: str):
    """The ballot a code opens: targets, questions and answer options (不了解 = null)."""
    found, round_ = services.ballot_open(code, client=client_ip(request))
    form = ballot_form(round_)
    group = form.group(found.group_id)
    return {
        "round_id": round_.pk,
        "round_name": round_.name,
        "group": group.name if group else "",
        "trial": round_.status == "trial",
        "options": [{"score": o.score, "label": o.label} for o in form.options]
        + [{"score": None, "label": "不了解"}],
        "questions": [asdict(q) for q in form.questions],
        "targets": [{"id": t.id, "name": t.name} for t in form.targets],
    }


@router.post(
    "/ballots", response={201: ReceiptOut}, auth=None, url_name="ballot-cast", openapi_extra=RATE_LIMITED
)
def ballot_cast(request: HttpRequest, payload: CastIn):
    """Cast one sheet with a one-time code. 409 code_spent, 422 code_unknown / ballot_incomplete, 429."""
    receipt = services.ballot_cast_code(
        code=payload.code, answers=payload.answers, client=client_ip(request), suggestion=payload.suggestion
    )
    return Status(201, {"receipt": receipt})


class ReceiptIn(Schema):
    receipt: str


def _receipt_status(receipt: str) -> dict:
    receipt = receipt.strip().lower()
    sheet = (
        BallotSheet.objects.select_related("round").filter(receipt=receipt).first()
        if len(receipt) == 64
        else None
    )
    if sheet is None:
        return {"found": False}
    closed = sheet.round.status == "closed"
    return {"found": True, "round_id": sheet.round_id, "round_closed": closed, "digest": sheet.round.digest}


@router.post("/ballots/receipt", response=ReceiptCheckOut, auth=None, url_name="eval-receipt-check")
def receipt_check(request: HttpRequest, payload: ReceiptIn):
    """Is this receipt counted? POST keeps the receipt out of URLs, and so out of every access log."""
    return _receipt_status(payload.receipt)


@router.get("/ballots/receipt", response=ReceiptCheckOut, auth=None, url_name="eval-receipt-check")
def receipt_check_get(request: HttpRequest, receipt: str = ""):
    """The same check for old clients; prefer POST (a receipt in a query string lands in proxy logs)."""
    return _receipt_status(receipt)


@router.get("/evaluations/rounds", response=list[RoundOut], url_name="eval-round-list")
def round_list(request: HttpRequest, status: str | None = Query(None)):
    return [round_out(r) for r in round_list_for(request.user, status=status)[:200]]


# ---------------------------------------------------------------- setting rounds up and running them


class RaterGroupIn(Schema):
    name: str
    kind: str = "public"
    weight: int
    mode: str = "codes"  # "codes" (one-time codes) or "members" (signed-in members)


class RoundIn(Schema):
    name: str
    organisation_id: int
    kind: str
    # "orgs": the organisations below; "members": the members of the subtree (a "survey", 具体标准征询问卷,
    # always has one target: the organisation itself)
    target_mode: str = "orgs"
    scale: str = "satisfaction"
    campaign_id: int | None = None
    criteria_set_id: int | None = None
    opens_at: datetime.datetime | None = None  # may be left out for a round of a campaign: its step window
    closes_at: datetime.datetime | None = None
    k_min: int = 5
    satisfaction_threshold: int = 60
    # 组织考核: {"excellent": 90, "qualified": 75, "basic": 60} (score lines; missing ones take these)
    grade_thresholds: dict[str, int] | None = None
    groups: list[RaterGroupIn]


class StatusIn(Schema):
    to: str


class RoundPublishIn(Schema):
    published: bool = True


class CodesIn(Schema):
    group_id: int
    count: int


class CodesOut(Schema):
    round_id: int
    group_id: int
    codes: list[str]


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    weight: int
    mode: str
    issued: int
    spent: int


class RoundDetailOut(RoundOut):
    campaign_id: int | None
    scale: str
    questions_locked: bool
    satisfaction_threshold: int
    grade_thresholds: dict
    digest: str
    questions: list[QuestionOut]
    targets: list[TargetOut]
    groups: list[GroupOut]


class CaseOut(Schema):
    id: int
    round_id: int
    round_name: str
    organisation_id: int
    organisation_name: str
    satisfaction: float
    status: str
    analysis: str
    measures: str


class CaseAnswerIn(Schema):
    analysis: str
    measures: str


class GradeOut(Schema):
    member_id: int
    name: str
    score: float | None
    grade: str
    grade_label: str
    sample: int


def round_out(r) -> dict:
    return {
        "id": r.pk,
        "name": r.name,
        "organisation_id": r.organisation_id,
        "kind": r.kind,
        "status": r.status,
        "opens_at": r.opens_at.isoformat(),
        "closes_at": r.closes_at.isoformat(),
        "k_min": r.k_min,
        "published": r.published,
    }


def round_detail_out(r) -> dict:
    form = ballot_form(r)
    groups = (
        RaterGroup.objects.filter(round=r)
        .annotate(issued=Count("codes"), spent=Count("codes", filter=Q(codes__spent=True)))
        .order_by("order", "id")
    )
    return {
        **round_out(r),
        "campaign_id": r.campaign_id,
        "scale": r.scale,
        "questions_locked": r.questions_locked,
        "satisfaction_threshold": r.satisfaction_threshold,
        "grade_thresholds": r.grade_thresholds,
        "digest": r.digest,
        "questions": [asdict(q) for q in form.questions],
        "targets": [{"id": t.id, "name": t.name} for t in form.targets],
        "groups": [
            {"id": g.pk, "name": g.name, "kind": g.kind, "weight": g.weight, "mode": g.mode}
            | {"issued": g.issued, "spent": g.spent}
            for g in groups
        ],
    }


# Same path as the list: one URL name, whose rule in access.py is per method.
@router.post("/evaluations/rounds", response={201: RoundDetailOut}, url_name="eval-round-list")
def round_create(request: HttpRequest, payload: RoundIn):
    """Set a round up (draft) over the organisations or the members of a subtree in your scope."""
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.EVALUATION_MANAGE)
    campaign = criteria_set = None
    if payload.campaign_id is not None:
        campaign = campaigns_for(request.user).filter(pk=payload.campaign_id).first()
        if campaign is None:
            raise ValidationError(_("找不到该活动，或不在您的范围内"), field="campaign_id")
    if payload.criteria_set_id is not None:
        criteria_set = criteria_sets_for(request.user).filter(pk=payload.criteria_set_id).first()
        if criteria_set is None:
            raise ValidationError(_("找不到该评价标准，或不在您的范围内"), field="criteria_set_id")
    round_ = services.round_set_up(
        actor=request.user,
        organisation=org,
        target_mode=payload.target_mode,
        campaign=campaign,
        criteria_set=criteria_set,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        name=payload.name,
        kind=payload.kind,
        scale=payload.scale,
        groups=[g.dict() for g in payload.groups],
        k_min=payload.k_min,
        satisfaction_threshold=payload.satisfaction_threshold,
        grade_thresholds=payload.grade_thresholds,
    )
    return Status(201, round_detail_out(round_))


@router.get("/evaluations/rounds/{pk}", response=RoundDetailOut, url_name="eval-round-detail")
def round_detail(request: HttpRequest, pk: int):
    return round_detail_out(round_get_for(request.user, pk))


class RoundPatchIn(Schema):
    name: str | None = None
    opens_at: datetime.datetime | None = None
    closes_at: datetime.datetime | None = None
    k_min: int | None = None
    satisfaction_threshold: int | None = None
    grade_thresholds: dict[str, int] | None = None
    weights: dict[int, int] | None = None  # rater group id → weight; the weights must still add up to 100


@router.patch("/evaluations/rounds/{pk}", response=RoundDetailOut, url_name="eval-round-detail")
def round_patch(request: HttpRequest, pk: int, payload: RoundPatchIn):
    """Correct a round's settings before it opens; once open only closes_at may change (409 otherwise)."""
    round_ = round_get_for(request.user, pk, cap=Cap.EVALUATION_MANAGE)
    data = payload.dict(exclude_unset=True)
    weights = data.pop("weights", None)
    return round_detail_out(services.round_update(actor=request.user, round_=round_, weights=weights, **data))


@router.post("/evaluations/rounds/{pk}/status", response=RoundOut, url_name="eval-round-status")
def round_status(request: HttpRequest, pk: int, payload: StatusIn):
    """draft → trial/open, trial → draft/open, open → closed; closed → open is the office's audited re-opening."""
    round_ = round_get_for(request.user, pk, cap=Cap.EVALUATION_MANAGE)
    if payload.to not in RoundStatus.values:
        raise ValidationError(_("状态无效"), field="to")
    return round_out(services.round_transition(actor=request.user, round_=round_, to_status=payload.to))


@router.post("/evaluations/rounds/{pk}/publish", response=RoundOut, url_name="eval-round-publish")
def round_publish(request: HttpRequest, pk: int, payload: RoundPublishIn):
    round_ = round_get_for(request.user, pk, cap=Cap.EVALUATION_MANAGE)
    return round_out(services.round_publish(actor=request.user, round_=round_, published=payload.published))


@router.post("/evaluations/rounds/{pk}/codes", response={201: CodesOut}, url_name="eval-round-codes")
def round_codes(request: HttpRequest, pk: int, payload: CodesIn, response: HttpResponse):
    """N fresh one-time codes for a group, in clear this once (only their hashes are kept)."""
    round_ = round_get_for(request.user, pk, cap=Cap.EVALUATION_MANAGE)
    group = RaterGroup.objects.filter(round=round_, pk=payload.group_id).first()
    if group is None:
        raise ValidationError(_("该评议没有这个评议主体"), field="group_id")
    codes = services.codes_generate(actor=request.user, round_=round_, group=group, count=payload.count)
    response["Cache-Control"] = "no-store"
    return Status(201, {"round_id": round_.pk, "group_id": group.pk, "codes": codes})


@router.get("/evaluations/rounds/{pk}/grades", response=list[GradeOut], url_name="eval-round-grades")
def round_grades(request: HttpRequest, pk: int):
    """组织考核: each member's score and grade, stored when the assessment round closed."""
    round_ = round_get_for(request.user, pk)
    return [
        {
            "member_id": g.member_id,
            "name": g.member.name,
            "score": float(g.score) if g.score is not None else None,
            "grade": g.grade,
            "grade_label": g.get_grade_display(),
            "sample": g.sample,
        }
        for g in MemberGrade.objects.filter(round=round_)
        .select_related("member")
        .order_by("-score", "member_id")
    ]


def case_out(c) -> dict:
    return {
        "id": c.pk,
        "round_id": c.round_id,
        "round_name": c.round.name,
        "organisation_id": c.organisation_id,
        "organisation_name": c.organisation.name,
        "satisfaction": float(c.satisfaction),
        "status": c.status,
        "analysis": c.analysis,
        "measures": c.measures,
    }


@router.get("/evaluations/cases", response=list[CaseOut], url_name="eval-case-list")
def case_list(request: HttpRequest):
    """满意度过低 — 需分析原因、整改提高: the cases in your scope, open ones first."""
    return [case_out(c) for c in case_list_for(request.user)[:200]]


@router.post("/evaluations/cases/{pk}/answer", response=CaseOut, url_name="eval-case-answer")
def case_answer(request: HttpRequest, pk: int, payload: CaseAnswerIn):
    case = case_get_for(request.user, pk)
    return case_out(
        services.case_answer(
            actor=request.user, case=case, analysis=payload.analysis, measures=payload.measures
        )
    )


def results_out(results) -> dict:
    """The figures of results.round_results, as JSON (groups under k carry no per-question figures)."""
    return {
        "round_id": results.round.pk,
        "k": results.k,
        # An open round is sealed: participation only, no target figures until it closes.
        "sealed": results.sealed,
        "questions": [{"position": p, "text": t, "weight": w} for p, t, w in results.questions],
        "options": [{"score": o.score, "label": o.label, "positive": o.positive} for o in results.options],
        "participation": [
            {
                "group_id": p.group_id,
                "name": p.name,
                "weight": p.weight,
                "issued": p.issued,
                "took_part": p.took_part,
            }
            for p in results.participation
        ],
        "targets": [
            {
                "target_id": t.target_id,
                "name": t.name,
                "sector": t.sector,
                "sample": t.sample,
                "score": t.score,
                "satisfaction": t.satisfaction,
                "rank": t.rank,
                "rank_of": t.rank_of,
                "low_satisfaction": t.low_satisfaction,
                "dropped_groups": t.dropped_groups,
                "by_channel": {ch: asdict(f) for ch, f in t.by_channel.items()},
                "groups": [
                    {
                        "group_id": g.group_id,
                        "name": g.name,
                        "weight": g.weight,
                        "effective_weight": g.effective_weight,
                        "ballots": g.ballots,
                        "answering": g.answering,
                        "shown": g.shown,
                        "score": g.score,
                        "satisfaction": g.satisfaction,
                        "questions": [
                            {
                                "position": q.position,
                                "answered": q.answered,
                                "dont_know": q.dont_know,
                                "mean": q.mean,
                                "satisfaction": q.satisfaction,
                                "distribution": {str(k): v for k, v in q.distribution.items()},
                            }
                            for q in g.questions
                        ],
                    }
                    for g in t.groups
                ],
            }
            for t in results.targets
        ],
    }


@router.get("/evaluations/rounds/{pk}/results", url_name="eval-round-results")
def round_results_get(request: HttpRequest, pk: int):
    return results_out(round_results(round_get_for(request.user, pk)))


@router.post("/evaluations/rounds/{pk}/peer", response={201: PeerReceiptsOut}, url_name="eval-peer-cast")
def peer_cast(request: HttpRequest, pk: int, payload: AnswersIn):
    """A signed-in member evaluates the peers they have not yet rated (never themselves)."""
    from pacesetter.evaluations.models import Round

    round_ = Round.objects.select_related("organisation").filter(pk=pk).first()
    if round_ is None:
        from pacesetter.core.errors import NotFoundError

        raise NotFoundError()
    receipts = services.ballot_cast_member(
        actor=request.user, round_=round_, answers=payload.answers, suggestion=payload.suggestion
    )
    return Status(201, {"receipts": [{"target": name, "receipt": r} for name, r in receipts]})


@router.post(
    "/evaluations/rounds/{pk}/paper",
    response={201: ReceiptOut},
    url_name="eval-paper-cast",
    openapi_extra=RATE_LIMITED,
)
def paper_cast(request: HttpRequest, pk: int, payload: PaperIn):
    round_ = round_get_for(request.user, pk, cap=Cap.EVALUATION_MANAGE)
    receipt = services.ballot_enter_paper(
        actor=request.user,
        round_=round_,
        code=payload.code,
        answers=payload.answers,
        channel=payload.channel,
        suggestion=payload.suggestion,
    )
    return Status(201, {"receipt": receipt})


@router.put("/evaluations/rounds/{pk}/questions", response=list[QuestionOut], url_name="eval-round-questions")
def questions_put(request: HttpRequest, pk: int, payload: QuestionsIn):
    """Replace what is asked (and optionally the scale) until the first real ballot freezes it (then 409)."""
    round_ = round_get_for(request.user, pk, cap=Cap.EVALUATION_MANAGE)
    round_ = services.round_questions_set(
        actor=request.user,
        round_=round_,
        questions=[q.dict() for q in payload.questions],
        scale=payload.scale,
    )
    return [
        {"position": q.position, "text": q.text, "hint": q.hint, "weight": q.weight}
        for q in round_.questions.order_by("position")
    ]


class PaperImportErrorOut(Schema):
    row: int | None
    column: str
    value: str
    reason: str


class PaperImportOut(Schema):
    ok: bool
    sheets: int
    errors: list[PaperImportErrorOut]


@router.post(
    "/evaluations/rounds/{pk}/paper-import",
    response={201: PaperImportOut, 422: PaperImportOut},
    url_name="eval-paper-import",
    openapi_extra=RATE_LIMITED,
)
def paper_import_post(request: HttpRequest, pk: int, file: File[UploadedFile]):
    """Multipart field `file`: a filled paper-ballot template. 201 all sheets stored; 422 none, with the report."""
    round_ = round_get_for(request.user, pk, cap=Cap.EVALUATION_MANAGE)
    report = paper_import(actor=request.user, round_=round_, content=file.read(MAX_BYTES + 1))
    return Status(201 if report.ok else 422, asdict(report))


# ---------------------------------------------------------------- 意见建议


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
