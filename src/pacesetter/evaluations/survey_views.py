"""The 具体标准征询问卷 panel on the local-standards page (loaded into it, as campaigns sits below us)."""

from django.shortcuts import render

from pacesetter.campaigns.models import CriteriaSet
from pacesetter.core.errors import NotFoundError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import org_get_for

from .surveys import standard_survey_for


def survey_target(user, org_id, set_id) -> tuple[Organisation, CriteriaSet]:
    """The organisation (one the user words the standard of) and a criteria set of a campaign over it,
    else NotFoundError: for the panel and the API."""
    org = org_get_for(user, org_id or "", cap=Cap.PLAN_WRITE)
    raw = str(set_id or "")
    cset = (
        CriteriaSet.objects.select_related("campaign__organisation").filter(pk=raw).first()
        if raw.isdigit() and len(raw) < 10
        else None
    )
    if cset is None or not org.path.startswith(cset.campaign.organisation.path):
        raise NotFoundError()
    return org, cset


def standard_survey(request):
    """?org=&set=: the organisation's latest survey on the set, for those who word its standard."""
    org, cset = survey_target(request.user, request.GET.get("org"), request.GET.get("set"))
    return render(
        request,
        "evaluations/_standard_survey.html",
        {"org": org, "set": cset, "survey": standard_survey_for(org, cset)},
    )
