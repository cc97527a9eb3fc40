"""Periodic work for cases: the deadline sweep (flags, reminders, escalation, 未评价 closing, purge)."""

from pacesetter.core.tasks import sweep

from .services import cases_sweep


@sweep(every_seconds=900)
def complaints_sweep() -> dict:
    return cases_sweep()
