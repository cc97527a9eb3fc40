"""Who someone is to a programme or a nomination — predicates shared by services, selectors and pages.

The office of a programme holds honours.manage on the commending organisation; a nominator holds
honours.nominate on the nominating organisation; a reviewer holds it on the organisation whose turn it is.
A grant covers its subtree, so a district's office reviews for its towns as well.
"""

from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_in_scope

from .enums import Party
from .models import Nomination, Programme


def is_office(user, programme: Programme) -> bool:
    return user.is_authenticated and org_in_scope(user, programme.organisation, Cap.HONOURS_MANAGE)


def parties_for(user, nomination: Nomination) -> set[str]:
    if not user.is_authenticated:
        return set()
    parties: set[str] = set()
    if org_in_scope(user, nomination.nominator, Cap.HONOURS_NOMINATE):
        parties.add(Party.NOMINATOR)
    # Nobody reviews a nomination of their own organisation: the reviewer is always a level up.
    reviewer = nomination.reviewer
    if (
        reviewer is not None
        and reviewer.pk != nomination.nominator_id
        and (
            org_in_scope(user, reviewer, Cap.HONOURS_NOMINATE)
            or org_in_scope(user, reviewer, Cap.HONOURS_MANAGE)
        )
    ):
        parties.add(Party.REVIEWER)
    if is_office(user, nomination.programme):
        parties.add(Party.OFFICE)
    return parties


def can_view_nomination(user, nomination: Nomination) -> bool:
    return bool(parties_for(user, nomination)) or org_in_scope(user, nomination.nominator, Cap.ORG_VIEW)
