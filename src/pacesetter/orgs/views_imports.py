"""Pages for Excel import (upload, preview, progress, confirm, roll back) and export of orgs and members."""

import io
from functools import partial

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import ApplicationError, NotFoundError
from pacesetter.core.forms import button_redirect, form_error, refusals_flashed

from . import imports
from .enums import Cap
from .forms import ImportUploadForm
from .models import ImportKind, ImportStatus, Organisation
from .selectors import import_batch_get_for, org_get_for, scope_for


def _list_page(request, form):
    return render(
        request,
        "orgs/import_list.html",
        {
            "form": form,
            "batches": imports.import_batch_recent_for(request.user),
            "roots": list(
                Organisation.objects.filter(path__in=scope_for(request.user, Cap.IMPORT_RUN).roots)
            ),
            "can_export_pii": bool(scope_for(request.user, Cap.PERSON_PII).roots),
        },
    )


def import_list(request):
    return _list_page(request, ImportUploadForm())


def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        scope = (
            org_get_for(request.user, request.POST["org"], cap=Cap.IMPORT_RUN)
            if request.POST.get("org")
            else None
        )
        upload = form.cleaned_data["file"]
        try:
            batch = imports.import_batch_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                content=upload.read(),
                scope=scope,
            )
        except ApplicationError as exc:
            exc.field = "file" if exc.field not in form.fields else exc.field
            form_error(form, exc)
        else:
            return redirect("orgs:import-detail", batch.pk)
    return _list_page(request, form)


def import_detail(request, pk):
    batch = import_batch_get_for(request.user, pk)
    if request.GET.get("format") == "xlsx":
        return FileResponse(
            io.BytesIO(imports.import_errors_xlsx(batch)),
            as_attachment=True,
            filename=_("错误报告-%(name)s") % {"name": batch.filename},
            content_type=imports.XLSX_CONTENT_TYPE,
        )
    return render(
        request,
        "orgs/import_detail.html",
        {
            "batch": batch,
            "report": imports.import_report(batch),
            "can_rollback": imports.import_batch_can_rollback(batch),
        },
    )


def import_progress(request, pk):
    batch = import_batch_get_for(request.user, pk)
    if batch.status != ImportStatus.PENDING:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("orgs:import-detail", args=[batch.pk])
        return response
    return render(request, "orgs/import_progress.html", {"batch": batch})


@require_POST
def import_confirm(request, pk):
    batch = import_batch_get_for(request.user, pk)
    with refusals_flashed(request):
        batch = imports.import_batch_confirm(actor=request.user, batch=batch)
        report = batch.report
        messages.success(
            request,
            _("已导入：新增 %(c)s 条，更新 %(u)s 条，未变 %(n)s 条")
            % {"c": report["create"], "u": report["update"], "n": report["unchanged"]},
        )
    return redirect("orgs:import-detail", batch.pk)


@require_POST
def import_rollback(request, pk):
    batch = import_batch_get_for(request.user, pk)
    rollback = partial(imports.import_batch_rollback, actor=request.user, batch=batch)
    return button_redirect(request, rollback, _("已撤销本批导入"), "orgs:import-detail", batch.pk)


def import_template(request, kind):
    if kind not in ImportKind.values:
        raise NotFoundError()
    return FileResponse(
        io.BytesIO(imports.import_template_xlsx(kind)),
        as_attachment=True,
        filename=_("%(kind)s导入模板.xlsx") % {"kind": ImportKind(kind).label},
        content_type=imports.XLSX_CONTENT_TYPE,
    )


def export(request, kind):
    if kind not in ImportKind.values:
        raise NotFoundError()
    org = (
        org_get_for(request.user, request.GET["org"], cap=Cap.IMPORT_RUN) if request.GET.get("org") else None
    )
    if kind == ImportKind.MEMBERS:
        # masked by default; ?pii=1 puts 身份证号 in clear where the user holds person.pii (audited)
        content = imports.export_members_xlsx(
            user=request.user, org=org, reveal=request.GET.get("pii") == "1"
        )
    else:
        content = imports.export_orgs_xlsx(user=request.user, org=org)
    return FileResponse(
        content,
        as_attachment=True,
        filename=imports.export_filename(kind, org.name if org else _("全部")),
        content_type=imports.XLSX_CONTENT_TYPE,
    )
