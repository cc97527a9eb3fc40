"""What an organisation's records add to the dashboard's roll-up counters (campaigns.tallies)."""

from django.db.models import Exists, OuterRef, QuerySet

from pacesetter.campaigns.models import Campaign
from pacesetter.orgs.models import Organisation

from .models import ActivityRecord


def record_vectors(campaign: Campaign, orgs: QuerySet[Organisation]) -> dict[int, dict[str, int]]:
    """{org id: {"with_records": 1}} for the active organisations of `orgs` with a non-deleted record of
    the campaign (as records.selectors.orgs_with_records_counts counts)."""
    any_record = Exists(
        ActivityRecord.objects.filter(is_deleted=False, campaign=campaign, organisation=OuterRef("pk"))
    )
    ids = orgs.filter(any_record, is_active=True).values_list("pk", flat=True)
    return {pk: {"with_records": 1} for pk in ids}
