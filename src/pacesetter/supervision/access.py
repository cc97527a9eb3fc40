"""Access rules for the supervision app's URL names (pages and API), merged into pacesetter.policy.POLICY.

A rule lets a role reach the view; which objects it may touch is decided by the selectors and rules.py:
a leader reviews only their liaison organisations (联系点), a guiding body the organisations of its sector
line (行业指导点评); the reviewed organisation answers
(supervision.respond); the office plans inspections, draws and notices (campaign.manage); inspectors file
records and findings (supervision.manage); the issuer or the office verifies rectification.
"""

from pacesetter.core.access import LOGIN, PUBLIC
from pacesetter.orgs.enums import Cap

RULES: dict = {
    "supervision:home": Cap.PROGRESS_VIEW,
    "supervision:liaison-list": Cap.PROGRESS_VIEW,
    "supervision:review-list": Cap.PROGRESS_VIEW,
    "supervision:review-create": Cap.REVIEW_WRITE,
    "supervision:guidance-review-create": Cap.GUIDANCE_REVIEW,  # 行业指导点评 (#18): a guiding body
    "supervision:review-detail": Cap.PROGRESS_VIEW,
    "supervision:review-docx": Cap.PROGRESS_VIEW,
    "supervision:review-respond": Cap.SUPERVISION_RESPOND,
    "supervision:review-publish": Cap.REVIEW_WRITE,
    "supervision:review-rectify": Cap.REVIEW_WRITE,
    "supervision:rectification-list": Cap.PROGRESS_VIEW,
    "supervision:rectification-detail": Cap.PROGRESS_VIEW,
    "supervision:rectification-report": Cap.SUPERVISION_RESPOND,
    "supervision:rectification-verify": Cap.PROGRESS_VIEW,  # issuer (leader/inspector) or office; checked in the service
    "supervision:evidence-download": Cap.PROGRESS_VIEW,
    "supervision:team-list": Cap.SUPERVISION_MANAGE,
    "supervision:team-create": Cap.CAMPAIGN_MANAGE,
    "supervision:inspection-list": Cap.PROGRESS_VIEW,
    "supervision:inspection-create": Cap.CAMPAIGN_MANAGE,
    "supervision:inspection-detail": Cap.PROGRESS_VIEW,
    "supervision:inspection-file": Cap.SUPERVISION_MANAGE,
    "supervision:inspection-cancel": Cap.SUPERVISION_MANAGE,  # office or a team member; checked in the service
    "supervision:finding-add": Cap.SUPERVISION_MANAGE,
    "supervision:finding-rectify": Cap.SUPERVISION_MANAGE,
    "supervision:case-rectify": Cap.SUPERVISION_MANAGE,
    "supervision:draw-list": Cap.SUPERVISION_MANAGE,
    "supervision:draw-create": Cap.CAMPAIGN_MANAGE,
    "supervision:draw-public": PUBLIC,
    "supervision:holiday-year": Cap.CAMPAIGN_MANAGE,  # editing: an office on a top-level organisation (service)
    "supervision:notice-list": Cap.ORG_VIEW,
    "supervision:notice-create": Cap.CAMPAIGN_MANAGE,
    "supervision:notice-detail": Cap.ORG_VIEW,
    "supervision:notice-edit": Cap.CAMPAIGN_MANAGE,
    "supervision:notice-issue": Cap.CAMPAIGN_MANAGE,
    "supervision:notice-docx": Cap.ORG_VIEW,
    # members (#19): a member reads their own reviews (checked object by object), the branch and above theirs
    "supervision:member-review-list": LOGIN,
    "supervision:member-review-create": Cap.MEMBER_REVIEW,
    "supervision:member-review-detail": LOGIN,
    "supervision:member-review-acknowledge": LOGIN,
    "supervision:session-list": Cap.PROGRESS_VIEW,
    "supervision:session-create": Cap.MEMBER_REVIEW,
    "supervision:session-check": Cap.PROGRESS_VIEW,
    "supervision:session-detail": Cap.PROGRESS_VIEW,
    "supervision:session-attendance": Cap.MEMBER_REVIEW,
    "supervision:session-review-org": Cap.MEMBER_REVIEW,
    "supervision:session-close": Cap.MEMBER_REVIEW,
    "api-1.0.0:sup-member-review-list": {"GET": LOGIN, "POST": Cap.MEMBER_REVIEW},
    "api-1.0.0:sup-member-review-detail": LOGIN,
    "api-1.0.0:sup-member-review-acknowledge": LOGIN,
    "api-1.0.0:sup-session-list": {"GET": Cap.PROGRESS_VIEW, "POST": Cap.MEMBER_REVIEW},
    "api-1.0.0:sup-session-detail": Cap.PROGRESS_VIEW,
    "api-1.0.0:sup-session-review": Cap.MEMBER_REVIEW,
    "api-1.0.0:sup-session-close": Cap.MEMBER_REVIEW,
    "api-1.0.0:sup-session-check": Cap.PROGRESS_VIEW,
    # JSON API
    "api-1.0.0:sup-liaison-list": Cap.PROGRESS_VIEW,
    "api-1.0.0:sup-review-list": {"GET": Cap.PROGRESS_VIEW, "POST": Cap.REVIEW_WRITE},
    "api-1.0.0:sup-guidance-review-create": {"POST": Cap.GUIDANCE_REVIEW},
    "api-1.0.0:sup-review-detail": Cap.PROGRESS_VIEW,
    "api-1.0.0:sup-review-respond": Cap.SUPERVISION_RESPOND,
    "api-1.0.0:sup-review-publish": Cap.REVIEW_WRITE,
    "api-1.0.0:sup-rectification-list": {"GET": Cap.PROGRESS_VIEW, "POST": Cap.PROGRESS_VIEW},
    "api-1.0.0:sup-rectification-detail": Cap.PROGRESS_VIEW,
    "api-1.0.0:sup-holiday-year": Cap.CAMPAIGN_MANAGE,
    "api-1.0.0:sup-rectification-report": Cap.SUPERVISION_RESPOND,
    "api-1.0.0:sup-rectification-verify": Cap.PROGRESS_VIEW,
    "api-1.0.0:sup-rectification-evidence": Cap.PROGRESS_VIEW,
    "api-1.0.0:sup-evidence-download": Cap.PROGRESS_VIEW,
    "api-1.0.0:sup-team-list": {"GET": Cap.SUPERVISION_MANAGE, "POST": Cap.CAMPAIGN_MANAGE},
    "api-1.0.0:sup-inspection-list": {"GET": Cap.PROGRESS_VIEW, "POST": Cap.CAMPAIGN_MANAGE},
    "api-1.0.0:sup-inspection-detail": Cap.PROGRESS_VIEW,
    "api-1.0.0:sup-inspection-file": Cap.SUPERVISION_MANAGE,
    "api-1.0.0:sup-inspection-cancel": Cap.SUPERVISION_MANAGE,
    "api-1.0.0:sup-finding-add": Cap.SUPERVISION_MANAGE,
    "api-1.0.0:sup-draw-list": {"GET": Cap.SUPERVISION_MANAGE, "POST": Cap.CAMPAIGN_MANAGE},
    "api-1.0.0:sup-draw-detail": PUBLIC,
    "api-1.0.0:sup-notice-list": {"GET": Cap.ORG_VIEW, "POST": Cap.CAMPAIGN_MANAGE},
    "api-1.0.0:sup-notice-detail": {"GET": Cap.ORG_VIEW, "PATCH": Cap.CAMPAIGN_MANAGE},
    "api-1.0.0:sup-notice-issue": Cap.CAMPAIGN_MANAGE,
}
