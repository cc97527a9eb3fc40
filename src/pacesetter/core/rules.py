"""Who may do what in core: the background-task pages belong to the office at the top of the tree."""

from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import SEGMENT
from pacesetter.orgs.selectors import scope_paths


def can_manage_tasks(user) -> bool:
    """Tasks serve the whole site (their errors may name any organisation): a root-level office only."""
    return any(len(p) <= SEGMENT for p in scope_paths(user, Cap.ROLE_MANAGE))
