"""Pages of local standards (结合实际制定具体标准): an organisation words the campaign's criteria items in its
own terms; the office adds a 五个模范 set and allows or stops local wording per set."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from pacesetter.core.forms import refusals_flashed, success_redirect
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import org_get_for, scope_for

from . import local_standards, selectors


def _org(request, campaign) -> Organisation:
    """?org= (an organisation the user writes for), else the first top of the user's writing scope that
    lies in the campaign."""
    if request.GET.get("org") or request.POST.get("org"):
        return org_get_for(
            request.user, request.GET.get("org") or request.POST.get("org"), cap=Cap.PLAN_WRITE
        )
    org = (
        Organisation.objects.filter(
            path__in=scope_for(request.user, Cap.PLAN_WRITE).roots,
            path__startswith=campaign.organisation.path,
            is_active=True,
        )
        .order_by("path")
        .first()
    )
    if org is None:
        raise NotFoundError(_("您没有需要制定具体标准的组织"))
    return org


def local_criteria(request, pk):
    """GET: every set's items with the organisation's wording; POST: save one set's wording."""
    campaign = selectors.campaign_get_for(request.user, pk)
    org = _org(request, campaign)
    sets = selectors.criteria_sets_for(campaign)
    if request.method == "POST":
        cset = next((s for s in sets if str(s.pk) == request.POST.get("set", "")), None)
        if cset is None:
            raise NotFoundError()
        texts = {i.pk: request.POST.get(f"item_{i.pk}", "") for i in cset.items.all()}
        try:
            local_standards.local_criteria_save(actor=request.user, org=org, criteria_set=cset, texts=texts)
        except PermissionDeniedError:
            raise
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return _render(request, campaign, org, sets, posted=(cset.pk, texts), status=exc.status)
        return success_redirect(
            request,
            _("已保存“%(s)s”的具体标准") % {"s": cset.name},
            f"{request.path}?org={org.pk}#set-{cset.pk}",
        )
    return _render(request, campaign, org, sets)


def _render(request, campaign, org, sets, *, posted=None, status=200):
    blocks = []
    for cset in sets:
        rows = local_standards.local_criteria_for(org, cset)
        if posted and posted[0] == cset.pk:
            for r in rows:
                r["own"] = posted[1].get(r["item"].pk, r["own"])
        blocks.append({"set": cset, "rows": rows})
    return render(
        request,
        "campaigns/local_criteria.html",
        {"campaign": campaign, "org": org, "blocks": blocks},
        status=status,
    )


@require_POST
def criteria_preset(request, pk):
    campaign = selectors.campaign_get_for(request.user, pk)
    with refusals_flashed(request, permission_too=False):
        cset = local_standards.criteria_set_add_preset(
            actor=request.user, campaign=campaign, preset=request.POST.get("preset", "")
        )
        messages.success(request, _("已添加评价标准“%(n)s”") % {"n": cset.name})
    return redirect("campaigns:criteria-list", campaign.pk)


@require_POST
def criteria_allow_local(request, pk):
    cset = selectors.criteria_set_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    local_standards.criteria_set_allow_local(
        actor=request.user, criteria_set=cset, allowed=request.POST.get("allowed") == "1"
    )
    return success_redirect(request, _("已更新"), "campaigns:criteria-list", cset.campaign_id)
