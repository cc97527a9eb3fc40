"""What an organisation's overall plan adds to the dashboard's roll-up counters (campaigns.tallies)."""

import datetime

from django.db.models import Count, DateField, FilteredRelation, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from pacesetter.campaigns.models import Campaign
from pacesetter.orgs.models import Organisation

from .enums import PlanAction
from .models import PlanDecision


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


def plan_approval_months(
    campaign: Campaign, orgs: QuerySet[Organisation]
) -> dict[tuple[int, datetime.date], dict[str, int]]:
    """{(org id, month): {"plans_approved": n}}: approvals of the overall plans of `orgs`, by the month
    (Asia/Shanghai) they were decided in, active organisations or not (as plans_approved_by_month counts)."""
    rows = (
        PlanDecision.objects.filter(
            plan__campaign=campaign,
            plan__step__isnull=True,
            plan__organisation__in=orgs,
            decision=PlanAction.APPROVE,
        )
        .annotate(
            month=TruncMonth("decided_at", output_field=DateField(), tzinfo=timezone.get_default_timezone())
        )
        .values_list("plan__organisation_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(pk, month): {"plans_approved": n} for pk, month, n in rows}
