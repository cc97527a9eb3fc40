"""Writes for commendation (评选表彰), by topic: `programmes` (programmes, categories and quotas, 开始推荐),
`nominations` (nominations reviewed level by level), `recommendations` (the public's, one per person), `notice`
(公示 with objections on the case engine) and `decisions` (the 表彰决定 and its honours); `_common` holds the checks
they share.

Each service checks permission first, validates, changes inside one transaction and writes an audit entry;
`_common._transition` is the only code that assigns Nomination.status and `_common._programme_transition` the only
code that assigns Programme.status. Callers import this package.
"""

from ._common import OBJECTION_SOURCE, PHOTO_MAX_BYTES
from .decisions import decision_issue
from .nominations import nomination_create, nomination_resubmit, nomination_review
from .notice import (
    nomination_remove,
    notice_is_running,
    notice_start,
    objection_file,
    objection_public_notes,
    objection_state,
    objections_for,
)
from .programmes import category_save, programme_create, programme_open, quota_allocate, quota_usage
from .recommendations import recommend, recommend_code_send, recommendation_subject

__all__ = [
    "OBJECTION_SOURCE",
    "PHOTO_MAX_BYTES",
    "decision_issue",
    "nomination_create",
    "nomination_resubmit",
    "nomination_review",
    "nomination_remove",
    "notice_is_running",
    "notice_start",
    "objection_file",
    "objection_public_notes",
    "objection_state",
    "objections_for",
    "category_save",
    "programme_create",
    "programme_open",
    "quota_allocate",
    "quota_usage",
    "recommend",
    "recommend_code_send",
    "recommendation_subject",
]
