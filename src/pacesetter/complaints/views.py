"""Organisation-side pages for cases: inbox, office triage queue, case detail with the actions the caller
may take now (from the policy and the transition table), statistics with an Excel export."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.downloads import stored_file, xlsx_download
from pacesetter.core.errors import ApplicationError, NotFoundError, ValidationError
from pacesetter.core.paging import paginate
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import SEGMENT, Organisation
from pacesetter.orgs.selectors import org_get_for, scope_for, subtree_q

from . import exporters, selectors, services
from .enums import CaseAction, Party
from .forms import (
    CategoryForm,
    ConclusionForm,
    InboxFilterForm,
    NoteForm,
    OrgPickForm,
    PublishForm,
    ReasonForm,
    RectifyForm,
    ReplyForm,
    StatsForm,
    TransferForm,
    VerifyForm,
)
from .models import CaseAttachment
from .rules import can_see_reporter, parties_for

PER_PAGE = 30
ORG_CHOICES_MAX = 500

ACTION_FORMS = {
    CaseAction.ASSIGN: OrgPickForm,
    CaseAction.ACKNOWLEDGE: None,
    CaseAction.TRANSFER: TransferForm,
    CaseAction.VERIFY: VerifyForm,
    CaseAction.REPLY: ReplyForm,
    CaseAction.CLOSE: None,
    CaseAction.DECLINE: ReasonForm,
    CaseAction.REVIEW_CONCLUDE: ConclusionForm,
}
OFFICE_FORMS = {"recategorise": CategoryForm, "publish": PublishForm, "note": NoteForm}


def _org_choices(case):
    root = case.path[:SEGMENT]
    return list(
        Organisation.objects.filter(subtree_q(root), is_active=True)
        .exclude(pk=case.owner_id or 0)
        .order_by("path")
        .values_list("pk", "name")[:ORG_CHOICES_MAX]
    )


def case_list(request):
    form = InboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.case_list_for(
        request.user, status=data.get("status", ""), overdue=data.get("overdue", False)
    )
    page = paginate(request, qs, PER_PAGE)
    return render(
        request,
        "complaints/case_list.html",
        {"page": page, "form": form, "status": data.get("status", ""), "overdue": data.get("overdue", False)},
    )


def triage_queue(request):
    page = paginate(request, selectors.triage_queue_for(request.user), PER_PAGE)
    return render(request, "complaints/triage_queue.html", {"page": page})


def _detail_context(request, case, forms=None):
    forms = forms or {}
    actions = services.allowed_actions(request.user, case)
    parties = parties_for(request.user, case)
    org_choices = _org_choices(case) if {CaseAction.ASSIGN, CaseAction.TRANSFER} & set(actions) else []
    action_forms = []
    for a in actions:
        form_class = ACTION_FORMS.get(a)
        form = forms.get(a) or (form_class() if form_class else None)
        action_forms.append((a, CaseAction(a).label, form))
    office = {}
    if Party.OFFICE in parties:
        if case.is_open:
            office["recategorise"] = forms.get("recategorise") or CategoryForm(
                initial={"category": case.category_id}
            )
        else:
            office["publish"] = forms.get("publish") or PublishForm()
        if case.is_overdue:
            office["note"] = forms.get("note") or NoteForm()
    can_rectify = (
        case.finding in ("true", "partly")
        and request.user.is_authenticated
        and any(case.path.startswith(p) for p in scope_for(request.user, Cap.SUPERVISION_MANAGE).roots)
    )
    return {
        "case": case,
        "events": list(case.events.select_related("organisation", "organisation__parent")),
        "verifications": list(case.verifications.all()),
        "attachments": list(case.attachments.all()),
        "notes": list(case.accountability_notes.all()),
        "rectifications": list(case.rectifications.all()),
        "action_forms": action_forms,
        "office_forms": office,
        "rectify_form": (forms.get("rectify") or RectifyForm()) if can_rectify else None,
        "org_choices": org_choices,
        "show_reporter": can_see_reporter(request.user, case),
    }


def case_detail(request, pk):
    case = selectors.case_get_for(request.user, pk)
    return render(request, "complaints/case_detail.html", _detail_context(request, case))


def _org(pk_text) -> Organisation:
    org = Organisation.objects.filter(pk=pk_text).first() if str(pk_text or "").isdigit() else None
    if org is None:
        raise ValidationError(_("请选择党组织"), field="organisation")
    return org


@require_POST
def case_act(request, pk):
    action = request.POST.get("action", "")
    case = selectors.case_get_for(request.user, pk)
    form_class = (
        ACTION_FORMS.get(action) or OFFICE_FORMS.get(action) or (RectifyForm if action == "rectify" else None)
    )
    if action not in ACTION_FORMS and action not in OFFICE_FORMS and action != "rectify":
        raise NotFoundError()
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, _("请检查填写的内容"))
        return render(
            request, "complaints/case_detail.html", _detail_context(request, case, {action: form}), status=422
        )
    data = form.cleaned_data if form is not None else {}
    u = request.user
    try:
        if action == CaseAction.ASSIGN:
            services.case_assign(actor=u, case=case, organisation=_org(data["organisation"]))
        elif action == CaseAction.ACKNOWLEDGE:
            services.case_acknowledge(actor=u, case=case)
        elif action == CaseAction.TRANSFER:
            services.case_transfer(
                actor=u, case=case, organisation=_org(data["organisation"]), reason=data["reason"]
            )
        elif action == CaseAction.VERIFY:
            services.case_verify(actor=u, case=case, **data)
        elif action == CaseAction.REPLY:
            services.case_reply(actor=u, case=case, reply=data["reply"])
        elif action == CaseAction.CLOSE:
            services.case_close(actor=u, case=case)
        elif action == CaseAction.DECLINE:
            services.case_decline(actor=u, case=case, reason=data["reason"])
        elif action == CaseAction.REVIEW_CONCLUDE:
            services.case_review_conclude(actor=u, case=case, conclusion=data["conclusion"])
        elif action == "recategorise":
            services.case_recategorise(actor=u, case=case, category=data["category"])
        elif action == "publish":
            services.case_publish(actor=u, case=case, summary=data["summary"], reply=data["reply"])
        elif action == "note":
            services.accountability_note_add(actor=u, case=case, deadline=data["deadline"], note=data["note"])
        else:
            services.case_rectify(actor=u, case=case, **data)
    except ApplicationError as exc:
        if form is not None:
            from pacesetter.core.forms import form_error

            form_error(form, exc)
        messages.error(request, exc.message)
        case = selectors.case_get_for(request.user, pk) if _still_visible(request.user, pk) else None
        if case is None:
            return redirect("complaints:case-list")
        return render(
            request,
            "complaints/case_detail.html",
            _detail_context(request, case, {action: form}),
            status=exc.status,
        )
    messages.success(request, _("已完成：%(a)s") % {"a": _label(action)})
    if not _still_visible(request.user, pk):
        return redirect("complaints:case-list")
    return redirect("complaints:case-detail", pk)


def _label(action: str) -> str:
    if action in CaseAction.values:
        return str(CaseAction(action).label)
    return {
        "recategorise": _("调整类别"),
        "publish": _("公开"),
        "note": _("责任追究"),
        "rectify": _("下达整改通知"),
    }[action]


def _still_visible(user, pk) -> bool:
    try:
        selectors.case_get_for(user, pk)
    except NotFoundError:
        return False
    return True


def attachment(request, pk):
    a = CaseAttachment.objects.select_related("case").filter(pk=pk).first()
    if a is None:
        raise NotFoundError()
    selectors.case_get_for(request.user, a.case_id)
    return stored_file(a.file, a.content_type, disposition="attachment")


def _stats_args(request):
    form = StatsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    month = data.get("month") or timezone.localdate().replace(day=1)
    roots = scope_for(request.user, Cap.CASE_VIEW).roots
    if data.get("org"):
        org = org_get_for(request.user, data["org"], cap=Cap.CASE_VIEW)
    elif roots:
        org = Organisation.objects.get(path=roots[0])
    else:
        raise NotFoundError()
    return form, org, month


def stats(request):
    form, org, month = _stats_args(request)
    total, rows = selectors.monthly_stats(org, month)
    prev = (month.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    nxt = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "complaints/stats.html",
        {"org": org, "month": month, "total": total, "rows": rows, "prev": prev, "next": nxt, "form": form},
    )


def stats_xlsx(request):

    _form, org, month = _stats_args(request)
    org = Organisation.objects.select_related("parent").get(pk=org.pk)  # its label names the parent
    total, rows = selectors.monthly_stats(org, month)
    return xlsx_download(
        exporters.stats_xlsx(org, month, total, rows), f"{org.name}群众反映统计{month:%Y-%m}.xlsx"
    )
