"""Pages for problem lists (问题清单): list, add, Excel import, status, link to commitments (thin)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pacesetter.core.downloads import xlsx_download
from pacesetter.core.errors import NotFoundError
from pacesetter.core.forms import BootstrapMixin, refusals_on, success_redirect
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for

from . import problems
from .enums import ProblemOwner, ProblemSource, ProblemStatus
from .models import Commitment
from .rules import can_write_org_commitment
from .views import _campaign_for


class ProblemForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=gettext_lazy("问题"), max_length=200)
    source = forms.ChoiceField(label=gettext_lazy("来源"), choices=ProblemSource.choices)
    owner_level = forms.ChoiceField(label=gettext_lazy("责任层级"), choices=ProblemOwner.choices)
    due_date = forms.DateField(label=gettext_lazy("解决时限"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label=gettext_lazy("具体表现"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProblemImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))


def _list_url(org, campaign) -> str:
    return f"{reverse('commitments:problem-list', args=[org.pk])}?campaign={campaign.pk}"


def problem_list(request, org_id):
    """An organisation's problem list in a campaign, grouped by who must solve them; add and import here."""
    org = org_get_for(request.user, org_id, cap=Cap.CAMPAIGN_VIEW)
    campaign, campaigns = _campaign_for(request, org)
    if campaign is None:
        raise NotFoundError()
    form = ProblemForm(request.POST or None)
    import_form = ProblemImportForm()
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            problems.problem_create(actor=request.user, campaign=campaign, org=org, **form.cleaned_data)
            return success_redirect(request, _("已添加问题"), _list_url(org, campaign))
    return _render(
        request,
        org,
        campaign,
        form=form,
        import_form=import_form,
        status=422 if request.method == "POST" else 200,
    )


def _render(request, org, campaign, *, form=None, import_form=None, status=200):
    rows = list(problems.problem_list(campaign=campaign, org=org, status=request.GET.get("status", "")))
    can_write = can_write_org_commitment(request.user, org)
    linkable = (
        list(Commitment.objects.filter(campaign=campaign, organisation=org).order_by("-id")[:200])
        if can_write
        else []
    )
    for p in rows:
        linked = {c.pk for c in p.commitments.all()}
        p.linkable = [c for c in linkable if c.pk not in linked]
    groups = [(label, [p for p in rows if p.owner_level == value]) for value, label in ProblemOwner.choices]
    return render(
        request,
        "commitments/problem_list.html",
        {
            "org": org,
            "campaign": campaign,
            "groups": groups,
            "counts": problems.problem_counts(campaign=campaign, org=org),
            "statuses": ProblemStatus.choices,
            "form": form or ProblemForm(),
            "import_form": import_form or ProblemImportForm(),
            "can_write": can_write,
        },
        status=status,
    )


@require_POST
def problem_import(request, org_id):
    org = org_get_for(request.user, org_id, cap=Cap.COMMITMENT_WRITE)
    campaign, _campaigns = _campaign_for(request, org)
    if campaign is None:
        raise NotFoundError()
    form = ProblemImportForm(request.POST, request.FILES)
    if form.is_valid():
        with refusals_on(form):
            added = problems.problem_import(
                actor=request.user, campaign=campaign, org=org, upload=form.cleaned_data["file"]
            )
            message = _("已导入%(n)d条问题") % {"n": len(added)}
            return success_redirect(request, message, _list_url(org, campaign))
    return _render(request, org, campaign, import_form=form, status=422)


def problem_template(request):
    return xlsx_download(problems.import_template(), "问题清单导入模板.xlsx")


@require_POST
def problem_transition(request, pk):
    problem = problems.problem_get_for(request.user, pk)
    problems.problem_transition(actor=request.user, problem=problem, action=request.POST.get("action", ""))
    message = _("问题“%(t)s”：%(s)s") % {"t": problem.title, "s": problem.get_status_display()}
    return success_redirect(request, message, _list_url(problem.organisation, problem.campaign))


@require_POST
def problem_link(request, pk):
    problem = problems.problem_get_for(request.user, pk)
    raw = request.POST.get("commitment", "")
    commitment = (
        Commitment.objects.filter(pk=raw, organisation=problem.organisation).first()
        if raw.isdigit() and len(raw) < 19
        else None
    )
    if commitment is None:
        messages.error(request, _("请选择本组织的一项承诺"))
    else:
        problems.problem_link(actor=request.user, problem=problem, commitment=commitment)
        messages.success(request, _("已关联承诺“%(c)s”") % {"c": commitment.title})
    return redirect(_list_url(problem.organisation, problem.campaign))
