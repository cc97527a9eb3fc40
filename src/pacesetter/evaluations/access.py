"""Access rules for the evaluations app's URL names (pages, public pages and API), merged into policy.POLICY.

Setting up and running rounds needs evaluation.manage (secretaries and the office) in the round's scope;
reading rounds and results needs evaluation.view; answering a low-satisfaction case evaluation.rectify; re-opening a closed round is checked in the service (campaign.manage,
the office). Member peer evaluation is open to any signed-in user and checked against the roster.
The public pages are reached with a ballot code, a receipt or a published round.
"""

from pacesetter.core.access import LOGIN, PUBLIC
from pacesetter.orgs.enums import Cap

RULES: dict = {
    "evaluations:round-list": Cap.EVALUATION_VIEW,
    "evaluations:round-create": Cap.EVALUATION_MANAGE,
    "evaluations:round-detail": Cap.EVALUATION_VIEW,
    "evaluations:round-results": Cap.EVALUATION_VIEW,
    "evaluations:round-transition": Cap.EVALUATION_MANAGE,
    "evaluations:round-questions": Cap.EVALUATION_MANAGE,
    "evaluations:round-edit": Cap.EVALUATION_MANAGE,
    "evaluations:round-publish": Cap.EVALUATION_MANAGE,
    "evaluations:round-codes": Cap.EVALUATION_MANAGE,
    "evaluations:round-paper": Cap.EVALUATION_MANAGE,
    "evaluations:round-paper-template": Cap.EVALUATION_MANAGE,
    "evaluations:round-paper-upload": Cap.EVALUATION_MANAGE,
    "evaluations:round-export": Cap.EVALUATION_VIEW,
    "evaluations:round-report": Cap.EVALUATION_VIEW,
    "evaluations:my-rounds": LOGIN,
    "evaluations:peer-ballot": LOGIN,
    "evaluations:case-list": Cap.EVALUATION_RECTIFY,
    # the 具体标准征询问卷 panel of the local-standards page (the view also requires the organisation to be
    # one the user words the standard of: plan.write over it)
    "evaluations:standard-survey": Cap.EVALUATION_VIEW,
    "api-1.0.0:eval-standard-survey": Cap.EVALUATION_VIEW,
    "evaluations:case-answer": Cap.EVALUATION_RECTIFY,
    # 意见建议: read by whoever reads the round (sealed until released); reviewed and released by the office
    "evaluations:round-suggestions": Cap.EVALUATION_VIEW,
    "evaluations:round-suggestions-review": Cap.EVALUATION_SUGGESTIONS,
    "evaluations:round-suggestions-release": Cap.EVALUATION_SUGGESTIONS,
    "api-1.0.0:eval-round-suggestions": Cap.EVALUATION_VIEW,
    "api-1.0.0:eval-round-suggestions-review": Cap.EVALUATION_SUGGESTIONS,
    "api-1.0.0:eval-round-suggestions-release": Cap.EVALUATION_SUGGESTIONS,
    # Public pages under /e/
    "ballots:entry": PUBLIC,
    "ballots:ballot": PUBLIC,
    "ballots:receipt-check": PUBLIC,
    "ballots:ballot-file": PUBLIC,
    "ballots:round-list": PUBLIC,
    "ballots:round-results": PUBLIC,
    # JSON API
    "api-1.0.0:ballot-cast": PUBLIC,
    "api-1.0.0:ballot-form": PUBLIC,
    "api-1.0.0:eval-round-list": {"GET": Cap.EVALUATION_VIEW, "POST": Cap.EVALUATION_MANAGE},
    "api-1.0.0:eval-round-results": Cap.EVALUATION_VIEW,
    "api-1.0.0:eval-peer-cast": LOGIN,
    "api-1.0.0:eval-paper-cast": Cap.EVALUATION_MANAGE,
    "api-1.0.0:eval-paper-import": Cap.EVALUATION_MANAGE,
    "api-1.0.0:eval-round-questions": Cap.EVALUATION_MANAGE,
    "api-1.0.0:eval-round-detail": {"GET": Cap.EVALUATION_VIEW, "PATCH": Cap.EVALUATION_MANAGE},
    "api-1.0.0:eval-round-status": Cap.EVALUATION_MANAGE,
    "api-1.0.0:eval-round-publish": Cap.EVALUATION_MANAGE,
    "api-1.0.0:eval-round-codes": Cap.EVALUATION_MANAGE,
    "api-1.0.0:eval-round-grades": Cap.EVALUATION_VIEW,
    "api-1.0.0:eval-case-list": Cap.EVALUATION_RECTIFY,
    "api-1.0.0:eval-case-answer": Cap.EVALUATION_RECTIFY,
    "api-1.0.0:eval-receipt-check": PUBLIC,
}
