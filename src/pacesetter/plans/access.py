"""Access rules for the plans app's URL names, merged into pacesetter.policy.POLICY.

The rule lets a role reach the view; which plans it may touch is decided object by object (plans.rules):
an organisation writes its own plan, its parent organisation reviews it.
"""

from pacesetter.orgs.enums import Cap

RULES: dict = {
    "plans:plan-home": Cap.PLAN_WRITE,
    "plans:plan-edit": Cap.PLAN_WRITE,
    "plans:plan-detail": Cap.CAMPAIGN_VIEW,  # approved plans are open to everyone in scope
    "plans:plan-submit": Cap.PLAN_WRITE,
    "plans:plan-decide": Cap.PLAN_REVIEW,
    "plans:plan-docx": Cap.CAMPAIGN_VIEW,
    "plans:attachment-upload": Cap.PLAN_WRITE,
    "plans:attachment-download": Cap.CAMPAIGN_VIEW,
    "plans:attachment-delete": Cap.PLAN_WRITE,
    "plans:review-queue": Cap.PLAN_REVIEW,
    "plans:overdue": Cap.PROGRESS_VIEW,
    "plans:overdue-xlsx": Cap.PROGRESS_VIEW,
    "plans:overdue-remind": Cap.CAMPAIGN_MANAGE,
    "plans:summary-docx": Cap.PLAN_REVIEW,
    # API
    "api-1.0.0:plan-org": {"GET": Cap.PLAN_WRITE, "PUT": Cap.PLAN_WRITE},
    "api-1.0.0:plan-detail": Cap.CAMPAIGN_VIEW,
    "api-1.0.0:plan-submit": Cap.PLAN_WRITE,
    "api-1.0.0:plan-decide": Cap.PLAN_REVIEW,
    "api-1.0.0:plan-review-queue": Cap.PLAN_REVIEW,
    "api-1.0.0:plan-progress": Cap.PROGRESS_VIEW,
}
