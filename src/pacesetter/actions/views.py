"""Pages for required and optional actions (thin: parse, call one service or selector, render)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.campaigns import selectors as campaigns_selectors
from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.forms import form_page, pick, refusals_on, success_redirect
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for

from . import services
from .enums import Highlight
from .forms import LinkForm, MarkForm, OptionalActionForm, RejectForm, RequiredActionForm
from .rules import can_define_actions, can_link_actions, can_mark_optional, can_reject_link
from .selectors import (
    action_campaigns_for_org,
    checklist_for,
    link_get_for,
    optional_get_for,
    optional_list,
    recent_records,
    record_of_org,
    required_action_get_for,
    required_action_list,
)


def _campaign(request, org):
    raw = request.GET.get("campaign") or request.POST.get("campaign")
    if raw:
        return campaigns_selectors.campaign_get_for(request.user, raw)
    return action_campaigns_for_org(org).first()


def _checklist_url(org, campaign) -> str:
    return f"{reverse('actions:checklist', args=[org.pk])}?campaign={campaign.pk}"


def _record(org, raw, *, required: bool = True):
    if not raw and not required:
        return None
    record = record_of_org(org, raw)
    if record is None:
        raise ValidationError(_("请选择本组织的一条记实"), field="record")
    return record


def _render_checklist(request, org, campaign, *, failed=None, optional_form=None, status=200):
    """The checklist page; `failed` = (action pk, "link"|"reject", bound form) puts a refused form back in its row."""
    rows = checklist_for(campaign=campaign, org=org) if campaign else []
    for row in rows:
        row.link_form = LinkForm()
        row.reject_form = RejectForm(initial={"record": row.evidence.pk if row.evidence else ""})
        if failed and failed[0] == row.action.pk:
            setattr(row, f"{failed[1]}_form", failed[2])
    return render(
        request,
        "actions/checklist.html",
        {
            "org": org,
            "campaign": campaign,
            "campaigns": action_campaigns_for_org(org),
            "rows": rows,
            "optionals": list(optional_list(campaign=campaign, org=org)) if campaign else [],
            "optional_form": optional_form or OptionalActionForm(records=recent_records(org)),
            "mark_form": MarkForm(),
            "highlights": Highlight.choices[1:],
            "can_link": can_link_actions(request.user, org),
            "can_reject": can_reject_link(request.user, org),
            "can_mark": campaign is not None and can_mark_optional(request.user, campaign),
        },
        status=status,
    )


def checklist(request, org_id):
    """One organisation's required actions (done or not, with the evidence) and its optional actions."""
    org = org_get_for(request.user, org_id, cap=Cap.CAMPAIGN_VIEW)
    return _render_checklist(request, org, _campaign(request, org))


@require_POST
def link_create(request, org_id, pk):
    org = org_get_for(request.user, org_id, cap=Cap.RECORD_LOG)
    action = required_action_get_for(request.user, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            record = _record(org, form.cleaned_data["record"])
            services.action_link_create(actor=request.user, action=action, org=org, record=record)
            message = _("已关联佐证：%(a)s") % {"a": action.name}
            return success_redirect(request, message, _checklist_url(org, action.campaign))
    return _render_checklist(request, org, action.campaign, failed=(action.pk, "link", form), status=422)


@require_POST
def link_reject(request, org_id, pk):
    org = org_get_for(request.user, org_id, cap=Cap.CAMPAIGN_VIEW)
    action = required_action_get_for(request.user, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        with refusals_on(form):
            record = _record(org, form.cleaned_data["record"])
            services.action_link_reject(
                actor=request.user, action=action, org=org, record=record, reason=form.cleaned_data["reason"]
            )
            message = _("已驳回佐证：%(a)s") % {"a": action.name}
            return success_redirect(request, message, _checklist_url(org, action.campaign))
    return _render_checklist(request, org, action.campaign, failed=(action.pk, "reject", form), status=422)


@require_POST
def link_restore(request, pk):
    link = link_get_for(request.user, pk)
    services.action_link_restore(actor=request.user, link=link)
    return success_redirect(request, _("已恢复佐证"), _checklist_url(link.organisation, link.action.campaign))


@require_POST
def optional_create(request, org_id):
    org = org_get_for(request.user, org_id, cap=Cap.RECORD_LOG)
    campaign = _campaign(request, org)
    if campaign is None:
        raise NotFoundError()
    form = OptionalActionForm(request.POST, records=recent_records(org))
    if form.is_valid():
        with refusals_on(form):
            data = form.cleaned_data
            services.optional_action_create(
                actor=request.user,
                campaign=campaign,
                org=org,
                title=data["title"],
                description=data["description"],
                record=_record(org, data["record"], required=False),
            )
            return success_redirect(request, _("已添加自选动作"), _checklist_url(org, campaign))
    return _render_checklist(request, org, campaign, optional_form=form, status=422)


@require_POST
def optional_mark(request, pk):
    opt = optional_get_for(request.user, pk)
    form = MarkForm(request.POST)
    highlight = form.cleaned_data["highlight"] if form.is_valid() else request.POST.get("highlight", "")
    services.optional_action_mark(actor=request.user, optional=opt, highlight=highlight)
    message = _("已更新标记：%(t)s") % {"t": opt.title}
    return success_redirect(
        request, message, request.POST.get("next") or _checklist_url(opt.organisation, opt.campaign)
    )


def required_list(request, pk):
    """The office lists each step's required actions; everyone in scope sees them and the marked optional ones."""
    campaign = campaigns_selectors.campaign_get_for(request.user, pk)
    steps = list(campaign.steps.select_related("stage"))
    form = RequiredActionForm(request.POST or None, steps=steps)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            data = form.cleaned_data
            step = next(s for s in steps if str(s.pk) == data["step"])
            services.required_action_create(
                actor=request.user,
                step=step,
                **pick(data, "name", "description", "record_kind", "order"),
            )
            message = _("已添加规定动作：%(n)s") % {"n": data["name"]}
            return success_redirect(request, message, "actions:required-list", campaign.pk)
    return form_page(
        request,
        "actions/required_list.html",
        {
            "campaign": campaign,
            "actions": required_action_list(campaign),
            "form": form,
            "can_define": can_define_actions(request.user, campaign),
            "marked": list(optional_list(campaign=campaign, marked=True)[:100]),
        },
    )


@require_POST
def required_delete(request, pk):
    action = required_action_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    services.required_action_delete(actor=request.user, action=action)
    message = _("已删除规定动作：%(n)s") % {"n": action.name}
    return success_redirect(request, message, "actions:required-list", action.campaign_id)
