"""Writes to public commitments (公开承诺), by topic: `commitments` (设岗, 承诺 created and edited, every status change,
述诺 reports), `fulfilment` (履诺 progress and its attachments), `ratings` (评诺 ratings and their moderation) and
`sweeps` (overdue flags and reminders); `_common` holds the fields, limits and checks they share.

Each service checks permission first, validates, changes inside one transaction and writes an audit entry.
`commitments._transition` is the only code that assigns Commitment.status. Callers import this package.
"""

from ._common import COMMITMENT_FIELDS, EDIT_FIELDS, TEXT_LIMIT, public_ratings_per_hour, remind_days
from .commitments import (
    commitment_create,
    commitment_report,
    commitment_transition,
    commitment_update,
    post_set,
)
from .fulfilment import check_attachment, progress_add
from .ratings import (
    RATE_PURPOSE,
    ip_digest,
    rating_moderate,
    rating_phone_code_send,
    rating_subject,
    rating_submit_member,
    rating_submit_public,
)
from .sweeps import commitments_flag_overdue, commitments_send_reminders

__all__ = [
    "COMMITMENT_FIELDS",
    "EDIT_FIELDS",
    "TEXT_LIMIT",
    "public_ratings_per_hour",
    "remind_days",
    "commitment_create",
    "commitment_report",
    "commitment_transition",
    "commitment_update",
    "post_set",
    "check_attachment",
    "progress_add",
    "RATE_PURPOSE",
    "ip_digest",
    "rating_moderate",
    "rating_phone_code_send",
    "rating_subject",
    "rating_submit_member",
    "rating_submit_public",
    "commitments_flag_overdue",
    "commitments_send_reminders",
]
