"""Who may do what with required and optional actions: the office defines and marks, the organisation links
its records, the parent organisation rejects a link."""

from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import SEGMENT, Organisation
from pacesetter.orgs.selectors import org_in_scope, scope_for


def can_define_actions(user, campaign) -> bool:
    return org_in_scope(user, campaign.organisation, Cap.CAMPAIGN_MANAGE)


def can_link_actions(user, org: Organisation) -> bool:
    """The organisation itself (or anyone above it) that logs its records."""
    return org_in_scope(user, org, Cap.RECORD_LOG)


def can_reject_link(user, org: Organisation) -> bool:
    """The parent organisation reviews: PLAN_REVIEW strictly above `org` (a branch never judges itself)."""
    parent = org.path[:-SEGMENT]
    return bool(parent) and any(parent.startswith(p) for p in scope_for(user, Cap.PLAN_REVIEW).roots)


def can_mark_optional(user, campaign) -> bool:
    return can_define_actions(user, campaign)
