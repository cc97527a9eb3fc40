"""Who may do what with a plan: the organisation writes it, the parent organisation reviews it."""

from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import SEGMENT, Organisation
from pacesetter.orgs.selectors import org_in_scope, scope_for

from .enums import PlanStatus
from .models import Plan


def parent_path(org: Organisation) -> str:
    return org.path[:-SEGMENT]


def can_write_plan(user, org: Organisation) -> bool:
    return org_in_scope(user, org, Cap.PLAN_WRITE)


def can_review_plan(user, plan: Plan) -> bool:
    """PLAN_REVIEW on the plan organisation's parent: a branch secretary never reviews its own plan."""
    parent = parent_path(plan.organisation)
    return bool(parent) and any(parent.startswith(p) for p in scope_for(user, Cap.PLAN_REVIEW).roots)


def can_view_plan(user, plan: Plan) -> bool:
    """Writers see every state; reviewers what was submitted; anyone in scope the approved plan."""
    if can_write_plan(user, plan.organisation):
        return True
    if plan.status != PlanStatus.DRAFT and can_review_plan(user, plan):
        return True
    return plan.status == PlanStatus.APPROVED and org_in_scope(user, plan.organisation, Cap.CAMPAIGN_VIEW)
