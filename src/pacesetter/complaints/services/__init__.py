"""Writes to cases: filing (public and by other apps), routing, every status change, verification, reply,
rating, publication, accountability notes, rectification orders, status queries and the deadline sweep.

Each service checks permission first, validates, changes inside one transaction and writes an audit entry
and a CaseEvent. `machine._transition` is the only code that assigns Case.status.

Opening a case from another app (one engine for every kind; each returns (case, query password)):

- `objection_open(actor=None, handler=…, subject_org=…, subject_member=None, text=…, source_type=…,
  source_id=…, name=…, phone=…)` — an objection (公示异议) raised during a commendation's public notice. It
  goes to `handler`, the organisation that published the notice (not the nominee), and is hidden from the
  member it names if that member handles cases there (then it goes one level up). Deadlines KIND_DAYS
  [objection]: acknowledge 1, verify 5, reply 7, close 10 working days. The objector may be anonymous
  (actor None, no phone) or real-name (name + phone); a signed-in actor is recorded as the filer.
- `review_request_open(actor=…, assessed=…, handler=None, text=…, source_type=…, source_id=…)` — a request
  for review of an assessment grade (复核). Filed by someone who holds supervision.respond over the assessed
  organisation (its secretary, the office) or by the member whose grade it is (`member=`); it goes to
  `handler`, the organisation that graded (default: the assessed organisation's parent). Deadlines
  KIND_DAYS[review_request]: 2 / 10 / 15 / 20 working days.
- `case_open(actor=…, kind=…, organisation=…, text=…)` — the general form (the low-satisfaction cases of
  evaluations use it with actor None, a system call). A signed-in actor must hold case.handle, case.triage
  or supervision.manage over the organisation (inspectors open cases in their scope).

All kinds then follow the one transition table (TRANSITIONS in enums.py): acknowledge, verify, reply,
close; the sweep flags overdue deadlines and escalates. `source_type` / `source_id` name the calling app's
row (the index case_source_idx finds a row's case: `Case.objects.filter(source_type=…, source_id=…)`).

By topic: `filing` (public reports, cases opened by other apps, objections, 复核 requests), `machine` (the
state machine and the handler's steps), `office` (category, publication, accountability notes, rectification),
`query` (the reporter's status query), `sweep` (deadlines); `_common` holds routing, numbering and events.
Callers import this package.
"""

from ._common import DEADLINES, NOTE_MAX, PASSWORD_ALPHABET, address_hash, deadlines_for, route
from .filing import (
    DEFAULT_CATEGORIES,
    LOW_SATISFACTION_SOURCE,
    case_file_public,
    case_open,
    categories_ensure,
    low_satisfaction_answer,
    objection_open,
    review_request_open,
)
from .machine import (
    allowed_actions,
    case_acknowledge,
    case_assign,
    case_close,
    case_decline,
    case_rate,
    case_reply,
    case_review_conclude,
    case_transfer,
    case_verify,
)
from .office import accountability_note_add, case_publish, case_recategorise, case_rectify
from .query import case_query
from .sweep import cases_sweep

__all__ = [
    "DEADLINES",
    "NOTE_MAX",
    "PASSWORD_ALPHABET",
    "address_hash",
    "deadlines_for",
    "route",
    "DEFAULT_CATEGORIES",
    "LOW_SATISFACTION_SOURCE",
    "case_file_public",
    "case_open",
    "categories_ensure",
    "low_satisfaction_answer",
    "objection_open",
    "review_request_open",
    "allowed_actions",
    "case_acknowledge",
    "case_assign",
    "case_close",
    "case_decline",
    "case_rate",
    "case_reply",
    "case_review_conclude",
    "case_transfer",
    "case_verify",
    "accountability_note_add",
    "case_publish",
    "case_recategorise",
    "case_rectify",
    "case_query",
    "cases_sweep",
]
