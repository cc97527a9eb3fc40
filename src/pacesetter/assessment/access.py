"""Access rules for the assessment app's URL names, merged into pacesetter.policy.POLICY.

Scope (which schemes, scorecards and scores) is the selectors' business; a member opens their own score
through LOGIN pages that check the object.
"""

from pacesetter.core.access import LOGIN
from pacesetter.orgs.enums import Cap

RULES: dict = {
    "assessment:scheme-list": Cap.ASSESSMENT_VIEW,
    "assessment:scheme-create": Cap.ASSESSMENT_MANAGE,
    "assessment:scheme-detail": Cap.ASSESSMENT_VIEW,
    "assessment:scheme-edit": Cap.ASSESSMENT_MANAGE,
    "assessment:scheme-compute": Cap.ASSESSMENT_MANAGE,
    "assessment:item-add": Cap.ASSESSMENT_ADJUST,
    "assessment:scorecard-detail": Cap.ASSESSMENT_VIEW,
    "assessment:scorecard-progress": Cap.ASSESSMENT_VIEW,
    "assessment:scorecard-publish": Cap.ASSESSMENT_MANAGE,
    "assessment:scorecard-export": Cap.ASSESSMENT_VIEW,
    "assessment:score-detail": LOGIN,
    "assessment:score-adjust": Cap.ASSESSMENT_ADJUST,
    "assessment:score-review": LOGIN,
    "assessment:my-scores": LOGIN,
    "assessment:district-ranking": Cap.PROGRESS_VIEW,
    # JSON API
    "api-1.0.0:assessment-scheme-list": {"GET": Cap.ASSESSMENT_VIEW},
    "api-1.0.0:assessment-scorecard": {"GET": Cap.ASSESSMENT_VIEW},
    "api-1.0.0:assessment-score": {"GET": LOGIN},
    "api-1.0.0:assessment-score-adjust": {"POST": Cap.ASSESSMENT_ADJUST},
    "api-1.0.0:assessment-score-review": {"POST": LOGIN},
    "api-1.0.0:assessment-compute": {"POST": Cap.ASSESSMENT_MANAGE},
    "api-1.0.0:assessment-publish": {"POST": Cap.ASSESSMENT_MANAGE},
    "api-1.0.0:assessment-district-ranking": {"GET": Cap.PROGRESS_VIEW},
}
