"""Ballots by code (public): the form a code opens, casting it, and checking a receipt."""

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Schema
from ninja.responses import Status

from pacesetter.core.middleware import client_ip
from pacesetter.evaluations import services
from pacesetter.evaluations.models import BallotSheet
from pacesetter.evaluations.selectors import ballot_form

from ..openapi import RATE_LIMITED
from ._router import router

# answers: {"<target id>": {"<question position>": score or null (不了解)}}
Answers = dict[str, dict[str, int | None]]


class AnswersIn(Schema):
    answers: Answers
    # 意见建议 (optional): stored apart from the ballot, released after the close and the office's review
    suggestion: str = ""


class CastIn(AnswersIn):
    code: str


class PaperIn(CastIn):
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
