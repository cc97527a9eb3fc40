"""Low-satisfaction rectification cases: flagged when a round closes, answered by the organisation."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import ValidationError
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import Member, RoleGrant

from ..enums import (
    CaseStatus,
)
from ..models import (
    LowSatisfactionCase,
    Round,
)
from ..rules import can_answer_case
from .base import _require


def _flag_low_satisfaction(round_: Round) -> int:
    """Open a rectification case for every target below the threshold; notify the secretaries who answer.

    An organisation answers for itself; a member's case goes to the secretary of the member's organisation.
    """
    from ..results import round_results

    results = round_results(round_)
    flagged = [t for t in results.targets if t.low_satisfaction]
    if round_.is_member_subject and flagged:
        org_of = dict(
            Member.objects.filter(pk__in=[t.member_id for t in flagged]).values_list("pk", "organisation_id")
        )
        for t in flagged:
            t.organisation_id = org_of[t.member_id]
    existing = set(LowSatisfactionCase.objects.filter(round=round_).values_list("target_id", flat=True))
    cases = [
        LowSatisfactionCase(
            round=round_,
            target_id=t.target_id,
            organisation_id=t.organisation_id,
            satisfaction=Decimal(str(round(t.satisfaction, 1))),
        )
        for t in flagged
        if t.target_id not in existing
    ]
    LowSatisfactionCase.objects.bulk_create(cases)
    _open_engine_cases(round_, [c.pk for c in cases] if all(c.pk for c in cases) else None)
    if cases:
        org_ids = [c.organisation_id for c in cases]
        secretaries = {
            g.user
            for g in RoleGrant.objects.select_related("user").filter(
                organisation_id__in=org_ids, role=Role.SECRETARY, revoked_at__isnull=True
            )
        }
        notify(
            recipients=secretaries,
            title=_("满意度过低 — 需分析原因、整改提高：%(n)s") % {"n": round_.name},
            body=_("请在“评议整改”中报送原因分析和整改措施。"),
            url="/evaluations/cases/",
        )
    return len(cases)


def _open_engine_cases(round_: Round, ids) -> None:
    """Each new low-satisfaction case is a case on the one engine (complaints.Case, kind low_satisfaction)."""
    from pacesetter.complaints.enums import CaseKind
    from pacesetter.complaints.services import LOW_SATISFACTION_SOURCE, case_open

    qs = LowSatisfactionCase.objects.select_related("organisation").filter(round=round_, case__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    for low in qs:
        case, _password = case_open(
            actor=None,
            kind=CaseKind.LOW_SATISFACTION,
            organisation=low.organisation,
            text=_("“%(r)s”群众评议满意度 %(s)s%%，低于要求，请分析原因、整改提高。")
            % {"r": round_.name, "s": low.satisfaction},
            source_type=LOW_SATISFACTION_SOURCE,
            source_id=low.pk,
            quiet=True,
        )
        LowSatisfactionCase.objects.filter(pk=low.pk).update(case=case)


@transaction.atomic
def case_answer(*, actor, case: LowSatisfactionCase, analysis: str, measures: str) -> LowSatisfactionCase:
    """The organisation's answer to a low-satisfaction flag: cause analysis and rectification measures."""
    _require(can_answer_case(actor, case))
    analysis, measures = (analysis or "").strip(), (measures or "").strip()
    if len(analysis) < 10:
        raise ValidationError(_("请认真分析原因（至少 10 个字）"), field="analysis")
    if len(measures) < 10:
        raise ValidationError(_("请写明整改措施（至少 10 个字）"), field="measures")
    before = {"status": case.status, "analysis": case.analysis, "measures": case.measures}
    case.analysis, case.measures = analysis, measures
    case.status = CaseStatus.ANSWERED
    case.answered_by, case.answered_at = actor, timezone.now()
    case.save(update_fields=["analysis", "measures", "status", "answered_by", "answered_at"])
    if case.case_id is not None:
        from pacesetter.complaints.services import low_satisfaction_answer

        low_satisfaction_answer(actor=actor, case=case.case, analysis=analysis, measures=measures)
    audit_log(
        actor=actor,
        action="evaluation.case.answer",
        obj=case,
        scope_path=case.organisation.path,
        before=before,
        after={"status": case.status, "analysis": analysis, "measures": measures},
    )
    return case
