"""Pages for campaigns: set-up by the office, windows per step, criteria, and each organisation's campaign
page (theme, carriers, leading group, pairings, liaison leaders). Thin: parse, call, render."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import ApplicationError
from pacesetter.core.forms import form_page, refusals_flashed, refusals_on, success_redirect
from pacesetter.core.paging import paginate
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_in_scope, org_resolve_for, scope_for

from . import selectors, services
from .criteria_seed import PRESETS
from .enums import CAMPAIGN_TRANSITIONS, DEFAULT_THEMES, CampaignStatus, PairingKind
from .forms import (
    CampaignEditForm,
    CampaignForm,
    CriteriaItemFormSet,
    CriteriaSetForm,
    ExtensionForm,
    GroupMemberFormSet,
    MemberRequirementsForm,
    MilestoneForm,
    PairingForm,
    PairingNoteForm,
    StageForm,
    StepForm,
    ThemeForm,
    TransitionForm,
    split_list,
)
from .windows import windows_for


def _formset_error(formset, exc: ApplicationError) -> None:
    formset._non_form_errors = formset.error_class([str(exc.message)])


# ---------------------------------------------------------------- campaigns


def campaign_list(request):
    status = request.GET.get("status", "")
    page = paginate(request, selectors.campaign_list_for(request.user, status=status or None), per_page=30)
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "page": page,
            "status": status,
            "statuses": CampaignStatus.choices,
            "can_create": bool(scope_for(request.user, Cap.CAMPAIGN_MANAGE).roots),
        },
    )


def campaign_create(request):
    root = selectors.manage_root_for(request.user)
    form = CampaignForm(request.POST or None, initial={"organisation": root.name if root else ""})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        with refusals_on(form, permission_too=True):
            organisation = org_resolve_for(request.user, data.pop("organisation"), cap=Cap.CAMPAIGN_MANAGE)
            campaign = services.campaign_create(actor=request.user, organisation=organisation, **data)
            message = _("已新建活动“%(name)s”，请添加阶段和步骤") % {"name": campaign.name}
            return success_redirect(request, message, "campaigns:campaign-detail", campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "title": _("新建活动")})


def campaign_edit(request, pk):
    campaign = selectors.campaign_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    initial = {f: getattr(campaign, f) for f in CampaignEditForm.base_fields if f != "organisation"}
    form = CampaignEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
            return success_redirect(request, _("已保存"), "campaigns:campaign-detail", campaign.pk)
    return render(
        request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign, "title": _("修改活动")}
    )


@require_POST
def campaign_transition(request, pk):
    campaign = selectors.campaign_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择要变更的状态"))
        return redirect("campaigns:campaign-detail", campaign.pk)
    with refusals_flashed(request):
        campaign = services.campaign_transition(actor=request.user, campaign=campaign, **form.cleaned_data)
        messages.success(request, _("活动状态已改为“%(s)s”") % {"s": campaign.get_status_display()})
    return redirect("campaigns:campaign-detail", campaign.pk)


def campaign_detail(request, pk):
    campaign = selectors.campaign_get_for(request.user, pk)
    if request.GET.get("org"):
        with refusals_flashed(request):
            org = org_resolve_for(request.user, request.GET["org"], cap=Cap.CAMPAIGN_VIEW)
            org = selectors.campaign_org_get_for(request.user, campaign, org.pk)
            return redirect("campaigns:campaign-org", campaign.pk, org.pk)
    home = selectors.home_org_for(request.user, campaign)
    can_manage = selectors.can_manage_campaign(request.user, campaign)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "home": home,
            "stages": selectors.campaign_stages(campaign, org=home),
            "can_manage": can_manage,
            "transitions": [
                (s, CampaignStatus(s).label) for s in sorted(CAMPAIGN_TRANSITIONS.get(campaign.status, ()))
            ],
            "now": timezone.now(),
        },
    )


# ---------------------------------------------------------------- stages, milestones, steps


def _simple_form(request, form, campaign, title: str, **more):
    """The campaign's one-form page (`campaigns/simple_form.html`): a stage, a milestone, a step's times, a theme…;
    `more` adds a hint or the organisation it is for."""
    return render(
        request, "campaigns/simple_form.html", {"form": form, "campaign": campaign, "title": title, **more}
    )


def stage_create(request, pk):
    campaign = selectors.campaign_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    form = StageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            services.stage_create(actor=request.user, campaign=campaign, **form.cleaned_data)
            return success_redirect(request, _("已添加阶段"), "campaigns:campaign-detail", campaign.pk)
    return _simple_form(request, form, campaign, _("添加阶段"))


def stage_edit(request, pk):
    stage = selectors.stage_get_for(request.user, pk)
    form = StageForm(
        request.POST or None,
        initial={"name": stage.name, "starts_on": stage.starts_on, "ends_on": stage.ends_on},
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            services.stage_update(actor=request.user, stage=stage, **form.cleaned_data)
            return success_redirect(request, _("已保存"), "campaigns:campaign-detail", stage.campaign_id)
    return _simple_form(request, form, stage.campaign, _("修改阶段：%(s)s") % {"s": stage.name})


@require_POST
def stage_layout(request, pk):
    stage = selectors.stage_get_for(request.user, pk)
    with refusals_flashed(request):
        steps = services.steps_lay_out_defaults(actor=request.user, stage=stage)
        messages.success(
            request, _("已为“%(s)s”排布 %(n)d 个步骤，可逐个修改时间") % {"s": stage.name, "n": len(steps)}
        )
    return redirect("campaigns:campaign-detail", stage.campaign_id)


def milestone_create(request, pk):
    stage = selectors.stage_get_for(request.user, pk)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            services.milestone_create(actor=request.user, stage=stage, **form.cleaned_data)
            return success_redirect(request, _("已添加节点"), "campaigns:campaign-detail", stage.campaign_id)
    return _simple_form(request, form, stage.campaign, _("添加节点：%(s)s") % {"s": stage.name})


@require_POST
def milestone_delete(request, pk):
    milestone = selectors.milestone_get_for(request.user, pk)
    campaign_id = milestone.stage.campaign_id
    with refusals_flashed(request):
        services.milestone_delete(actor=request.user, milestone=milestone)
        messages.success(request, _("已删除节点"))
    return redirect("campaigns:campaign-detail", campaign_id)


def step_edit(request, pk):
    step = selectors.step_get_for(request.user, pk)
    form = StepForm(
        request.POST or None,
        initial={
            "opens_at": timezone.localtime(step.opens_at),
            "closes_at": timezone.localtime(step.closes_at),
            "capabilities": step.capabilities,
            "plan_required": step.plan_required,
            "plan_deadline": step.plan_deadline,
        },
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            services.step_update(actor=request.user, step=step, **form.cleaned_data)
            message = _("已保存“%(s)s”的开放时间") % {"s": step.get_kind_display()}
            return success_redirect(request, message, "campaigns:campaign-detail", step.campaign_id)
    return _simple_form(request, form, step.campaign, _("修改步骤：%(s)s") % {"s": step})


def extension_create(request, pk):
    step = selectors.step_get_for(request.user, pk)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        with refusals_on(form, permission_too=True):
            org = org_resolve_for(request.user, data.pop("organisation"), cap=Cap.CAMPAIGN_MANAGE)
            services.step_extension_create(actor=request.user, step=step, organisation=org, **data)
            message = _("已为“%(org)s”延期") % {"org": org.name}
            return success_redirect(request, message, "campaigns:campaign-detail", step.campaign_id)
    return _simple_form(
        request,
        form,
        step.campaign,
        _("步骤延期：%(s)s") % {"s": step},
        hint=_("原定截止：%(end)s") % {"end": services._fmt(step.closes_at)},
    )


# ---------------------------------------------------------------- criteria


def criteria_list(request, pk):
    campaign = selectors.campaign_get_for(request.user, pk)
    can_manage = selectors.can_manage_campaign(request.user, campaign)
    form = CriteriaSetForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        with refusals_on(form, permission_too=True):
            cset = services.criteria_set_create(actor=request.user, campaign=campaign, **form.cleaned_data)
            message = _("已新建评价标准“%(n)s”，请添加标准项") % {"n": cset.name}
            return success_redirect(request, message, "campaigns:criteria-edit", cset.pk)
    sets = selectors.criteria_sets_for(campaign)
    return render(
        request,
        "campaigns/criteria_list.html",
        {
            "campaign": campaign,
            "sets": sets,
            "can_manage": can_manage,
            "form": form,
            "has_five_models": any(s.name == PRESETS["five_models"][0] for s in sets),
        },
    )


def criteria_edit(request, pk):
    cset = selectors.criteria_set_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    initial = [
        {
            "id": i.pk,
            "name": i.name,
            "weight": i.weight,
            "description": i.description,
            "indicators": "、".join(x.name for x in i.indicators.all()),
        }
        for i in selectors.criteria_items(cset)
    ]
    formset = CriteriaItemFormSet(request.POST or None, initial=initial, prefix="items")
    if request.method == "POST" and formset.is_valid():
        items = [
            {
                "id": f.cleaned_data.get("id"),
                "name": f.cleaned_data.get("name", ""),
                "weight": f.cleaned_data.get("weight"),
                "description": f.cleaned_data.get("description", ""),
                "indicators": split_list(f.cleaned_data.get("indicators", "")),
            }
            for f in formset.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and (f.cleaned_data.get("name") or "").strip()
        ]
        try:
            services.criteria_set_update(actor=request.user, criteria_set=cset, items=items)
        except ApplicationError as exc:
            _formset_error(formset, exc)
        else:
            message = _("已保存评价标准“%(n)s”") % {"n": cset.name}
            return success_redirect(request, message, "campaigns:criteria-list", cset.campaign_id)
    return render(
        request, "campaigns/criteria_edit.html", {"cset": cset, "campaign": cset.campaign, "formset": formset}
    )


# ---------------------------------------------------------------- an organisation in the campaign


def campaign_org(request, pk, org_id):
    campaign = selectors.campaign_get_for(request.user, pk)
    org = selectors.campaign_org_get_for(request.user, campaign, org_id)
    can_write = org_in_scope(request.user, org, Cap.PLAN_WRITE)
    pairings = selectors.pairings_of_org(request.user, campaign=campaign, org=org)
    return render(
        request,
        "campaigns/campaign_org.html",
        {
            "campaign": campaign,
            "org": org,
            "theme": selectors.org_theme_for(campaign, org),
            "group": selectors.group_members_for(campaign, org),
            "pairings": pairings,
            "liaisons": selectors.liaison_leaders_for(org),
            "windows": windows_for(campaign, org),
            "can_write": can_write,
        },
    )


def theme_edit(request, pk, org_id):
    campaign = selectors.campaign_get_for(request.user, pk)
    org = selectors.campaign_org_get_for(request.user, campaign, org_id, cap=Cap.PLAN_WRITE)
    current = selectors.org_theme_for(campaign, org)
    form = ThemeForm(
        request.POST or None, initial={"theme": current.theme, "carriers": "\n".join(current.carriers)}
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form, permission_too=True):
            services.org_theme_set(
                actor=request.user,
                campaign=campaign,
                organisation=org,
                theme=form.cleaned_data["theme"],
                carriers=form.cleaned_data["carriers"].splitlines(),
            )
            message = _("已保存争创主题和活动载体")
            return success_redirect(request, message, "campaigns:campaign-org", campaign.pk, org.pk)
    return _simple_form(
        request,
        form,
        campaign,
        _("争创主题和活动载体：%(org)s") % {"org": org.name},
        org=org,
        hint=_("按分类指导，%(sector)s类组织的参考主题是“%(theme)s”，可结合实际修改")
        % {"sector": org.get_sector_display(), "theme": DEFAULT_THEMES.get(org.sector, "")},
    )


def group_edit(request, pk, org_id):
    campaign = selectors.campaign_get_for(request.user, pk)
    org = selectors.campaign_org_get_for(request.user, campaign, org_id, cap=Cap.PLAN_WRITE)
    choices = selectors.group_member_choices(org)
    initial = [
        {"name": g.name, "position": g.position, "unit": g.unit, "member_id": g.member_id}
        for g in selectors.group_member_rows(campaign, org)
    ]
    formset = GroupMemberFormSet(
        request.POST or None, initial=initial, prefix="rows", form_kwargs={"member_choices": choices}
    )
    if request.method == "POST" and formset.is_valid():
        rows = [
            {k: f.cleaned_data.get(k) for k in ("name", "position", "unit", "member_id")}
            for f in formset.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and ((f.cleaned_data.get("name") or "").strip() or f.cleaned_data.get("member_id"))
        ]
        try:
            services.group_members_replace(actor=request.user, campaign=campaign, organisation=org, rows=rows)
        except ApplicationError as exc:
            _formset_error(formset, exc)
        else:
            message = _("已保存领导小组和办公室成员")
            return success_redirect(request, message, "campaigns:campaign-org", campaign.pk, org.pk)
    return render(
        request, "campaigns/group_edit.html", {"campaign": campaign, "org": org, "formset": formset}
    )


# ---------------------------------------------------------------- pairings (帮带)


def pairing_list(request, pk):
    campaign = selectors.campaign_get_for(request.user, pk)
    kind = request.GET.get("kind", "")
    org_text = request.GET.get("org", "").strip()
    org = None
    if org_text:
        with refusals_flashed(request):
            org = org_resolve_for(request.user, org_text, cap=Cap.CAMPAIGN_VIEW)
    qs = selectors.pairing_list_for(request.user, campaign=campaign, org=org, kind=kind or None)
    return render(
        request,
        "campaigns/pairing_list.html",
        {
            "campaign": campaign,
            "page": paginate(request, qs, per_page=30),
            "kind": kind,
            "org_text": org_text,
            "kinds": PairingKind.choices,
            "can_manage": selectors.can_manage_campaign(request.user, campaign),
        },
    )


def pairing_create(request, pk):
    campaign = selectors.campaign_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    form = PairingForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        with refusals_on(form, permission_too=True):
            helper = _resolve(request.user, data.pop("helper"), "helper")
            helped = _resolve(request.user, data.pop("helped"), "helped")
            services.pairing_create(
                actor=request.user, campaign=campaign, helper=helper, helped=helped, **data
            )
            return success_redirect(request, _("已建立结对帮带"), "campaigns:pairing-list", campaign.pk)
    return _simple_form(request, form, campaign, _("新建结对帮带"))


def _resolve(user, text, field):
    try:
        return org_resolve_for(user, text, cap=Cap.CAMPAIGN_MANAGE)
    except ApplicationError as exc:
        exc.field, exc.details = field, []
        raise


def pairing_detail(request, pk):
    pairing = selectors.pairing_get_for(request.user, pk)
    can_note = selectors.can_note_pairing(request.user, pairing)
    form = PairingNoteForm(request.POST or None, initial={"date": timezone.localdate()}) if can_note else None
    if request.method == "POST":
        if form is None:
            return render(
                request,
                "web/error.html",
                {"status": 403, "message": _("只有结对双方组织的书记或活动办公室可以记录帮带进展")},
                status=403,
            )
        if form.is_valid():
            with refusals_on(form, permission_too=True):
                services.pairing_note_add(actor=request.user, pairing=pairing, **form.cleaned_data)
                return success_redirect(request, _("已记录帮带进展"), "campaigns:pairing-detail", pairing.pk)
    return render(
        request,
        "campaigns/pairing_detail.html",
        {
            "pairing": pairing,
            "campaign": pairing.campaign,
            "page": paginate(request, selectors.pairing_notes(pairing), per_page=30),
            "form": form,
        },
    )


def member_requirements(request, pk):
    """区别在职和无职党员，分别提出具体要求: the office writes one requirement per member status."""
    campaign = selectors.campaign_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    current = {r.status: r.text for r in campaign.member_requirements.all()}
    form = MemberRequirementsForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            services.member_requirements_set(actor=request.user, campaign=campaign, texts=form.cleaned_data)
            return success_redirect(request, _("已保存分类要求"), "campaigns:campaign-detail", campaign.pk)
    return form_page(
        request,
        "campaigns/simple_form.html",
        {
            "form": form,
            "campaign": campaign,
            "title": _("分类要求（区别在职、无职、流动、年老体弱党员）"),
            "hint": _("党员作出承诺时，会看到与本人类别对应的要求。"),
        },
    )
