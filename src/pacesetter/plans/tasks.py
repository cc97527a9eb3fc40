"""Background work for plans: the hourly reminder to organisations whose plan is overdue."""

from django.utils import timezone

from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.models import Campaign
from pacesetter.core.tasks import sweep

from .selectors import overdue_step_plans
from .services import plan_remind_overdue


@sweep(every_seconds=3600)
def remind_overdue_plans() -> int:
    """Remind overdue organisations of every active campaign, for the overall plan and each required step
    plan past its deadline; each at most once a day per plan (PlanReminder)."""
    today = timezone.localdate()
    total = 0
    for campaign in Campaign.objects.filter(
        status=CampaignStatus.ACTIVE, plan_deadline__lt=today
    ).select_related("organisation"):
        total += plan_remind_overdue(actor=None, campaign=campaign, today=today)
    for step in overdue_step_plans(today=today):  # 阶段实施方案, each against its own deadline
        total += plan_remind_overdue(actor=None, campaign=step.campaign, today=today, step=step)
    return total
