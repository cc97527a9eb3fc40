"""Who someone is to a case (handler, office) — predicates shared by services, selectors and pages.

Handlers are those holding case.handle on the owning organisation or an ancestor (a grant covers its
subtree); the member a case names never sees it, whatever their role. Inspectors (case.view without
case.handle, e.g. the 督查 role) read the cases of their subtree: no step of the table is theirs, and they do
not see who reported. So does the organisation that first handled a case the parent has since taken up
(复查 after a 不满意 rating, 督办): it reads how its case ends.
"""

from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import scope_for

from .enums import CaseStatus, Party
from .models import Case


def _covers(user, path: str, cap: str) -> bool:
    return bool(path) and any(path.startswith(p) for p in scope_for(user, cap).roots)


def parties_for(user, case: Case) -> set[str]:
    if not user.is_authenticated or (case.hidden_from_id is not None and case.hidden_from_id == user.pk):
        return set()
    parties: set[str] = set()
    if case.status != CaseStatus.TRIAGE and _covers(user, case.path, Cap.CASE_HANDLE):
        parties.add(Party.HANDLER)
    if _covers(user, case.path, Cap.CASE_TRIAGE):
        parties.add(Party.OFFICE)
    if not parties and case.status != CaseStatus.TRIAGE and _covers(user, case.path, Cap.CASE_VIEW):
        parties.add(Party.INSPECTOR)
    if (
        not parties
        and case.first_owner_id is not None
        and case.first_owner_id != case.owner_id
        and bool(case.path)
        and case.first_owner.path.startswith(case.path)  # taken up by an ancestor, not transferred aside
        and _covers(user, case.first_owner.path, Cap.CASE_HANDLE)
    ):
        parties.add(Party.FORMER)
    return parties


def can_view_case(user, case: Case) -> bool:
    return bool(parties_for(user, case))


def can_triage(user, case: Case) -> bool:
    return Party.OFFICE in parties_for(user, case)


def can_see_reporter(user, case: Case) -> bool:
    """The reporter's identity is for those who handle the case (never inspectors, exports or the public)."""
    return bool(parties_for(user, case) & {Party.HANDLER, Party.OFFICE})
