"""Public pages (no account): the ballot opened by code, receipts, published results, the ballot file.

The receipt is published beside the ballot's answers, so nothing may tie it to the code or to the rater's
address and time. It never travels in a URL (access logs keep those): after a cast it is handed to the check
page in a short-lived signed cookie, and checking a receipt is a POST. Pages under /e/ send no
Referer at all (their address may carry a code) and ask search engines not to index them.
"""

from functools import wraps

from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from pacesetter.core.codes import LENGTH as CODE_LENGTH
from pacesetter.core.codes import code_display, code_normalise
from pacesetter.core.csrf import csrf_token_checked
from pacesetter.core.errors import ApplicationError
from pacesetter.core.middleware import client_ip

from . import services
from .documents import ballot_file_lines
from .enums import RoundStatus
from .forms import answers_from_post, ballot_rows
from .models import SUGGESTION_MAX_CHARS, BallotSheet
from .results import results_page
from .selectors import (
    ballot_form,
    public_round_get,
    public_round_list,
)

RECEIPT_COOKIE = "ballot_receipt"
RECEIPT_COOKIE_SALT = "pacesetter.evaluations.receipt"
RECEIPT_COOKIE_SECONDS = 600
# No Referer at all leaves these pages (their address may carry a code). Under it browsers send `Origin: null`
# with a form POST, even to this site: the forms here are checked by their CSRF token alone (core.csrf).
REFERRER_POLICY = "no-referrer"


def private_page(view):
    """No Referer and no search-engine index for every response the view returns, refusals included."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = REFERRER_POLICY
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _receipt_hand_over(request, response, receipt: str) -> None:
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        receipt,
        salt=RECEIPT_COOKIE_SALT,
        max_age=RECEIPT_COOKIE_SECONDS,
        path=reverse("ballots:receipt-check"),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def _receipt_handed_over(request) -> str:
    """The receipt of the ballot this browser has just cast, or "" (no cookie, expired or tampered with)."""
    return request.get_signed_cookie(
        RECEIPT_COOKIE, default="", salt=RECEIPT_COOKIE_SALT, max_age=RECEIPT_COOKIE_SECONDS
    )


@private_page
def entry(request):
    """Type a code (when the QR cannot be scanned)."""
    if request.GET.get("code"):
        code = code_normalise(request.GET["code"])
        if code:
            return redirect("ballots:ballot", code)
    return render(request, "evaluations/public/entry.html", {"error": None, "code": ""})


@private_page
@csrf_token_checked
@never_cache
def ballot(request, pk):
    """The mobile ballot: targets × questions, one submit; after casting, only the receipt is shown."""
    missing: set = set()
    try:
        code, round_ = services.ballot_open(pk, client=client_ip(request))
    except ApplicationError as exc:
        # Back in the box as typed (normalised), so a one-letter slip is fixed without retyping all 12.
        typed = code_normalise(pk)
        return render(
            request,
            "evaluations/public/entry.html",
            {
                "error": str(exc.message),
                "code": code_display(typed) if len(typed) == CODE_LENGTH else typed,
            },
            status=exc.status,
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
                suggestion=request.POST.get("suggestion", ""),
            )
        except ApplicationError as exc:
            errors, status = [str(exc.message)], exc.status
            missing = {d.get("field") for d in exc.details} | {exc.field}
        else:
            # Redirect so that no page after the cast carries the code, not even in its own URL;
            # the receipt goes in a cookie so that no URL carries it either.
            response = redirect(f"{reverse('ballots:receipt-check')}?cast=1")
            _receipt_hand_over(request, response, receipt)
            return response
    rows = ballot_rows(form, form.targets, request.POST, missing)
    # A refused sheet opens at the first target with a missing answer.
    first_part = next((i for i, r in enumerate(rows) if any(q["missing"] for q in r["questions"])), 0)
    context = {
        "round": round_,
        "rows": rows,
        "paged": len(rows) > 1,
        "first_part": first_part,
        "last_part": len(rows) - 1,
        "group": group,
        "errors": errors,
        "trial": round_.status == RoundStatus.TRIAL,
        "action": reverse("ballots:ballot", args=[pk]),
        "suggestion": request.POST.get("suggestion", ""),
        "suggestion_error": "suggestion" in missing,
        "suggestion_max": SUGGESTION_MAX_CHARS,
    }
    return render(request, "evaluations/public/ballot.html", context, status=status)


@private_page
@csrf_token_checked
@never_cache
def receipt_check(request):
    """Anyone enters a receipt: is it counted? Also explains how to recompute totals from the ballot file.

    Right after a cast (`?cast=1`) the receipt comes from the hand-over cookie, shown once and then dropped.
    """
    from_cast = request.method == "GET" and bool(request.GET.get("cast"))
    if from_cast:
        receipt = _receipt_handed_over(request)
    else:
        receipt = (request.POST if request.method == "POST" else request.GET).get("receipt") or ""
    receipt = receipt.strip().lower()
    sheet, checked = None, False
    if receipt:
        checked = True
        if len(receipt) == 64:
            sheet = (
                BallotSheet.objects.select_related("round", "round__organisation")
                .filter(receipt=receipt)
                .first()
            )
    response = render(
        request,
        "evaluations/public/receipt_check.html",
        {
            "receipt": receipt,
            "sheet": sheet,
            "checked": checked,
            "round": sheet.round if sheet else None,
            "just_cast": bool(sheet and from_cast),
        },
    )
    if RECEIPT_COOKIE in request.COOKIES:
        response.delete_cookie(RECEIPT_COOKIE, path=reverse("ballots:receipt-check"), samesite="Lax")
    return response


@private_page
def round_list(request):
    rounds = list(public_round_list().order_by("-closed_at", "-id")[:50])
    return render(request, "evaluations/public/round_list.html", {"rounds": rounds})


@private_page
def round_results(request, pk):
    round_ = public_round_get(pk)
    return render(
        request,
        "evaluations/public/round_results.html",
        {
            "round": round_,
            **results_page(round_),
            "public": True,
            "can_manage": False,
        },
    )


@private_page
def ballot_file(request, pk):
    round_ = public_round_get(pk)  # the file gives back every figure: public once the results are
    response = StreamingHttpResponse(
        ballot_file_lines(round_), content_type="application/x-ndjson; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="round-{round_.pk}-ballots.jsonl"'
    return response
