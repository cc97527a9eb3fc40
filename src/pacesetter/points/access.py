"""Access rules for the points app's URL names (pages and API), merged into policy.POLICY.

"login" pages check object by object: a member reads their own account and claims; whoever holds
person.view over the member reads the account; a claim's decider is checked by the rule's manual_by.
"""

from pacesetter.core.access import LOGIN
from pacesetter.orgs.enums import Cap

RULES: dict = {
    "points:home": LOGIN,
    "points:member-account": LOGIN,
    "points:account-xlsx": LOGIN,
    "points:claim-queue": Cap.POINTS_AWARD,
    "points:claim-create": LOGIN,
    "points:claim-detail": LOGIN,
    "points:claim-evidence": LOGIN,
    "points:award": Cap.POINTS_AWARD,
    "points:period-list": Cap.POINTS_MANAGE,
    "points:period-detail": Cap.POINTS_MANAGE,
    "points:period-transition": Cap.POINTS_MANAGE,
    "points:period-sweep": Cap.POINTS_MANAGE,
    "points:rule-edit": Cap.POINTS_MANAGE,
    "points:rule-transition": Cap.POINTS_MANAGE,
    "points:member-standing": Cap.ORG_VIEW,
    "points:member-standing-xlsx": Cap.ORG_VIEW,
    "points:org-standing": Cap.ORG_VIEW,
    "points:org-standing-xlsx": Cap.ORG_VIEW,
    # JSON API
    "api-1.0.0:point-periods": {"GET": LOGIN, "POST": Cap.POINTS_MANAGE},
    "api-1.0.0:point-period-transition": Cap.POINTS_MANAGE,
    "api-1.0.0:point-period-sweep": Cap.POINTS_MANAGE,
    "api-1.0.0:point-rules": {"GET": LOGIN, "POST": Cap.POINTS_MANAGE},
    "api-1.0.0:point-rule": {"PATCH": Cap.POINTS_MANAGE},
    "api-1.0.0:point-rule-transition": Cap.POINTS_MANAGE,
    "api-1.0.0:point-account": LOGIN,
    "api-1.0.0:point-awards": Cap.POINTS_AWARD,
    "api-1.0.0:point-claims": {"GET": LOGIN, "POST": LOGIN},
    "api-1.0.0:point-claim-transition": LOGIN,
    "api-1.0.0:point-member-standing": Cap.ORG_VIEW,
    "api-1.0.0:point-org-standing": Cap.ORG_VIEW,
}
