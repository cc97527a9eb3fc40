"""Background work for supervision: the hourly overdue/escalation sweep of rectification orders."""

from pacesetter.core.tasks import sweep

from . import services


@sweep(every_seconds=3600)
def escalate_overdue_rectifications(now=None) -> int:
    """Flag orders past their deadline (once) and escalate each once to the parent organisation."""
    return services.rectification_escalate_overdue(now=now)
