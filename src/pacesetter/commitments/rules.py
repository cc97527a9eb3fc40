"""Who someone is to a commitment (owner / reviewer) and what they may see: predicates shared by services,
selectors and pages."""

from pacesetter.orgs.enums import ROLE_CAPS, Cap, Role
from pacesetter.orgs.models import SEGMENT, Member, Organisation
from pacesetter.orgs.selectors import acts_as_member, grants_for, org_in_scope

from .enums import PUBLIC_STATES, CommitmentKind, CommitmentStatus, Party
from .models import Commitment


def org_write_paths(user) -> list[str]:
    """Subtrees where the user may write organisation commitments: a secretary's or the office's grant.

    A member's grant also carries COMMITMENT_WRITE, but only for their own personal commitments.
    """
    return sorted(
        {
            g.path
            for g in grants_for(user)
            if g.role != Role.MEMBER and Cap.COMMITMENT_WRITE in ROLE_CAPS[g.role]
        }
    )


def can_write_org_commitment(user, org: Organisation) -> bool:
    return any(org.path.startswith(p) for p in org_write_paths(user))


def can_write_member_commitment(user, member: Member) -> bool:
    """A member writes personal commitments for themselves only (the Member linked to their account)."""
    return acts_as_member(user, member, Cap.COMMITMENT_WRITE)


def can_review_org(user, org: Organisation) -> bool:
    """COMMITMENT_REVIEW on `org`'s parent: an organisation never approves its own commitments."""
    parent = org.path[:-SEGMENT]
    return bool(parent) and any(
        parent.startswith(g.path) for g in grants_for(user) if Cap.COMMITMENT_REVIEW in ROLE_CAPS[g.role]
    )


def parties_for(user, commitment: Commitment) -> set[str]:
    """What `user` is to `commitment`: {owner}, {reviewer}, both (a secretary above both levels) or nothing."""
    if not user.is_authenticated:
        return set()
    parties: set[str] = set()
    if commitment.kind == CommitmentKind.MEMBER:
        member = commitment.member
        if can_write_member_commitment(user, member):
            parties.add(Party.OWNER)
        # The branch (the member's organisation) reviews; nobody reviews their own promise.
        elif org_in_scope(user, member.organisation, Cap.COMMITMENT_REVIEW):
            parties.add(Party.REVIEWER)
    else:
        if can_write_org_commitment(user, commitment.organisation):
            parties.add(Party.OWNER)
        if can_review_org(user, commitment.organisation):
            parties.add(Party.REVIEWER)
    return parties


def can_view_commitment(user, commitment: Commitment) -> bool:
    """Owners see every state; reviewers what was submitted; anyone in scope (or the public) what is public."""
    if commitment.status in PUBLIC_STATES:
        return True
    parties = parties_for(user, commitment)
    if Party.OWNER in parties:
        return True
    return Party.REVIEWER in parties and commitment.status != CommitmentStatus.DRAFT


def can_moderate_ratings(user, commitment: Commitment) -> bool:
    """The secretary (or office) of the commitment's organisation decides which public comments show."""
    return org_in_scope(user, commitment.organisation, Cap.COMMITMENT_REVIEW)
