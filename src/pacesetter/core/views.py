"""Audit log, API token and sign-in lockout pages."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import ApplicationError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import scope_paths

from .forms import AuditFilterForm
from .paging import paginate
from .selectors import audit_list_for, lockout_list_for, token_list_for
from .services import lockout_lift, token_create, token_revoke


def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_list_for(
        scope_paths(request.user, Cap.AUDIT_VIEW), **{k: v for k, v in filters.items() if v}
    )
    return render(request, "core/audit_list.html", {"form": form, "page": paginate(request, entries)})


def token_list(request):
    new_key = None
    if request.method == "POST":
        try:
            _token, new_key = token_create(actor=request.user, name=request.POST.get("name", ""))
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return render(
        request, "core/token_list.html", {"tokens": token_list_for(request.user), "new_key": new_key}
    )


@require_POST
def token_revoke_view(request, pk):
    token_revoke(actor=request.user, token_id=pk)
    messages.success(request, _("令牌已撤销"))
    return redirect("core:token-list")


def lockout_list(request):
    return render(request, "core/lockout_list.html", {"locks": lockout_list_for(request.user)})


@require_POST
def lockout_lift_view(request):
    lockout_lift(
        actor=request.user,
        kind=request.POST.get("kind", ""),
        username=request.POST.get("username", ""),
        ip_address=request.POST.get("ip_address", ""),
    )
    messages.success(request, _("已解除锁定"))
    return redirect("core:lockout-list")
