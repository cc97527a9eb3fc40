"""Access rules for the members app's URL names (pages and API), merged into pacesetter.policy.POLICY.

Lists and records are LOGIN: the selectors show a member their own pairs and households and `person.view`
over the organisation the rest; setting up and ending is `mentoring.manage`; notes are checked in the
service (the people in the pair or household, or the organisation). Nothing here is public.
"""

from pacesetter.core.access import LOGIN
from pacesetter.orgs.enums import Cap

RULES: dict = {
    "members:mentorship-list": LOGIN,
    "members:mentorship-create": Cap.MENTORING_MANAGE,
    "members:mentorship-detail": LOGIN,
    "members:mentorship-note": LOGIN,
    "members:mentorship-end": Cap.MENTORING_MANAGE,
    "members:household-list": LOGIN,
    "members:household-create": Cap.MENTORING_MANAGE,
    "members:household-detail": LOGIN,
    "members:household-note": LOGIN,
    "members:household-end": Cap.MENTORING_MANAGE,
    "members:member-panel": LOGIN,
    "members:reminder-list": Cap.REMINDER_SEND,
    "members:reminder-send": Cap.REMINDER_SEND,
    # JSON API
    "api-1.0.0:mem-mentorship-list": {"GET": LOGIN, "POST": Cap.MENTORING_MANAGE},
    "api-1.0.0:mem-mentorship-detail": LOGIN,
    "api-1.0.0:mem-mentorship-note": LOGIN,
    "api-1.0.0:mem-mentorship-end": Cap.MENTORING_MANAGE,
    "api-1.0.0:mem-household-list": {"GET": LOGIN, "POST": Cap.MENTORING_MANAGE},
    "api-1.0.0:mem-household-detail": LOGIN,
    "api-1.0.0:mem-household-note": LOGIN,
    "api-1.0.0:mem-household-end": Cap.MENTORING_MANAGE,
    "api-1.0.0:mem-counts": Cap.PROGRESS_VIEW,
    "api-1.0.0:mem-reminder-send": Cap.REMINDER_SEND,
}
