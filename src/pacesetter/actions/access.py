"""Access rules for the actions app's URL names, merged into pacesetter.policy.POLICY.

Which organisation's checklist a person may touch is decided object by object (actions.rules): the
organisation links its records, the parent organisation rejects a link, the office defines and marks.
"""

from pacesetter.orgs.enums import Cap

RULES: dict = {
    "actions:checklist": Cap.CAMPAIGN_VIEW,
    "actions:link-create": Cap.RECORD_LOG,
    "actions:link-reject": Cap.PLAN_REVIEW,
    "actions:link-restore": Cap.PLAN_REVIEW,
    "actions:optional-create": Cap.RECORD_LOG,
    "actions:optional-mark": Cap.CAMPAIGN_MANAGE,
    "actions:required-list": {"GET": Cap.CAMPAIGN_VIEW, "POST": Cap.CAMPAIGN_MANAGE},
    "actions:required-delete": Cap.CAMPAIGN_MANAGE,
    # API
    "api-1.0.0:action-checklist": Cap.CAMPAIGN_VIEW,
    "api-1.0.0:action-required": {"GET": Cap.CAMPAIGN_VIEW, "POST": Cap.CAMPAIGN_MANAGE},
    "api-1.0.0:action-link": Cap.RECORD_LOG,
    "api-1.0.0:action-link-reject": Cap.PLAN_REVIEW,
    "api-1.0.0:action-optional": {"GET": Cap.CAMPAIGN_VIEW, "POST": Cap.RECORD_LOG},
    "api-1.0.0:action-optional-mark": Cap.CAMPAIGN_MANAGE,
    "api-1.0.0:action-missing": Cap.PROGRESS_VIEW,
}
