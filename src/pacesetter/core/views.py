"""Audit log, API token and background-task pages."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import ApplicationError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import scope_paths

from .forms import AuditFilterForm
from .paging import paginate
from .selectors import audit_list_for, task_counts_for, task_problem_list_for, task_row, token_list_for
from .services import task_retry, token_create, token_revoke


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


def task_list(request):
    """Failed background tasks with their errors, and those waiting for a retry (the office's view)."""
    page = paginate(request, task_problem_list_for(request.user))
    return render(
        request,
        "core/task_list.html",
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
    return redirect("core:task-list")
