"""Who may do what with an evaluation round (scope: the subtree of the round's organisation)."""

from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_in_scope

# Setting up and running rounds, codes and paper entry: evaluation.manage (secretaries and the office);
# rounds and their results: evaluation.view (also leaders and inspectors); answering a low-satisfaction
# case: evaluation.rectify; re-opening a closed round is the office's (campaign.manage).
MANAGE_CAP = Cap.EVALUATION_MANAGE
REOPEN_CAP = Cap.CAMPAIGN_MANAGE
VIEW_CAP = Cap.EVALUATION_VIEW
RECTIFY_CAP = Cap.EVALUATION_RECTIFY


def can_manage_round(user, round_) -> bool:
    return org_in_scope(user, round_.organisation, MANAGE_CAP)


def can_reopen_round(user, round_) -> bool:
    return org_in_scope(user, round_.organisation, REOPEN_CAP)


def can_view_round(user, round_) -> bool:
    return org_in_scope(user, round_.organisation, VIEW_CAP)


def can_enter_paper_ballots(user, round_) -> bool:
    return org_in_scope(user, round_.organisation, MANAGE_CAP)


def can_answer_case(user, case) -> bool:
    return org_in_scope(user, case.organisation, RECTIFY_CAP)


def can_review_suggestions(user, round_) -> bool:
    """意见建议 are reviewed and released by the office (evaluation.suggestions) over the round's organisation."""
    return org_in_scope(user, round_.organisation, Cap.EVALUATION_SUGGESTIONS)
