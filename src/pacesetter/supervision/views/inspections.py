"""Pages for leader reviews (领导点评) and supervision (督促检查): inspections."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.downloads import xlsx_download
from pacesetter.core.errors import StateError
from pacesetter.core.forms import pick, refusals_on, success_redirect
from pacesetter.core.paging import paginate
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for, org_resolve_for

from .. import documents, draws, services
from ..enums import (
    InspectionStatus,
)
from ..forms import (
    CancelInspectionForm,
    DrawForm,
    FileInspectionForm,
    FindingForm,
    InspectionFilter,
    InspectionForm,
    RectificationForm,
    TeamForm,
)
from ..rules import (
    can_cancel_inspection,
    can_file_inspection,
    can_supervise,
    is_office_over,
)
from ..selectors import (
    draw_get_public,
    draw_list_for,
    draw_parameters,
    finding_get_for,
    inspection_get_for,
    inspection_list_for,
    low_case_get_for,
    manage_roots_for,
    team_get_for,
    team_list_for,
)
from ._common import _filters, _name, _org_filter, _root_and_campaign, _root_campaign_form, _wants_xlsx

# ---------------------------------------------------------------- teams and inspections


def team_list(request):
    qs = team_list_for(request.user).order_by("-created_at", "-id")
    if _wants_xlsx(request):
        content = documents.rows_xlsx(
            _("督查小组"),
            [_("小组"), _("组建单位"), _("成员")],
            ([t.name, t.organisation.name, "、".join(_name(m) for m in t.members.all())] for t in qs),
        )
        return xlsx_download(content, "督查小组.xlsx")
    return render(request, "supervision/team_list.html", {"page": paginate(request, qs)})


def team_create(request):
    roots = manage_roots_for(request.user)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = org_get_for(
            request.user, request.POST.get("root") or (roots[0].pk if roots else 0), cap=Cap.CAMPAIGN_MANAGE
        )
        with refusals_on(form):
            services.team_create(actor=request.user, org=org, **form.cleaned_data)
            return success_redirect(request, _("已组建督查小组"), "supervision:team-list")
    return render(request, "supervision/team_form.html", {"form": form, "roots": roots})


def inspection_list(request):
    form = InspectionFilter(request.GET or None)
    data = _filters(form)
    qs = inspection_list_for(
        request.user, org=_org_filter(request), method=data.get("method", ""), status=data.get("status", "")
    )
    if _wants_xlsx(request):
        content = documents.rows_xlsx(
            _("督查"),
            [_("被检查组织"), _("方式"), _("督查内容"), _("督查小组"), _("计划日期"), _("状态")],
            (
                [
                    i.organisation.name,
                    i.get_method_display(),
                    i.subject,
                    i.team.name if i.team else "",
                    i.planned_on,
                    i.get_status_display(),
                ]
                for i in qs.iterator()
            ),
        )
        return xlsx_download(content, "督查.xlsx")
    return render(request, "supervision/inspection_list.html", {"page": paginate(request, qs), "form": form})


def inspection_create(request):
    teams = list(team_list_for(request.user))
    initial = {
        "organisation": request.GET.get("org", ""),
        "organisation_name": request.GET.get("org_name", ""),
        "method": request.GET.get("method", ""),
    }
    form = InspectionForm(request.POST or None, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form):
            # An organisation picked by id (e.g. from a draw's 安排抽查) is unambiguous even when several
            # share its name; typed text is resolved by name or "上级名称/名称".
            picked = (
                org_get_for(request.user, d["organisation"], cap=Cap.CAMPAIGN_MANAGE)
                if d["organisation"]
                else None
            )
            typed = d["organisation_name"].replace("／", "/").split("/")[-1].strip()
            org = (
                picked
                if picked is not None and picked.name == typed
                else org_resolve_for(request.user, d["organisation_name"], cap=Cap.CAMPAIGN_MANAGE)
            )
            team = team_get_for(request.user, d["team"]) if d["team"] else None
            draw = draw_get_public(request.POST["draw"]) if request.POST.get("draw") else None
            inspection = services.inspection_plan(
                actor=request.user,
                org=org,
                **pick(d, "method", "planned_on", "subject"),
                team=team,
                draw=draw,
            )
            return success_redirect(request, _("已安排督查"), "supervision:inspection-detail", inspection.pk)
    return render(
        request, "supervision/inspection_form.html", {"form": form, "draw": request.GET.get("draw", "")}
    )


def _inspection_page(request, inspection, *, status=200, **forms):
    """The inspection's page; after a refused post (422) with that form (``file_form=…``) and its errors."""
    context = {
        "inspection": inspection,
        "findings": list(inspection.findings.prefetch_related("rectifications")),
        "can_file": can_file_inspection(request.user, inspection),
        "can_cancel": can_cancel_inspection(request.user, inspection),
        "can_supervise": can_supervise(request.user, inspection.organisation),
        "filed": inspection.status == InspectionStatus.FILED,
        "file_form": forms.get("file_form") or FileInspectionForm(),
        "finding_form": forms.get("finding_form") or FindingForm(),
        "cancel_form": forms.get("cancel_form") or CancelInspectionForm(),
        "rectify_form": RectificationForm(),
    }
    return render(request, "supervision/inspection_detail.html", context, status=status)


def inspection_detail(request, pk):
    inspection = inspection_get_for(request.user, pk)
    return _inspection_page(request, inspection)


@require_POST
def inspection_file(request, pk):
    inspection = inspection_get_for(request.user, pk)
    form = FileInspectionForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            services.inspection_file(
                actor=request.user,
                inspection=inspection,
                record=form.cleaned_data["record"],
                findings=form.cleaned_data["findings"].splitlines(),
            )
            message = _("已形成督查记录")
            return success_redirect(request, message, "supervision:inspection-detail", inspection.pk)
    return _inspection_page(request, inspection, status=422, file_form=form)


@require_POST
def inspection_cancel(request, pk):
    inspection = inspection_get_for(request.user, pk)
    form = CancelInspectionForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            try:
                services.inspection_cancel(
                    actor=request.user, inspection=inspection, reason=form.cleaned_data["reason"]
                )
            except StateError as exc:  # already filed or cancelled: the form is no longer shown
                messages.error(request, exc.message)
                return redirect("supervision:inspection-detail", inspection.pk)
            return success_redirect(request, _("已取消督查"), "supervision:inspection-detail", inspection.pk)
    return _inspection_page(request, inspection, status=422, cancel_form=form)


@require_POST
def finding_add(request, pk):
    inspection = inspection_get_for(request.user, pk)
    form = FindingForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            services.finding_add(actor=request.user, inspection=inspection, **form.cleaned_data)
            return redirect("supervision:inspection-detail", inspection.pk)
    return _inspection_page(request, inspection, status=422, finding_form=form)


def _rectify_from(request, *, template_ctx: dict, **origin):
    form = RectificationForm(request.POST or None, initial=template_ctx.get("initial"))
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            order = services.rectification_issue(actor=request.user, **origin, **form.cleaned_data)
            message = _("已下达整改通知，整改期限 %(d)s") % {"d": order.deadline}
            return success_redirect(request, message, "supervision:rectification-detail", order.pk)
    return render(request, "supervision/rectification_form.html", {**template_ctx, "form": form})


def finding_rectify(request, pk):
    finding = finding_get_for(request.user, pk)
    ctx = {
        "origin": finding.inspection,
        "org": finding.inspection.organisation,
        "initial": {"problem": finding.description},
    }
    return _rectify_from(request, template_ctx=ctx, finding=finding)


def case_rectify(request, pk):
    case = low_case_get_for(request.user, pk)
    ctx = {
        "origin": case.round,
        "org": case.organisation,
        "initial": {"problem": _("群众评议满意度为 %(s)s%%，低于要求") % {"s": case.satisfaction}},
    }
    return _rectify_from(request, template_ctx=ctx, low_case=case)


# ---------------------------------------------------------------- draws


def draw_list(request):
    qs = draw_list_for(request.user)
    if _wants_xlsx(request):
        content = documents.rows_xlsx(
            _("随机抽查"),
            [_("名称"), _("范围"), _("抽取数量"), _("种子"), _("候选名单摘要"), _("抽中组织编号"), _("时间")],
            (
                [
                    d.title,
                    d.organisation.name,
                    d.n,
                    d.seed,
                    d.candidate_digest,
                    ",".join(map(str, d.chosen_ids)),
                    d.created_at,
                ]
                for d in qs
            ),
        )
        return xlsx_download(content, "随机抽查.xlsx")
    return render(request, "supervision/draw_list.html", {"page": paginate(request, qs)})


def draw_create(request):
    form = _root_campaign_form(request, DrawForm)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refusals_on(form):
            root, campaign = _root_and_campaign(request, d)
            draw = services.draw_create(
                actor=request.user,
                root=root,
                **pick(d, "n", "title", "sector", "org_type", "flags"),
                campaign=campaign,
                public_value=d["public_value"],
            )
            return redirect("supervision:draw-public", draw.pk)
    return render(request, "supervision/draw_form.html", {"form": form})


def draw_public(request, pk):
    draw = draw_get_public(pk)
    chosen = set(draw.chosen_ids)
    names = {c[0]: c for c in draw.candidates}
    return render(
        request,
        "supervision/draw_public.html",
        {
            "draw": draw,
            "chosen": [names[i] for i in draw.chosen_ids if i in names],
            "candidates": [(c, c[0] in chosen) for c in draw.candidates],
            "snippet": draws.verify_snippet(
                seed=draw.seed,
                candidate_ids=draw.candidate_ids,
                n=draw.n,
                digest=draw.candidate_digest,
                chosen=draw.chosen_ids,
            ),
            "parameters": draw_parameters(draw),
            "can_plan": request.user.is_authenticated and is_office_over(request.user, draw.organisation),
        },
    )
