"""Who may set up, compute, adjust, publish and see assessments (组织考核)."""

from pacesetter.orgs.enums import ROLE_CAPS, Cap, Role
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import grants_for

from .models import Scheme, Score


def _grants(user, cap: str):
    return [g for g in grants_for(user) if g.role != Role.MEMBER and cap in ROLE_CAPS[g.role]]


def can_manage_scheme(user, scheme_or_org) -> bool:
    """The office of the campaign's organisation (or above) defines schemes, computes and publishes."""
    org = scheme_or_org.campaign.organisation if isinstance(scheme_or_org, Scheme) else scheme_or_org
    return any(org.path.startswith(g.path) for g in _grants(user, Cap.ASSESSMENT_MANAGE))


def can_assess(user, org: Organisation, *, member: bool = False) -> bool:
    """The assessing organisation: an organisation is assessed by its parent (a grant strictly above it),
    a member by their branch (a grant on the branch or above). The scheme's office always may."""
    for g in _grants(user, Cap.ASSESSMENT_ADJUST):
        if org.path.startswith(g.path) and (member or len(g.path) < len(org.path)):
            return True
    return False


def can_adjust_score(user, score: Score) -> bool:
    return can_manage_scheme(user, score.scorecard.scheme) or can_assess(
        user, score.organisation, member=score.member_id is not None
    )


def can_request_review(user, score: Score) -> bool:
    """复核 is asked by the assessed: the member themselves, or a secretary granted on the organisation
    itself (not a committee above it, which assessed it)."""
    if not user.is_authenticated:
        return False
    if score.member_id is not None:
        return score.member is not None and score.member.user_id == user.pk
    return any(g.path == score.organisation.path for g in _grants(user, Cap.ASSESSMENT_VIEW))
