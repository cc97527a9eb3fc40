"""Pages for leader reviews (领导点评) and supervision (督促检查): common."""

from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.selectors import campaign_get_for, campaign_list_for
from pacesetter.core.people import display_name
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for

from ..selectors import manage_roots_for


def _wants_xlsx(request) -> bool:
    return request.GET.get("export") == "xlsx"


def _filters(form) -> dict:
    """A list's filter form (bound to ``request.GET``): the values of its valid fields, {} when none was given."""
    form.is_valid()
    return getattr(form, "cleaned_data", {})


def _org_filter(request):
    return (
        org_get_for(request.user, request.GET["org"], cap=Cap.PROGRESS_VIEW)
        if request.GET.get("org")
        else None
    )


def _name(user) -> str:
    return display_name(user) if user else ""


def _root_campaign_form(request, form_class):
    """A form for one of the organisations the user manages (``root``) and, if they like, one of the campaigns
    under way (a random draw, a notice), bound to the post."""
    roots = manage_roots_for(request.user)
    campaigns = list(campaign_list_for(request.user, status=CampaignStatus.ACTIVE)[:50])
    return form_class(request.POST or None, roots=roots, campaigns=campaigns)


def _root_and_campaign(request, data):
    """What such a form picked, through the access-checked getters: the organisation, and the campaign or None."""
    root = org_get_for(request.user, data["root"], cap=Cap.CAMPAIGN_MANAGE)
    campaign = campaign_get_for(request.user, data["campaign"]) if data["campaign"] else None
    return root, campaign
