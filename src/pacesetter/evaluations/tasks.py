"""Background work for evaluations: rounds close themselves at their deadline (digest, flags, grades)."""

from pacesetter.core.tasks import sweep

from . import services


@sweep(every_seconds=60)
def close_due_rounds(now=None) -> int:
    """Close open rounds past their deadline, as the system; idempotent."""
    return services.rounds_close_due(now=now)
