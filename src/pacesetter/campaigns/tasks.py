"""Background work for campaigns: announcing each step's opening and closing once, when it happens."""

from django.utils import timezone

from pacesetter.core.tasks import sweep

from .enums import CampaignStatus
from .models import Step
from .services import step_announce


@sweep(every_seconds=60)
def announce_step_edges(now=None) -> int:
    """Find steps whose opening or closing has passed unannounced; each is claimed by compare-and-set,
    so with several workers every edge is announced (audited, notified) exactly once."""
    now = now or timezone.now()
    active = Step.objects.filter(campaign__status=CampaignStatus.ACTIVE)
    announced = 0
    for step_id in active.filter(opens_at__lte=now, opened_announced_at__isnull=True).values_list(
        "pk", flat=True
    ):
        announced += step_announce(step_id=step_id, edge="open", now=now)
    for step_id in active.filter(closes_at__lte=now, closed_announced_at__isnull=True).values_list(
        "pk", flat=True
    ):
        announced += step_announce(step_id=step_id, edge="close", now=now)
    return announced
