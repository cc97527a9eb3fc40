"""The evaluations' low-satisfaction cases (满意度过低整改) run on this app's one case engine.

Evaluations sits below complaints and only announces (evaluations.signals): a round's close flagged a
target, an organisation answered. This module, connected in ComplaintsConfig.ready, opens the case and
advances it along the engine's transition table. Receivers run inside the sender's transaction.
"""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from pacesetter.evaluations.models import LowSatisfactionCase
from pacesetter.evaluations.signals import low_satisfaction_answered, low_satisfaction_flagged

from .enums import CaseKind
from .services import LOW_SATISFACTION_SOURCE, case_open, low_satisfaction_answer


@receiver(low_satisfaction_flagged, dispatch_uid="complaints.low_satisfaction.open")
def open_cases(sender, *, round_, cases, **kwargs) -> None:
    """One engine case per new flag, owned by the organisation that must answer (quiet: evaluations
    notifies its secretaries itself)."""
    for low in cases:
        if low.case_id is not None:
            continue
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
        low.case = case


@receiver(low_satisfaction_answered, dispatch_uid="complaints.low_satisfaction.answer")
def answer_case(sender, *, actor, case, analysis, measures, **kwargs) -> None:
    """The answer is the verification record (the low figure is the finding) and the case closes."""
    if case.case_id is not None:
        case.case = low_satisfaction_answer(actor=actor, case=case.case, analysis=analysis, measures=measures)
