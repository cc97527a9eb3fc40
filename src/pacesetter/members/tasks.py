"""Periodic work: participation reminders (idempotent: the ledger lets each go once per period)."""

from pacesetter.core.tasks import sweep

from . import reminders


@sweep(every_seconds=6 * 3600)
def send_participation_reminders() -> int:
    return reminders.reminders_run().total
