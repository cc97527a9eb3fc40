"""Evaluations (群众评议): cast a ballot by code (public), peer and paper ballots, round results, receipts."""

from dataclasses import asdict

from django.http import HttpRequest
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from pacesetter.core.middleware import client_ip
from pacesetter.evaluations import services
from pacesetter.evaluations.errors import CodeSpentError, RoundNotOpenError
from pacesetter.evaluations.models import BallotSheet
from pacesetter.evaluations.paper_import import MAX_BYTES, paper_import
from pacesetter.evaluations.results import round_results
from pacesetter.evaluations.selectors import ballot_form, round_accepts_ballots, round_get_for, round_list_for

router = Router(tags=["群众评议 evaluations"])

# answers: {"<target id>": {"<question position>": score or null (不了解)}}
Answers = dict[str, dict[str, int | None]]


class CastIn(Schema):
    code: str
    answers: Answers


class AnswersIn(Schema):
    answers: Answers


class PaperIn(Schema):
    code: str
    answers: Answers
    # "paper" (纸质测评表 typed in by a clerk) or "assisted" (a clerk fills it in for a rater who is present)
    channel: str = "paper"


class QuestionIn(Schema):
    text: str
    hint: str = ""
    weight: int = 100


class QuestionsIn(Schema):
    questions: list[QuestionIn]
    scale: str | None = None


class ReceiptOut(Schema):
    receipt: str


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


@router.get("/ballots/form", response=BallotFormOut, auth=None, url_name="ballot-form")
def ballot_form_get(request: HttpRequest, code: str):
    """The ballot a code opens: targets, questions and answer options (不了解 = null)."""
    found, round_ = services.code_lookup(code, client=client_ip(request))
    if found.spent:
        raise CodeSpentError()
    if not round_accepts_ballots(round_):
        raise RoundNotOpenError(services._round_closed_message(round_))
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


@router.post("/ballots", response={201: ReceiptOut}, auth=None, url_name="ballot-cast")
def ballot_cast(request: HttpRequest, payload: CastIn):
    """Cast one sheet with a one-time code. 409 code_spent, 422 code_unknown / ballot_incomplete, 429."""
    receipt = services.ballot_cast_code(code=payload.code, answers=payload.answers, client=client_ip(request))
    return Status(201, {"receipt": receipt})


@router.get("/ballots/receipt", response=ReceiptCheckOut, auth=None, url_name="eval-receipt-check")
def receipt_check(request: HttpRequest, receipt: str = ""):
    sheet = (
        BallotSheet.objects.select_related("round").filter(receipt=receipt.strip().lower()).first()
        if len(receipt.strip()) == 64
        else None
    )
    if sheet is None:
        return {"found": False}
    closed = sheet.round.status == "closed"
    return {"found": True, "round_id": sheet.round_id, "round_closed": closed, "digest": sheet.round.digest}


@router.get("/evaluations/rounds", response=list[RoundOut], url_name="eval-round-list")
def round_list(request: HttpRequest, status: str | None = Query(None)):
    return [
        {
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
        for r in round_list_for(request.user, status=status)[:200]
    ]


def results_out(results) -> dict:
    """The figures of results.round_results, as JSON (groups under k carry no per-question figures)."""
    return {
        "round_id": results.round.pk,
        "k": results.k,
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


@router.post("/evaluations/rounds/{pk}/peer", response={201: ReceiptOut}, url_name="eval-peer-cast")
def peer_cast(request: HttpRequest, pk: int, payload: AnswersIn):
    """A signed-in member evaluates the peers they have not yet rated (never themselves)."""
    from pacesetter.evaluations.models import Round

    round_ = Round.objects.select_related("organisation").filter(pk=pk).first()
    if round_ is None:
        from pacesetter.core.errors import NotFoundError

        raise NotFoundError()
    receipt = services.ballot_cast_member(actor=request.user, round_=round_, answers=payload.answers)
    return Status(201, {"receipt": receipt})


@router.post("/evaluations/rounds/{pk}/paper", response={201: ReceiptOut}, url_name="eval-paper-cast")
def paper_cast(request: HttpRequest, pk: int, payload: PaperIn):
    round_ = round_get_for(request.user, pk, cap="plan.write")
    receipt = services.ballot_enter_paper(
        actor=request.user, round_=round_, code=payload.code, answers=payload.answers, channel=payload.channel
    )
    return Status(201, {"receipt": receipt})


@router.put("/evaluations/rounds/{pk}/questions", response=list[QuestionOut], url_name="eval-round-questions")
def questions_put(request: HttpRequest, pk: int, payload: QuestionsIn):
    """Replace what is asked (and optionally the scale) until the first real ballot freezes it (then 409)."""
    round_ = round_get_for(request.user, pk, cap="plan.write")
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
)
def paper_import_post(request: HttpRequest, pk: int, file: File[UploadedFile]):
    """Multipart field `file`: a filled paper-ballot template. 201 all sheets stored; 422 none, with the report."""
    round_ = round_get_for(request.user, pk, cap="plan.write")
    report = paper_import(actor=request.user, round_=round_, content=file.read(MAX_BYTES + 1))
    return Status(201 if report.ok else 422, asdict(report))
