"""Access rules for the commitments app's URL names (pages, public wall, API), merged into policy.POLICY.

"login" pages check object by object through the selectors and rules (an owner, a reviewer, or anyone
who may see a public commitment); "public" pages show only published commitments.
"""

from pacesetter.core.access import LOGIN, PUBLIC
from pacesetter.orgs.enums import Cap

RULES: dict = {
    "commitments:commitment-list": LOGIN,
    "commitments:commitment-create": Cap.COMMITMENT_WRITE,
    "commitments:post-set": Cap.COMMITMENT_WRITE,
    "commitments:commitment-detail": LOGIN,
    "commitments:commitment-edit": Cap.COMMITMENT_WRITE,
    "commitments:commitment-transition": LOGIN,  # owners (write) and reviewers (review): decided per object
    "commitments:progress-add": Cap.COMMITMENT_WRITE,
    "commitments:report-file": Cap.COMMITMENT_WRITE,
    "commitments:commitment-rate": LOGIN,
    "commitments:poster-docx": LOGIN,
    "commitments:mass-org-commitments": Cap.ORG_VIEW,  # as massorgs:detail, which loads it
    "commitments:review-queue": Cap.COMMITMENT_REVIEW,
    "commitments:unreported-list": Cap.COMMITMENT_REVIEW,
    "commitments:moderation-queue": Cap.COMMITMENT_REVIEW,
    "commitments:rating-moderate": Cap.COMMITMENT_REVIEW,
    "commitments:org-pledge-docx": Cap.ORG_VIEW,
    "commitments:member-pledge-docx": LOGIN,
    "commitments:wall-xlsx": Cap.ORG_VIEW,
    "commitments:stats": Cap.PROGRESS_VIEW,
    "commitments:slip-sheet": Cap.COMMITMENT_REVIEW,
    # The public commitment wall (示诺): no sign-in, published commitments only.
    "wall:wall": PUBLIC,
    "wall:commitment": PUBLIC,
    "wall:rate": PUBLIC,
    "wall:rate-code": PUBLIC,
    "wall:slip": PUBLIC,
    "wall:org": PUBLIC,
    "wall:attachment": PUBLIC,
    # JSON API
    "api-1.0.0:commitment-list": {"GET": LOGIN, "POST": Cap.COMMITMENT_WRITE},
    "api-1.0.0:commitment-detail": {"GET": LOGIN, "PATCH": Cap.COMMITMENT_WRITE},
    "api-1.0.0:commitment-transition": LOGIN,
    "api-1.0.0:commitment-events": LOGIN,
    "api-1.0.0:commitment-progress": {"GET": LOGIN, "POST": Cap.COMMITMENT_WRITE},
    "api-1.0.0:commitment-report": Cap.COMMITMENT_WRITE,
    "api-1.0.0:commitment-ratings": {"POST": LOGIN},
    "api-1.0.0:commitment-post": {"PUT": Cap.COMMITMENT_WRITE},
    "api-1.0.0:commitment-review-queue": Cap.COMMITMENT_REVIEW,
    "api-1.0.0:commitment-moderation": Cap.COMMITMENT_REVIEW,
    "api-1.0.0:rating-moderate": Cap.COMMITMENT_REVIEW,
    "api-1.0.0:commitment-stats": Cap.PROGRESS_VIEW,
    "api-1.0.0:commitment-wall": PUBLIC,
    "api-1.0.0:wall-phone-code": PUBLIC,
    "api-1.0.0:wall-ratings": PUBLIC,
    # 问题清单 (loop)
    "commitments:problem-list": {"GET": Cap.CAMPAIGN_VIEW, "POST": Cap.COMMITMENT_WRITE},
    "commitments:problem-import": Cap.COMMITMENT_WRITE,
    "commitments:problem-template": Cap.COMMITMENT_WRITE,
    "commitments:problem-transition": Cap.COMMITMENT_WRITE,
    "commitments:problem-link": Cap.COMMITMENT_WRITE,
    "api-1.0.0:problem-list": {"GET": Cap.CAMPAIGN_VIEW, "POST": Cap.COMMITMENT_WRITE},
    "api-1.0.0:problem-transition": Cap.COMMITMENT_WRITE,
    "api-1.0.0:problem-link": Cap.COMMITMENT_WRITE,
    "api-1.0.0:problem-import": Cap.COMMITMENT_WRITE,
}
