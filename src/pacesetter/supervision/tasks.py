"""Background work for supervision: the hourly overdue/escalation sweep of rectification orders, and the
recompute of deadlines counted without a year's holidays once that year is known."""

from pacesetter.core.tasks import sweep

from . import holidays, services


@sweep(every_seconds=3600)
def escalate_overdue_rectifications(now=None) -> int:
    """Flag orders past their deadline (once) and escalate each once to the parent organisation."""
    return services.rectification_escalate_overdue(now=now)


@sweep(every_seconds=6 * 3600)
def recompute_provisional_deadlines() -> int:
    """Open orders counted on weekends only whose year a newer chinesecalendar release now knows (the office's
    import recomputes at once; this catches a package upgrade)."""
    return len(holidays.rectification_deadlines_recompute(actor=None))
