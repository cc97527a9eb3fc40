"""Access rules for the plans app's URL names, merged into pacesetter.policy.POLICY.

The rule lets a role reach the view; which plans it may touch is decided object by object (plans.rules):
an organisation writes its own plan, its parent organisation reviews it.
"""

from pacesetter.core.access import PUBLIC
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
    # 征求意见 (loop): the drafter manages; the public page needs no sign-in
    "plans:consultation": Cap.PLAN_WRITE,
    "plans:consultation-answer": Cap.PLAN_WRITE,
    "plans:consultation-comment-moderate": Cap.PLAN_WRITE,
    "plans:consultation-comment-answer": Cap.PLAN_WRITE,
    "consult:consultation": PUBLIC,
    "consult:comment": PUBLIC,
    "consult:comment-code": PUBLIC,
    # API
    "api-1.0.0:plan-org": {"GET": Cap.PLAN_WRITE, "PUT": Cap.PLAN_WRITE},
    "api-1.0.0:plan-detail": Cap.CAMPAIGN_VIEW,
    "api-1.0.0:plan-submit": Cap.PLAN_WRITE,
    "api-1.0.0:plan-decide": Cap.PLAN_REVIEW,
    "api-1.0.0:plan-review-queue": Cap.PLAN_REVIEW,
    "api-1.0.0:plan-progress": Cap.PROGRESS_VIEW,
    "api-1.0.0:plan-consultation": {"GET": Cap.PLAN_WRITE, "POST": Cap.PLAN_WRITE},
    "api-1.0.0:plan-consultation-answer": Cap.PLAN_WRITE,
    "api-1.0.0:plan-consultation-comment-moderate": Cap.PLAN_WRITE,
    "api-1.0.0:plan-consultation-comment-answer": Cap.PLAN_WRITE,
    "api-1.0.0:public-consultation": PUBLIC,
    "api-1.0.0:public-consultation-phone-code": PUBLIC,
    "api-1.0.0:public-consultation-comments": PUBLIC,
}
