"""关注 pages: follow a public organisation or commitment, confirm an e-mail, unsubscribe in one click."""

from functools import partial

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pacesetter.core.errors import ApplicationError
from pacesetter.core.forms import phone_code_sent, success_redirect
from pacesetter.core.middleware import client_ip

from . import services
from .enums import Subject


def _page(request, subject_type, subject, *, values=None, code_sent_to="", status=200):
    back = ("web:public-org", subject.pk) if subject_type == Subject.ORG else ("wall:commitment", subject.pk)
    return render(
        request,
        "follows/follow.html",
        {
            "subject_type": subject_type,
            "subject": subject,
            "title": services.subject_title(subject_type, subject),
            "back": back,
            "values": values or {},
            "code_sent_to": code_sent_to,
            "follow_action": reverse(f"follows:{subject_type}", args=[subject.pk]),
            "code_action": reverse(f"follows:{subject_type}-code", args=[subject.pk]),
        },
        status=status,
    )


def _typed(request) -> dict:
    return {k: request.POST.get(k, "")[:300] for k in ("phone", "email")}


@require_http_methods(["GET", "POST"])
def follow(request, subject_type, pk):
    subject = services.subject_get(subject_type, pk)
    if request.method == "GET":
        return _page(request, subject_type, subject)
    values = _typed(request)
    try:
        if request.POST.get("via") == "email":
            services.follow_by_email(subject_type=subject_type, subject_id=pk, email=values["email"])
            text = _("确认邮件已发送，请打开邮件中的链接完成关注")
        else:
            services.follow_by_phone(
                subject_type=subject_type,
                subject_id=pk,
                phone=values["phone"],
                code=request.POST.get("code", ""),
            )
            text = _("关注成功！有新进展时我们每天最多给您发一条短信，短信中附有退订链接。")
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _page(request, subject_type, subject, values=values, status=exc.status)
    return success_redirect(request, text, f"follows:{subject_type}", pk)


@require_POST
def follow_code(request, subject_type, pk):
    subject = services.subject_get(subject_type, pk)
    values = _typed(request)
    return phone_code_sent(
        request,
        lambda: services.follow_phone_code_send(
            subject_type=subject_type, subject_id=pk, phone=values["phone"], ip=client_ip(request)
        ),
        partial(_page, request, subject_type, subject, values=values),
    )


def confirm(request):
    row = services.follow_confirm(token=request.GET.get("t", ""))
    subject = services.subject_get(row.subject_type, row.subject_id)
    return render(
        request,
        "follows/done.html",
        {
            "heading": _("关注成功"),
            "text": _("您已关注“%(t)s”。") % {"t": services.subject_title(row.subject_type, subject)},
        },
    )


@require_http_methods(["GET", "POST"])
def unsubscribe(request):
    """One click: opening the link (or a mail client's one-click POST, RFC 8058) unsubscribes."""
    services.follow_unsubscribe(token=request.GET.get("t", ""))
    return render(
        request,
        "follows/done.html",
        {"heading": _("已退订"), "text": _("您不会再收到这项关注的消息。")},
    )
