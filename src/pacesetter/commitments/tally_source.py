"""What an organisation's commitments add to the dashboard's roll-up counters (campaigns.tallies)."""

from django.db.models import QuerySet

from pacesetter.campaigns.models import Campaign
from pacesetter.orgs.models import Organisation

from .enums import FULFILLED_STATES, PUBLIC_STATES
from .models import Commitment
from .selectors import stat_counts


def commitment_vector(c: Commitment) -> dict[str, int]:
    """What one commitment adds, from its current fields (a 群团组织's adds nothing, as
    commitments.selectors.commitment_stats_by_subtree counts)."""
    if c.mass_org_id is not None:
        return {}
    return {
        "commit_drafted": 1,
        "commit_published": int(c.status in PUBLIC_STATES),
        "commit_fulfilled": int(c.status in FULFILLED_STATES),
        "commit_overdue": int(c.overdue_at is not None),
    }


def commitment_vectors(campaign: Campaign, orgs: QuerySet[Organisation]) -> dict[int, dict[str, int]]:
    """{org id: commit_* counts} for `orgs`, active or not (the commitments count regardless)."""
    rows = (
        Commitment.objects.filter(campaign=campaign, mass_org__isnull=True, organisation__in=orgs)
        .order_by()
        .values("organisation_id")
        .annotate(**stat_counts("commit_"))
    )
    return {r.pop("organisation_id"): r for r in rows}
