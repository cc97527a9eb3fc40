"""Who may do what in the points ledger: set up periods and rules, award by hand, decide claims, read an account."""

from pacesetter.orgs.enums import Cap, Role
from pacesetter.orgs.models import Member
from pacesetter.orgs.selectors import grants_for, org_in_scope

from .enums import EventType, ManualBy
from .models import PointClaim, PointPeriod, PointRule


def can_manage_points(user, period_or_campaign) -> bool:
    """The office (points.manage) of the campaign's organisation sets periods and rules."""
    campaign = (
        period_or_campaign.campaign if isinstance(period_or_campaign, PointPeriod) else period_or_campaign
    )
    return user.is_authenticated and org_in_scope(user, campaign.organisation, Cap.POINTS_MANAGE)


def can_award(user, rule: PointRule, member: Member) -> bool:
    """The rule says who may award it by hand: a secretary (points.award) above the member, or only the office."""
    if not user.is_authenticated or rule.event_type != EventType.MANUAL or member.user_id == user.pk:
        return False  # nobody awards themselves
    if rule.manual_by == ManualBy.SECRETARY:
        return org_in_scope(user, member.organisation, Cap.POINTS_AWARD)
    if rule.manual_by == ManualBy.OFFICE:
        return any(
            g.role == Role.OFFICE and member.organisation.path.startswith(g.path) for g in grants_for(user)
        )
    return False


def can_decide_claim(user, claim: PointClaim) -> bool:
    return can_award(user, claim.rule, claim.member)


def can_view_account(user, member: Member) -> bool:
    """A member reads their own account; whoever may see the member (person.view in scope) reads it too."""
    return user.is_authenticated and (
        member.user_id == user.pk or org_in_scope(user, member.organisation, Cap.PERSON_VIEW)
    )
