"""Background work for plans: the hourly reminder to organisations whose plan is overdue."""

from django.utils import timezone

from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.models import Campaign
from pacesetter.core.tasks import sweep

from .services import plan_remind_overdue


@sweep(every_seconds=3600)
def remind_overdue_plans() -> int:
    """Remind overdue organisations of every active campaign; each at most once a day (PlanReminder)."""
    today = timezone.localdate()
    total = 0
    for campaign in Campaign.objects.filter(
        status=CampaignStatus.ACTIVE, plan_deadline__lt=today
    ).select_related("organisation"):
        total += plan_remind_overdue(actor=None, campaign=campaign, today=today)
    return total
