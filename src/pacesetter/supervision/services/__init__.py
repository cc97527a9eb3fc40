"""Writes for leader reviews (领导点评) and supervision (督促检查), by topic: `reviews`, `rectifications` (限期整改),
`inspections` (督查 teams, inspections, findings and 随机抽查 draws) and `notices` (通报); `_common` holds the
compare-and-set every status change goes through. Each write checks permission first, runs in one transaction,
changes a status only through the transition tables in enums.py, and writes an audit row. Callers import this
package.
"""

from ._common import MAX_WORKING_DAYS, TEXT_MAX, User
from .inspections import (
    draw_candidates,
    draw_create,
    finding_add,
    inspection_cancel,
    inspection_file,
    inspection_plan,
    team_create,
)
from .notices import NOTICE_FIELDS, notice_compose, notice_issue, notice_update
from .rectifications import (
    rectification_escalate_overdue,
    rectification_issue,
    rectification_report,
    rectification_verify,
)
from .reviews import review_campaign_for, review_file, review_publish, review_respond

__all__ = [
    "MAX_WORKING_DAYS",
    "TEXT_MAX",
    "User",
    "draw_candidates",
    "draw_create",
    "finding_add",
    "inspection_cancel",
    "inspection_file",
    "inspection_plan",
    "team_create",
    "NOTICE_FIELDS",
    "notice_compose",
    "notice_issue",
    "notice_update",
    "rectification_escalate_overdue",
    "rectification_issue",
    "rectification_report",
    "rectification_verify",
    "review_campaign_for",
    "review_file",
    "review_publish",
    "review_respond",
]
