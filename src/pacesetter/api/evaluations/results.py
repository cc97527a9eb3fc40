"""A round's results, ballots entered by members (peer) and clerks (paper, one by one or imported), and
its questions.
"""

from dataclasses import asdict

from django.http import HttpRequest
from ninja import File, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from pacesetter.evaluations import services
from pacesetter.evaluations.paper_import import MAX_BYTES, paper_import
from pacesetter.evaluations.results import round_results
from pacesetter.evaluations.selectors import round_get_for
from pacesetter.orgs.enums import Cap

from ..openapi import RATE_LIMITED
from ._router import router
from .ballots import AnswersIn, PaperIn, PeerReceiptsOut, QuestionOut, QuestionsIn, ReceiptOut


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
    receipt = services.ballot_enter_paper(actor=request.user, round_=round_, **payload.dict())
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
