"""What an organisation's records add to the dashboard's roll-up counters (campaigns.tallies)."""

import datetime

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncMonth

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


def record_months(
    campaign: Campaign, orgs: QuerySet[Organisation]
) -> dict[tuple[int, datetime.date], dict[str, int]]:
    """{(org id, month): {"records": n}}: the campaign's non-deleted records of `orgs` by the month they
    occurred in, active organisations or not (as records.selectors.records_by_month counts)."""
    rows = (
        ActivityRecord.objects.filter(is_deleted=False, campaign=campaign, organisation__in=orgs)
        .annotate(month=TruncMonth("occurred_on"))
        .values_list("organisation_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(pk, month): {"records": n} for pk, month, n in rows}
