"""Who someone is to an information item or an article (sender, parent, editor): predicates shared by the
services, selectors and pages."""

from pacesetter.orgs.enums import ROLE_CAPS, Cap
from pacesetter.orgs.models import SEGMENT, Organisation
from pacesetter.orgs.selectors import grants_for

from .enums import Party


def _covers(user, path: str, cap: str) -> bool:
    return bool(path) and any(path.startswith(g.path) for g in grants_for(user) if cap in ROLE_CAPS[g.role])


def can_draft_for(user, org: Organisation) -> bool:
    """Drafting (secretaries, editors, the office) for `org` or an organisation under their grant."""
    return _covers(user, org.path, Cap.PUBLICITY_DRAFT)


def can_publish_for(user, org: Organisation) -> bool:
    return _covers(user, org.path, Cap.PUBLICITY_PUBLISH)


def item_parties(user, org: Organisation) -> set[str]:
    """What `user` is to an item sent by `org`: its sender, its parent's drafter, an editor over it."""
    if not user.is_authenticated:
        return set()
    parties: set[str] = set()
    if can_draft_for(user, org):
        parties.add(Party.SENDER)
    if _covers(user, org.path[:-SEGMENT], Cap.PUBLICITY_DRAFT):
        parties.add(Party.PARENT)
    if can_publish_for(user, org):
        parties.add(Party.EDITOR)
    return parties


def article_parties(user, org: Organisation) -> set[str]:
    if not user.is_authenticated:
        return set()
    parties: set[str] = set()
    if can_draft_for(user, org):
        parties.add(Party.SENDER)
    if can_publish_for(user, org):
        parties.add(Party.EDITOR)
    return parties
