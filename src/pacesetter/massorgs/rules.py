"""Who may keep a mass organisation: groups.manage over its Party organisation; reading needs org.view."""

from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_in_scope

MANAGE_CAP = Cap.GROUPS_MANAGE
VIEW_CAP = Cap.ORG_VIEW


def can_manage_mass_org(user, party_org) -> bool:
    return org_in_scope(user, party_org, MANAGE_CAP)


def can_see_mass_member_phone(user, mass_org) -> bool:
    return org_in_scope(user, mass_org.party_org, Cap.PERSON_PII)
