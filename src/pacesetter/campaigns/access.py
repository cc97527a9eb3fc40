"""Access rules for the campaigns app's URL names, merged into pacesetter.policy.POLICY.

Who may reach a page at all; which campaign and which organisation is the selectors' business.
"""

from pacesetter.orgs.enums import Cap

VIEW, MANAGE, WRITE = Cap.CAMPAIGN_VIEW, Cap.CAMPAIGN_MANAGE, Cap.PLAN_WRITE

RULES: dict = {
    # Pages
    "campaigns:campaign-list": VIEW,
    "campaigns:campaign-create": MANAGE,
    "campaigns:campaign-detail": VIEW,
    "campaigns:campaign-edit": MANAGE,
    "campaigns:campaign-transition": MANAGE,
    "campaigns:stage-create": MANAGE,
    "campaigns:stage-edit": MANAGE,
    "campaigns:stage-layout": MANAGE,
    "campaigns:milestone-create": MANAGE,
    "campaigns:milestone-delete": MANAGE,
    "campaigns:step-edit": MANAGE,
    "campaigns:extension-create": MANAGE,
    "campaigns:criteria-list": {"GET": VIEW, "POST": MANAGE},
    "campaigns:criteria-edit": MANAGE,
    "campaigns:campaign-org": VIEW,
    "campaigns:theme-edit": WRITE,
    "campaigns:group-edit": WRITE,
    "campaigns:pairing-list": VIEW,
    "campaigns:pairing-create": MANAGE,
    "campaigns:pairing-detail": {"GET": VIEW, "POST": WRITE},
    # API
    "api-1.0.0:campaign-list": {"GET": VIEW, "POST": MANAGE},
    "api-1.0.0:campaign-detail": VIEW,
    "api-1.0.0:campaign-transition": MANAGE,
    "api-1.0.0:campaign-window": VIEW,
    "api-1.0.0:stage-create": MANAGE,
    "api-1.0.0:stage-detail": {"PATCH": MANAGE},
    "api-1.0.0:stage-layout": MANAGE,
    "api-1.0.0:step-create": MANAGE,
    "api-1.0.0:step-detail": {"PATCH": MANAGE},
    "api-1.0.0:extension-create": MANAGE,
    "api-1.0.0:criteria-list": VIEW,
    "api-1.0.0:criteria-detail": {"GET": VIEW, "PUT": MANAGE},
    "api-1.0.0:org-theme": {"GET": VIEW, "PUT": WRITE},
    "api-1.0.0:org-group": {"GET": VIEW, "PUT": WRITE},
    "api-1.0.0:pairing-list": {"GET": VIEW, "POST": MANAGE},
    "api-1.0.0:pairing-note": WRITE,
    # requirements per member status (loop)
    "campaigns:member-requirements": MANAGE,
    "api-1.0.0:member-requirements": {"GET": VIEW, "PUT": MANAGE},
    # local standards (loop): an organisation words the items; the office adds 五个模范, allows wording
    "campaigns:local-criteria": WRITE,
    "campaigns:criteria-preset": MANAGE,
    "campaigns:criteria-allow-local": MANAGE,
    "api-1.0.0:local-criteria": {"GET": WRITE, "PUT": WRITE},
    "api-1.0.0:criteria-preset": MANAGE,
}
