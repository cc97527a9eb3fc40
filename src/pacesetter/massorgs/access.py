"""Access rules for the massorgs URL names (pages and API), merged into policy.POLICY.

Reading mass organisations needs org.view in scope; keeping them (create, members) groups.manage, which the
service checks again over the mass organisation's Party organisation.
"""

from pacesetter.orgs.enums import Cap

RULES: dict = {
    "massorgs:list": {"GET": Cap.ORG_VIEW, "POST": Cap.GROUPS_MANAGE},
    "massorgs:detail": {"GET": Cap.ORG_VIEW, "POST": Cap.GROUPS_MANAGE},
    "massorgs:member-remove": Cap.GROUPS_MANAGE,
    "api-1.0.0:massorg-list": {"GET": Cap.ORG_VIEW, "POST": Cap.GROUPS_MANAGE},
    "api-1.0.0:massorg-detail": Cap.ORG_VIEW,
    "api-1.0.0:massorg-members": {"GET": Cap.ORG_VIEW, "POST": Cap.GROUPS_MANAGE},
}
