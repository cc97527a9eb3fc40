"""Periodic work for commitments: flag overdue ones (once, frozen) and remind owners before deadlines."""

from pacesetter.core.tasks import sweep

from . import services


@sweep(every_seconds=3600)
def flag_overdue_commitments() -> int:
    return services.commitments_flag_overdue()


@sweep(every_seconds=3600)
def remind_commitment_owners() -> int:
    return services.commitments_send_reminders()
