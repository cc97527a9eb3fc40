"""Low-satisfaction rectification cases: flagged when a round closes, answered by the organisation."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import ValidationError
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import Member, RoleGrant
from pacesetter.orgs.services import acting_for

from ..models import (
    LowSatisfactionCase,
    Round,
)
from ..rules import can_answer_case
from ..signals import low_satisfaction_answered, low_satisfaction_flagged
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
    if cases:
        # the complaints app opens each one as a case on the one case engine (deadlines, overdue flags)
        created = list(
            LowSatisfactionCase.objects.select_related("organisation").filter(
                round=round_, target_id__in=[c.target_id for c in cases]
            )
        )
        low_satisfaction_flagged.send(sender=LowSatisfactionCase, round_=round_, cases=created)
        org_ids = [c.organisation_id for c in cases]
        grants = list(
            RoleGrant.objects.select_related("user").filter(
                organisation_id__in=org_ids, role=Role.SECRETARY, revoked_at__isnull=True
            )
        )
        secretaries = {g.user for g in grants}
        # An organisation without a secretary account of its own answers through whoever acts for it (its
        # 党委's secretaries, else the nearest office): a query or two each, for the few such organisations.
        covered = {g.organisation_id for g in grants}
        for case in created:
            if case.organisation_id not in covered:
                covered.add(case.organisation_id)
                secretaries.update(acting_for(case.organisation))
        notify(
            kind=Kind.EVALUATION,
            recipients=secretaries,
            title=_("满意度过低 — 需分析原因、整改提高：%(n)s") % {"n": round_.name},
            body=_("请在“评议整改”中报送原因分析和整改措施。"),
            url="/evaluations/cases/",
        )
    return len(cases)


@transaction.atomic
def case_answer(*, actor, case: LowSatisfactionCase, analysis: str, measures: str) -> LowSatisfactionCase:
    """The organisation's answer to a low-satisfaction flag: cause analysis and rectification measures."""
    _require(can_answer_case(actor, case))
    analysis, measures = (analysis or "").strip(), (measures or "").strip()
    if len(analysis) < 10:
        raise ValidationError(_("请认真分析原因（至少 10 个字）"), field="analysis")
    if len(measures) < 10:
        raise ValidationError(_("请写明整改措施（至少 10 个字）"), field="measures")
    before = {"analysis": case.analysis, "measures": case.measures}
    case.analysis, case.measures = analysis, measures
    case.answered_by, case.answered_at = actor, timezone.now()
    case.save(update_fields=["analysis", "measures", "answered_by", "answered_at"])
    # The case's status lives on the engine (complaints), which the answer advances.
    low_satisfaction_answered.send(
        sender=LowSatisfactionCase, actor=actor, case=case, analysis=analysis, measures=measures
    )
    audit_log(
        actor=actor,
        action="evaluation.case.answer",
        obj=case,
        scope_path=case.organisation.path,
        before=before,
        after={"analysis": analysis, "measures": measures},
    )
    return case
