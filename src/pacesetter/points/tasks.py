"""Periodic work for points: the idempotent sweep that writes automatic points for new events."""

from pacesetter.core.tasks import sweep

from . import services


# A sweep rather than hooks in the services of records and commitments: those apps sit below points in the
# layers and cannot call it, and signals are not used here. The ledger's unique key makes reruns harmless.
@sweep(every_seconds=600)
def award_automatic_points() -> int:
    return services.points_sweep()
