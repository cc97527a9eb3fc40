"""Pages for implementation plans (thin: parse, call one service or selector, render)."""

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.campaigns.enums import StepCapability
from pacesetter.campaigns.windows import step_window_for
from pacesetter.core.downloads import docx_download, stored_attachment, xlsx_download
from pacesetter.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from pacesetter.core.forms import button_redirect, form_error, refusals_flashed, refusals_on, success_redirect
from pacesetter.core.paging import paginate
from pacesetter.orgs.enums import Cap, Sector
from pacesetter.orgs.selectors import org_get_for, org_in_scope

from . import documents, services
from .consultations import consultation_for
from .enums import EDITABLE, PlanProgress, PlanStatus
from .forms import AttachmentForm, DecisionForm, PlanForm
from .rules import can_review_plan, can_write_plan
from .selectors import (
    attachment_get_for,
    attachment_list,
    campaign_get_for,
    org_progress_counts,
    org_progress_list,
    plan_campaign_list_for,
    plan_campaigns_for_org,
    plan_deadline_of,
    plan_for,
    plan_get_for,
    plan_history,
    plan_home_for,
    plan_last_decision,
    plan_steps,
    plan_summary_rows,
    progress_line_for,
    progress_root_for,
    review_queue_for,
    step_get_for,
)


def _edit_url(plan) -> str:
    url = f"{reverse('plans:plan-edit', args=[plan.organisation_id])}?campaign={plan.campaign_id}"
    return f"{url}&step={plan.step_id}" if plan.step_id else url


def _campaign_param(request, default_qs):
    """The campaign named by ?campaign= (checked against the user's scope), else the first of `default_qs`."""
    if request.GET.get("campaign"):
        return campaign_get_for(request.user, request.GET["campaign"])
    return default_qs.first()


def plan_home(request):
    return render(request, "plans/plan_home.html", {"rows": plan_home_for(request.user)})


def plan_edit(request, org_id):
    """My organisation's plan in one campaign: write, attach, submit, and read the history."""
    org = org_get_for(request.user, org_id, cap=Cap.PLAN_WRITE)
    campaign = _campaign_param(request, plan_campaigns_for_org(org))
    if campaign is None:
        return render(request, "plans/plan_edit.html", {"org": org, "campaign": None})
    step = step_get_for(campaign, request.GET["step"]) if request.GET.get("step") else None
    plan = plan_for(campaign=campaign, org=org, step=step)
    default_title = (
        f"{org.name}开展{campaign.name}实施方案"
        if step is None
        else f"{org.name}{campaign.name}“{step.get_kind_display()}”步骤实施方案"
    )
    form = PlanForm(
        request.POST or None,
        initial={"title": plan.title, "body": plan.body} if plan else {"title": default_title},
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            plan = services.plan_save(
                actor=request.user, campaign=campaign, org=org, step=step, **form.cleaned_data
            )
            if "submit" in request.POST:
                try:
                    version = services.plan_submit(actor=request.user, plan=plan)
                except ApplicationError as exc:
                    messages.error(request, _("已保存草稿，但未能报送：%(m)s") % {"m": exc.message})
                else:
                    messages.success(
                        request, _("已报送第 %(n)d 版，等待上级组织审核") % {"n": version.number}
                    )
            else:
                messages.success(request, _("已保存草稿"))
            return redirect(_edit_url(plan))
    return render(
        request,
        "plans/plan_edit.html",
        {
            "org": org,
            "campaign": campaign,
            "campaigns": plan_campaigns_for_org(org),
            "step": step,
            "deadline": step.plan_deadline if step else campaign.plan_deadline,
            "plan": plan,
            "form": form,
            "editable": plan is None or plan.status in EDITABLE,
            "window": None
            if step
            else step_window_for(campaign=campaign, capability=StepCapability.PLANS, org=org),
            "attachments": attachment_list(plan) if plan else [],
            "consultation": consultation_for(plan) if plan else None,
            "can_write": True,
            "attachment_form": AttachmentForm(),
            "history": plan_history(plan) if plan else [],
            "return_decision": plan_last_decision(plan)
            if plan and plan.status == PlanStatus.RETURNED
            else None,
        },
    )


def _detail_context(request, plan, decision_form=None) -> dict:
    reviewer = can_review_plan(request.user, plan)
    return {
        "plan": plan,
        "history": plan_history(plan),
        "attachments": attachment_list(plan),
        "can_write": can_write_plan(request.user, plan.organisation),
        "consultation": consultation_for(plan),
        "can_review": reviewer and plan.status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED),
        "decision_form": decision_form
        or DecisionForm(initial={"decision": "approve" if plan.status == PlanStatus.SUBMITTED else "reopen"}),
    }


def plan_detail(request, pk):
    plan = plan_get_for(request.user, pk)
    return render(request, "plans/plan_detail.html", _detail_context(request, plan))


@require_POST
def plan_submit(request, pk):
    plan = plan_get_for(request.user, pk)
    with refusals_flashed(request):
        version = services.plan_submit(actor=request.user, plan=plan)
        messages.success(request, _("已报送第 %(n)d 版，等待上级组织审核") % {"n": version.number})
    return redirect(_edit_url(plan))


@require_POST
def plan_decide(request, pk):
    plan = plan_get_for(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = services.plan_decide(actor=request.user, plan=plan, **form.cleaned_data)
        except PermissionDeniedError:
            raise  # shown as the 403 page: there is no form for this user to correct
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            message = _("已%(d)s") % {"d": decision.get_decision_display()}
            return success_redirect(request, message, "plans:plan-detail", plan.pk)
    return render(request, "plans/plan_detail.html", _detail_context(request, plan, form), status=422)


def plan_docx(request, pk):
    """The plan as Word: ?version=N for a submitted version; default the current version, or the draft."""
    plan = plan_get_for(request.user, pk)
    version = None
    if request.GET.get("version"):
        version = (
            plan.versions.filter(number=request.GET["version"]).first()
            if request.GET["version"].isdigit()
            else None
        )
        if version is None:
            raise NotFoundError()
    elif not can_write_plan(request.user, plan.organisation):
        version = plan.current_version
    content = documents.plan_docx(plan, version)
    suffix = f"-第{version.number}版" if version else ""
    return docx_download(content, f"{plan.organisation.name}实施方案{suffix}.docx")


@require_POST
def attachment_upload(request, pk):
    plan = plan_get_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    else:
        with refusals_flashed(request):
            att = services.attachment_add(actor=request.user, plan=plan, upload=form.cleaned_data["file"])
            messages.success(request, _("已上传附件“%(name)s”") % {"name": att.original_name})
    return redirect(_edit_url(plan))


def attachment_download(request, pk):
    att = attachment_get_for(request.user, pk)
    return stored_attachment(att.file, att.original_name)


@require_POST
def attachment_delete(request, pk):
    att = attachment_get_for(request.user, pk)
    remove = partial(services.attachment_remove, actor=request.user, attachment=att)
    return button_redirect(
        request, remove, _("已删除附件“%(name)s”") % {"name": att.original_name}, _edit_url(att.plan)
    )


def review_queue(request):
    campaign = (
        campaign_get_for(request.user, request.GET["campaign"]) if request.GET.get("campaign") else None
    )
    page = paginate(request, review_queue_for(request.user, campaign=campaign))
    return render(
        request,
        "plans/review_queue.html",
        {"page": page, "campaign": campaign, "campaigns": plan_campaign_list_for(request.user)},
    )


def _progress_params(request):
    campaign = _campaign_param(
        request, plan_campaign_list_for(request.user).exclude(plan_deadline__isnull=True)
    )
    if campaign is None:
        return None, None, ""
    sector = progress_line_for(request.user, request.GET.get("sector"))
    return campaign, progress_root_for(request.user, campaign, request.GET.get("org"), sector=sector), sector


def _step_param(campaign, value):
    """The step plan (阶段实施方案) a progress page is about, from ?step=; empty: the overall plan."""
    return step_get_for(campaign, value) if value else None


def overdue(request):
    """Every organisation's plan status in a subtree; overdue ones first by default once the deadline passed.

    ?step= switches from the overall plan to that step's plan, with the step's own deadline."""
    campaign, root, sector = _progress_params(request)
    if campaign is None:
        return render(request, "plans/overdue.html", {"campaign": None})
    step = _step_param(campaign, request.GET.get("step", ""))
    today = timezone.localdate()
    deadline = plan_deadline_of(campaign, step)
    past_deadline = deadline is not None and today > deadline
    progress = request.GET.get("progress", PlanProgress.OVERDUE if past_deadline else "")
    if progress not in PlanProgress.values:
        progress = ""
    page = paginate(
        request,
        org_progress_list(
            campaign=campaign, root=root, progress=progress, today=today, step=step, sector=sector
        ),
    )
    labels = dict(PlanProgress.choices)
    for o in page:
        o.progress_label = labels[o.progress]
    counts = org_progress_counts(campaign=campaign, root=root, today=today, step=step, sector=sector)
    return render(
        request,
        "plans/overdue.html",
        {
            "campaign": campaign,
            "campaigns": plan_campaign_list_for(request.user).exclude(plan_deadline__isnull=True),
            "root": root,
            "sector": sector,
            "sector_label": Sector(sector).label if sector else "",
            "step": step,
            "steps": plan_steps(campaign),
            "deadline": deadline,
            "progress": progress,
            "counts": counts,
            "progress_tabs": [(v, label, counts[v]) for v, label in PlanProgress.choices],
            "page": page,
            "past_deadline": past_deadline,
            "can_review": org_in_scope(request.user, root, Cap.PLAN_REVIEW),
            "can_remind": past_deadline and org_in_scope(request.user, root, Cap.CAMPAIGN_MANAGE),
        },
    )


def overdue_xlsx(request):
    campaign, root, sector = _progress_params(request)
    if campaign is None:
        raise NotFoundError(_("没有设置了报送截止日期的活动"))
    step = _step_param(campaign, request.GET.get("step", ""))
    progress = request.GET.get("progress", "")
    orgs = org_progress_list(
        campaign=campaign,
        root=root,
        progress=progress if progress in PlanProgress.values else "",
        step=step,
        sector=sector,
    )
    content = documents.progress_xlsx(campaign=campaign, root=root, orgs=orgs.iterator(chunk_size=2000))
    name = f"{root.name}{step}实施方案报送情况.xlsx" if step else f"{root.name}实施方案报送情况.xlsx"
    return xlsx_download(content, name)


@require_POST
def overdue_remind(request):
    campaign = campaign_get_for(request.user, request.POST.get("campaign", ""))
    root = progress_root_for(request.user, campaign, request.POST.get("org"), cap=Cap.CAMPAIGN_MANAGE)
    step = _step_param(campaign, request.POST.get("step", ""))
    with refusals_flashed(request):
        n = services.plan_remind_overdue(actor=request.user, campaign=campaign, root=root, step=step)
        if n:
            messages.success(request, _("已提醒 %(n)d 个逾期组织的书记") % {"n": n})
        else:
            messages.info(request, _("没有需要提醒的组织（今天已提醒过的不再重复提醒）"))
    url = f"{reverse('plans:overdue')}?campaign={campaign.pk}&org={root.pk}"
    return redirect(f"{url}&step={step.pk}" if step else url)


def summary_docx(request):
    campaign = _campaign_param(request, plan_campaign_list_for(request.user))
    if campaign is None:
        raise NotFoundError(_("没有进行中的活动"))
    root = progress_root_for(request.user, campaign, request.GET.get("org"), cap=Cap.PLAN_REVIEW)
    rows = plan_summary_rows(campaign=campaign, root=root)
    content = documents.summary_docx(campaign=campaign, root=root, rows=rows)
    return docx_download(content, f"{root.name}实施方案汇总.docx")
