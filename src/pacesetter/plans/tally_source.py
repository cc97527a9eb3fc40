"""What an organisation's overall plan adds to the dashboard's roll-up counters (campaigns.tallies)."""

from django.db.models import FilteredRelation, Q, QuerySet

from pacesetter.campaigns.models import Campaign
from pacesetter.orgs.models import Organisation


def plan_counter(status: str | None) -> str:
    """The Tally counter of an overall plan in `status` (None: no plan)."""
    return f"plan_{status or 'none'}"


def plan_vectors(campaign: Campaign, orgs: QuerySet[Organisation]) -> dict[int, dict[str, int]]:
    """{org id: {plan_<status>: 1}} for the active organisations of `orgs` (as org_progress_list counts)."""
    which = Q(plans__campaign_id=campaign.pk, plans__step__isnull=True)
    rows = (
        orgs.filter(is_active=True)
        .annotate(cplan=FilteredRelation("plans", condition=which))
        .values_list("pk", "cplan__status")
    )
    return {pk: {plan_counter(status): 1} for pk, status in rows}
