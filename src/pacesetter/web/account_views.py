"""Audit log, API token, sign-in lockout, second-factor and background-task pages (in web: core knows no organisation scope)."""

from urllib.parse import urlencode

import django_otp
import segno
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from pacesetter.core.errors import ApplicationError
from pacesetter.core.forms import AuditFilterForm, refusals_flashed, success_redirect
from pacesetter.core.otp import confirmed_device
from pacesetter.core.paging import paginate
from pacesetter.core.selectors import (
    audit_list_for,
    task_counts_for,
    task_problem_list_for,
    task_row,
    token_list_for,
)
from pacesetter.core.services import task_retry, token_create, token_revoke
from pacesetter.orgs.accounts import lockout_lift, lockout_list_for, otp_device_confirm, otp_device_verify
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import scope_for

from . import audit_labels

AUDIT_EXPORT_MAX = 10_000


def _audit_entries(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_list_for(
        scope_for(request.user, Cap.AUDIT_VIEW).roots, **{k: v for k, v in filters.items() if v}
    )
    return form, entries


def _labelled(entry, names: dict):
    entry.action_label = audit_labels.action_label(entry.action)
    entry.change_rows = audit_labels.change_rows(entry, names)
    return entry


def audit_list(request):
    form, entries = _audit_entries(request)
    page = paginate(request, entries)
    names = audit_labels.related_names(page)  # one query per related model for the whole page
    for e in page:
        _labelled(e, names)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "web/audit_list.html", {"form": form, "page": page, "export_query": query.urlencode()}
    )


def audit_xlsx(request):
    """The filtered log as Excel (newest first, at most AUDIT_EXPORT_MAX rows), with the page's labels."""
    import io

    from django.http import HttpResponse
    from openpyxl import Workbook

    _form, entries = _audit_entries(request)
    wb = Workbook()
    ws = wb.active
    ws.title = str(_("审计日志"))
    ws.append(
        [
            str(h)
            for h in (_("时间"), _("操作人"), _("操作"), _("操作代码"), _("对象"), _("变更"), _("来源地址"))
        ]
    )
    rows = list(entries[:AUDIT_EXPORT_MAX])
    names = audit_labels.related_names(rows)
    for e in rows:
        _labelled(e, names)
        changes = "；".join(
            f"{f}：{old} → {new}" if new is not None else f"{f}：{old}" for f, old, new in e.change_rows
        )
        ws.append(
            [
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_name,
                e.action_label,
                e.action,
                e.object_repr,
                changes,
                e.ip_address or "",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename=audit.xlsx"
    return response


def token_list(request):
    new_key = None
    if request.method == "POST":
        with refusals_flashed(request):
            _token, new_key = token_create(actor=request.user, name=request.POST.get("name", ""))
    return render(
        request, "web/token_list.html", {"tokens": token_list_for(request.user), "new_key": new_key}
    )


@require_POST
def token_revoke_view(request, pk):
    token_revoke(actor=request.user, token_id=pk)
    return success_redirect(request, _("令牌已撤销"), "web:token-list")


def lockout_list(request):
    return render(request, "web/lockout_list.html", {"locks": lockout_list_for(request.user)})


@require_POST
def lockout_lift_view(request):
    lockout_lift(
        actor=request.user,
        kind=request.POST.get("kind", ""),
        username=request.POST.get("username", ""),
        ip_address=request.POST.get("ip_address", ""),
    )
    return success_redirect(request, _("已解除锁定"), "web:lockout-list")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/dashboard/"


def _otp_redirect(request, url_name: str):
    """To the other OTP page (`otp-setup`, `otp-verify`), keeping where the user was going."""
    return redirect(f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}")


def _otp_token_login(request, check) -> str | None:
    """The code posted to an OTP page, checked by `check` (`otp_device_confirm` for a new device,
    `otp_device_verify` at sign-in): None once the session is OTP-verified, else the refusal the page shows."""
    try:
        device = check(actor=request.user, token=request.POST.get("token", ""))
    except ApplicationError as exc:
        return exc.message
    django_otp.login(request, device)
    return None


def otp_setup(request):
    """Scan a QR code with an authenticator app, then confirm with the code it shows."""
    if confirmed_device(request.user) is not None and not request.user.is_verified():
        return _otp_redirect(request, "otp-verify")
    error = None
    if request.method == "POST":
        error = _otp_token_login(request, otp_device_confirm)
        if error is None:
            return success_redirect(request, _("动态验证码已启用，以后登录时需要输入"), _next_url(request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="phone", confirmed=False)
    # segno writes the SVG itself from the otpauth URL: no user text is interpolated into markup.
    qr = mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, omitsize=True))  # noqa: S308
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    context = {"qr": qr, "secret": secret, "error": error, "next": _next_url(request)}
    return render(request, "web/otp_setup.html", context)


def otp_verify(request):
    """The second step of signing in: the current code from the authenticator app."""
    if confirmed_device(request.user) is None:
        return _otp_redirect(request, "otp-setup")
    error = None
    if request.method == "POST":
        error = _otp_token_login(request, otp_device_verify)
        if error is None:
            return redirect(_next_url(request))
    return render(request, "web/otp_verify.html", {"error": error, "next": _next_url(request)})


def task_list(request):
    """Failed background tasks with their errors, and those waiting for a retry (the office's view)."""
    page = paginate(request, task_problem_list_for(request.user))
    return render(
        request,
        "web/task_list.html",
        {"page": page, "rows": [task_row(r) for r in page], "counts": task_counts_for(request.user)},
    )


@require_POST
def task_retry_view(request, pk):
    try:
        task_retry(actor=request.user, result_id=pk)
    except ApplicationError as exc:
        if exc.status != 409:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("任务已重新排队，后台进程会尽快运行它"))
    return redirect("web:task-list")
