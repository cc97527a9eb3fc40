"""Access rules for the evaluations app's URL names (pages, public pages and API), merged into policy.POLICY.

Setting up and running rounds needs plan.write (secretaries and the office) in the round's scope;
reading results needs progress.view; re-opening a closed round is checked in the service (campaign.manage,
the office). Member peer evaluation is open to any signed-in user and checked against the roster.
The public pages are reached with a ballot code, a receipt or a published round.
"""

from pacesetter.core.access import LOGIN, PUBLIC
from pacesetter.orgs.enums import Cap

RULES: dict = {
    "evaluations:round-list": Cap.PROGRESS_VIEW,
    "evaluations:round-create": Cap.PLAN_WRITE,
    "evaluations:round-detail": Cap.PROGRESS_VIEW,
    "evaluations:round-results": Cap.PROGRESS_VIEW,
    "evaluations:round-transition": Cap.PLAN_WRITE,
    "evaluations:round-questions": Cap.PLAN_WRITE,
    "evaluations:round-edit": Cap.PLAN_WRITE,
    "evaluations:round-publish": Cap.PLAN_WRITE,
    "evaluations:round-codes": Cap.PLAN_WRITE,
    "evaluations:round-paper": Cap.PLAN_WRITE,
    "evaluations:round-paper-template": Cap.PLAN_WRITE,
    "evaluations:round-paper-upload": Cap.PLAN_WRITE,
    "evaluations:round-export": Cap.PROGRESS_VIEW,
    "evaluations:round-report": Cap.PROGRESS_VIEW,
    "evaluations:my-rounds": LOGIN,
    "evaluations:peer-ballot": LOGIN,
    "evaluations:case-list": Cap.PLAN_WRITE,
    "evaluations:case-answer": Cap.PLAN_WRITE,
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
    "api-1.0.0:eval-round-list": {"GET": Cap.PROGRESS_VIEW, "POST": Cap.PLAN_WRITE},
    "api-1.0.0:eval-round-results": Cap.PROGRESS_VIEW,
    "api-1.0.0:eval-peer-cast": LOGIN,
    "api-1.0.0:eval-paper-cast": Cap.PLAN_WRITE,
    "api-1.0.0:eval-paper-import": Cap.PLAN_WRITE,
    "api-1.0.0:eval-round-questions": Cap.PLAN_WRITE,
    "api-1.0.0:eval-round-detail": {"GET": Cap.PROGRESS_VIEW, "PATCH": Cap.PLAN_WRITE},
    "api-1.0.0:eval-round-status": Cap.PLAN_WRITE,
    "api-1.0.0:eval-round-publish": Cap.PLAN_WRITE,
    "api-1.0.0:eval-round-codes": Cap.PLAN_WRITE,
    "api-1.0.0:eval-round-grades": Cap.PROGRESS_VIEW,
    "api-1.0.0:eval-case-list": Cap.PLAN_WRITE,
    "api-1.0.0:eval-case-answer": Cap.PLAN_WRITE,
    "api-1.0.0:eval-receipt-check": PUBLIC,
}
