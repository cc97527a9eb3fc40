"""Public pages (no account): the ballot opened by code, receipts, published results, the ballot file."""

from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from pacesetter.core.errors import ApplicationError
from pacesetter.core.middleware import client_ip

from . import services
from .codes import code_normalise
from .documents import ballot_file_lines
from .enums import RoundStatus
from .errors import CodeSpentError, RoundNotOpenError
from .forms import answers_from_post, ballot_rows
from .models import BallotSheet
from .results import round_results as compute_results
from .selectors import (
    ballot_form,
    closed_round_get,
    public_round_get,
    public_round_list,
    round_accepts_ballots,
)


def entry(request):
    """Type a code (when the QR cannot be scanned)."""
    if request.GET.get("code"):
        code = code_normalise(request.GET["code"])
        if code:
            return redirect("ballots:ballot", code)
    return render(request, "evaluations/public/entry.html", {"error": None})


@never_cache
def ballot(request, pk):
    """The mobile ballot: targets × questions, one submit; after casting, only the receipt is shown."""
    missing: set = set()
    try:
        code, round_ = services.code_lookup(pk, client=client_ip(request))
        if code.spent:
            raise CodeSpentError()
        if not round_accepts_ballots(round_):
            raise RoundNotOpenError(services._round_closed_message(round_))
    except ApplicationError as exc:
        return render(
            request, "evaluations/public/entry.html", {"error": str(exc.message)}, status=exc.status
        )
    form = ballot_form(round_)
    group = form.group(code.group_id)
    errors, status = [], 200
    if request.method == "POST":
        try:
            receipt = services.ballot_cast_code(
                code=pk,
                answers=answers_from_post(request.POST, form, form.targets),
                client=client_ip(request),
            )
        except ApplicationError as exc:
            errors, status = [str(exc.message)], exc.status
            missing = {d.get("field") for d in exc.details}
        else:
            # Redirect so that no page after the cast carries the code, not even in its own URL.
            return redirect(f"{reverse('ballots:receipt-check')}?receipt={receipt}&cast=1")
    context = {
        "round": round_,
        "rows": ballot_rows(form, form.targets, request.POST, missing),
        "group": group,
        "errors": errors,
        "trial": round_.status == RoundStatus.TRIAL,
        "action": reverse("ballots:ballot", args=[pk]),
    }
    return render(request, "evaluations/public/ballot.html", context, status=status)


def receipt_check(request):
    """Anyone enters a receipt: is it counted? Also explains how to recompute totals from the ballot file."""
    receipt = (request.GET.get("receipt") or "").strip().lower()
    sheet, checked = None, False
    if receipt:
        checked = True
        if len(receipt) == 64:
            sheet = (
                BallotSheet.objects.select_related("round", "round__organisation")
                .filter(receipt=receipt)
                .first()
            )
    return render(
        request,
        "evaluations/public/receipt_check.html",
        {
            "receipt": receipt,
            "sheet": sheet,
            "checked": checked,
            "round": sheet.round if sheet else None,
            "just_cast": bool(sheet and request.GET.get("cast")),
        },
    )


def round_list(request):
    rounds = list(public_round_list().order_by("-closed_at", "-id")[:50])
    return render(request, "evaluations/public/round_list.html", {"rounds": rounds})


def round_results(request, pk):
    round_ = public_round_get(pk)
    return render(
        request,
        "evaluations/round_results.html",
        {"round": round_, "results": compute_results(round_), "public": True, "can_manage": False},
    )


def ballot_file(request, pk):
    round_ = closed_round_get(pk)
    response = StreamingHttpResponse(
        ballot_file_lines(round_), content_type="application/x-ndjson; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="round-{round_.pk}-ballots.jsonl"'
    return response
