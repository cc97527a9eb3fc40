"""Who may log, change and run records (记实登记): predicates the services and pages share."""

from pacesetter.orgs.enums import ROLE_CAPS, Cap, Role
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import acts_as_member, grants_for

from .models import ActivityRecord


def can_log_org_record(user, org: Organisation) -> bool:
    """Organisation records need 记实登记 through a secretary's or the office's grant on the org's subtree.

    A member's grant also carries RECORD_LOG, but only for their own personal records, so it is left out.
    """
    return any(
        g.role != Role.MEMBER and Cap.RECORD_LOG in ROLE_CAPS[g.role] and org.path.startswith(g.path)
        for g in grants_for(user)
    )


def can_log_any_org_record(user) -> bool:
    return any(g.role != Role.MEMBER and Cap.RECORD_LOG in ROLE_CAPS[g.role] for g in grants_for(user))


def can_log_personal_record(user, member: Member) -> bool:
    """A member logs personal records for themselves only: the Member linked to the signed-in account."""
    return acts_as_member(user, member, Cap.RECORD_LOG)


def can_edit_record(user, record: ActivityRecord) -> bool:
    """Edit, delete and add photos: whoever may log such a record, while it is not deleted."""
    if record.is_deleted:
        return False
    if record.member_id is not None:
        return can_log_personal_record(user, record.member)
    return can_log_org_record(user, record.organisation)


def can_manage_meeting(user, record: ActivityRecord) -> bool:
    """Open/close QR sign-in and mark attendance: the secretary (or office) of the meeting's organisation."""
    return record.is_meeting and record.member_id is None and can_edit_record(user, record)


def can_check_record(user, record: ActivityRecord) -> bool:
    """检查: an organisation's records are checked by its parent (a grant strictly above the organisation;
    the office alone for a top-level organisation); a member's personal records by their branch (a grant
    on the branch or above). Nobody checks their own personal record.
    """
    if record.is_deleted or not user.is_authenticated:
        return False
    path = record.organisation.path
    for g in grants_for(user):
        if g.role == Role.MEMBER or Cap.RECORD_CHECK not in ROLE_CAPS[g.role]:
            continue
        if record.member_id is not None:
            if path.startswith(g.path) and record.member.user_id != user.pk:
                return True
        elif (path.startswith(g.path) and len(g.path) < len(path)) or (
            g.path == path and record.organisation.parent_id is None and g.role == Role.OFFICE
        ):
            return True
    return False
