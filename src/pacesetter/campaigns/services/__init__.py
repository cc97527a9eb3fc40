"""Writes to campaigns, each audited, by topic: `campaigns` (campaigns, stages, milestones), `steps` (steps, their
windows, extensions and announcements), `criteria` (评价标准), `organising` (themes, the leading group, pairings,
requirements per member status); `_common` holds the checks they share. Callers import this package.
"""

from ._common import (
    CAMPAIGN_FIELDS,
    MAX_CARRIERS,
    MAX_GROUP_ROWS,
    STAGE_FIELDS,
    STEP_FIELDS,
    _fmt,
    secretaries_in_subtree,
    step_audience,
)
from .campaigns import (
    TRANSITION_ACTIONS,
    campaign_create,
    campaign_transition,
    campaign_update,
    milestone_create,
    milestone_delete,
    stage_create,
    stage_update,
)
from .criteria import criteria_seed_defaults, criteria_set_create, criteria_set_lock, criteria_set_update
from .organising import (
    clean_carriers,
    group_members_replace,
    member_requirements_set,
    org_theme_set,
    pairing_create,
    pairing_note_add,
)
from .steps import (
    default_windows,
    step_announce,
    step_create,
    step_extension_create,
    step_update,
    steps_lay_out_defaults,
)

__all__ = [
    "CAMPAIGN_FIELDS",
    "MAX_CARRIERS",
    "MAX_GROUP_ROWS",
    "STAGE_FIELDS",
    "STEP_FIELDS",
    "_fmt",
    "secretaries_in_subtree",
    "step_audience",
    "TRANSITION_ACTIONS",
    "campaign_create",
    "campaign_transition",
    "campaign_update",
    "milestone_create",
    "milestone_delete",
    "stage_create",
    "stage_update",
    "criteria_seed_defaults",
    "criteria_set_create",
    "criteria_set_lock",
    "criteria_set_update",
    "clean_carriers",
    "group_members_replace",
    "member_requirements_set",
    "org_theme_set",
    "pairing_create",
    "pairing_note_add",
    "default_windows",
    "step_announce",
    "step_create",
    "step_extension_create",
    "step_update",
    "steps_lay_out_defaults",
]
