"""The public page of a draft plan open for comment (征求意见稿): phone-first, no sign-in; what the
notice-board QR code opens. After the plan is approved it shows the 采纳情况 and the public comments."""

from functools import partial

from django.contrib import messages
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter import onecount
from pacesetter.core.errors import ApplicationError
from pacesetter.core.forms import phone_code_sent, success_redirect
from pacesetter.core.middleware import client_ip
from pacesetter.core.pii import mask_phone

from . import consultations
from .enums import PlanStatus
from .forms import CommentForm

CONSULT_SESSION = "onecount_consult"  # {"key": phone key, "masked": "138****5678"} confirmed here


def _confirmed(request) -> dict:
    value = request.session.get(CONSULT_SESSION)
    return value if isinstance(value, dict) and value.get("key") else {}


def _typed(request) -> dict:
    return {k: request.POST.get(k, "")[:1000] for k in ("body", "phone", "slip")}


def _page(request, c, *, values=None, code_sent_to="", status=200):
    confirmed = _confirmed(request)
    key = f"user:{request.user.pk}" if request.user.is_authenticated else confirmed.get("key", "")
    already = bool(key) and onecount.has_counted(subject=consultations.comment_subject(c), person_key=key)
    plan = c.plan
    approved = plan.status == PlanStatus.APPROVED and plan.current_version is not None
    return render(
        request,
        "plans/public/consultation.html",
        {
            "c": c,
            "plan": plan,
            "approved_version": plan.current_version if approved else None,
            "is_open": c.is_open_on(timezone.localdate()),
            "comments": consultations.public_comments(c),
            "counts": consultations.consultation_counts(c),
            "form": CommentForm(),
            "already": already,
            "confirmed": confirmed.get("masked", ""),
            "values": values or {},
            "code_sent_to": code_sent_to,
        },
        status=status,
    )


def consultation(request, pk):
    return _page(request, consultations.public_consultation_get(pk))


@require_POST
def comment_code(request, pk):
    """获取验证码 for the comment form, then show the form again."""
    c = consultations.public_consultation_get(pk)
    values = _typed(request)
    return phone_code_sent(
        request,
        lambda: consultations.comment_phone_code_send(
            consultation=c, phone=values["phone"], ip=client_ip(request)
        ),
        partial(_page, request, c, values=values),
    )


@require_POST
def comment(request, pk):
    c = consultations.public_consultation_get(pk)
    values = _typed(request)
    confirmed = _confirmed(request)
    try:
        row = consultations.comment_submit(
            consultation=c,
            body=request.POST.get("body", ""),
            ip=client_ip(request),
            user=request.user,
            phone=request.POST.get("phone", ""),
            code=request.POST.get("code", ""),
            slip=request.POST.get("slip", ""),
            person_key=confirmed.get("key", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _page(request, c, values=values, status=exc.status)
    if row.person_key:
        phone = request.POST.get("phone", "")
        request.session[CONSULT_SESSION] = {
            "key": row.person_key,
            "masked": mask_phone(onecount.normalise_phone(phone)) if phone else confirmed.get("masked", ""),
        }
    return success_redirect(
        request, _("感谢您的意见！经审核后公开，起草单位将答复采纳情况。"), "consult:consultation", c.pk
    )
