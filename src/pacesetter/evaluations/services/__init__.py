"""Writes for evaluations, by topic: set-up (`rounds`), status (`status`), codes, the rate limit, the public
ballot (`ballot`), storing sheets (`casting`), peer ballots (`members`), receipts, grades and cases.

Callers import this package (`from pacesetter.evaluations import services`); each name below lives in
exactly one module of it.
"""

from .ballot import (
    ENTERED_CHANNELS,
    ballot_cast_code,
    ballot_enter_paper,
    ballot_open,
    code_refusal,
    codes_refusals,
    require_accepting,
)
from .cases import case_answer
from .codes import MAX_CODES_PER_BATCH, codes_generate
from .grades import grade_lines_for, register_grade_lines_provider
from .members import ballot_cast_member
from .ratelimit import ATTEMPT_WINDOW_SECONDS, MAX_FAILED_CODES, code_attempt_failed, code_attempts_check
from .receipts import canonical_content, receipt_for, receipts_digest
from .rounds import (
    MAX_TARGETS,
    ROUND_SETTINGS,
    default_window,
    require_in_step_window,
    round_capability,
    round_create,
    round_questions_set,
    round_set_up,
    round_update,
)
from .status import round_publish, round_transition, rounds_close_due
from .suggestions import (
    suggestion_clean,
    suggestions_release,
    suggestions_review,
)

__all__ = [
    "grade_lines_for",
    "register_grade_lines_provider",
    "ATTEMPT_WINDOW_SECONDS",
    "ENTERED_CHANNELS",
    "MAX_CODES_PER_BATCH",
    "MAX_FAILED_CODES",
    "MAX_TARGETS",
    "ROUND_SETTINGS",
    "ballot_cast_code",
    "ballot_cast_member",
    "ballot_enter_paper",
    "canonical_content",
    "case_answer",
    "code_attempt_failed",
    "code_attempts_check",
    "ballot_open",
    "code_refusal",
    "codes_refusals",
    "require_accepting",
    "codes_generate",
    "default_window",
    "receipt_for",
    "receipts_digest",
    "require_in_step_window",
    "round_capability",
    "round_create",
    "round_publish",
    "round_questions_set",
    "round_set_up",
    "round_transition",
    "round_update",
    "rounds_close_due",
    "suggestion_clean",
    "suggestions_release",
    "suggestions_review",
]
