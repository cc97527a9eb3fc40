"""表彰决定: the decision, the honours it confers with their certificate numbers."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import StateError, ValidationError
from pacesetter.orgs.models import Organisation

from ..enums import NominationAction, NominationStatus, ProgrammeAction
from ..models import Decision, Honour, Nomination, Programme
from ._common import _programme_transition, _require_office, _tell, _text, _transition
from .notice import objection_state, objections_for


def _certificate_no(programme: Programme, seq: int) -> str:
    return f"{programme.year}-{programme.pk:03d}-{seq:04d}"


@transaction.atomic
def decision_issue(*, actor, programme: Programme, number: str, title: str = "", now=None) -> Decision:
    """发布表彰决定 for every nominee whose 公示 ended without an open or upheld objection. The period cannot
    end early; paused nominees wait for a supplementary decision (or are removed)."""
    _require_office(actor, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)  # the dates as stored now
    now = now or timezone.now()
    today = timezone.localdate(now)
    number = _text(number, "number", _("文号"), limit=40)
    if programme.notice_ends_on is None or today <= programme.notice_ends_on:
        raise StateError(
            _("公示期至 %(d)s 24 时结束，公示期满后才能发布表彰决定")
            % {"d": programme.notice_ends_on.isoformat() if programme.notice_ends_on else "—"}
        )
    if Decision.objects.filter(programme=programme, number=number).exists():
        raise ValidationError(_("文号“%(n)s”已使用") % {"n": number}, field="number")
    waiting = list(Nomination.objects.filter(programme=programme, status=NominationStatus.IN_NOTICE))
    objections = objections_for([n.pk for n in waiting])
    cleared = [n for n in waiting if objection_state(objections.get(n.pk, [])) in ("", "cleared")]
    if not cleared:
        raise ValidationError(_("没有公示期满且无异议（或异议已了结）的对象"), field="nominations")
    supplementary = programme.decisions.exists()
    default = (_("关于%(t)s的补充表彰决定") if supplementary else _("关于%(t)s的决定")) % {
        "t": programme.title
    }
    title = _text(title or default, "title", _("标题"), limit=160)
    decision = Decision.objects.create(
        programme=programme,
        number=number,
        title=title,
        supplementary=supplementary,
        issued_on=today,
        issued_by=actor,
    )
    programme = _programme_transition(actor, programme, ProgrammeAction.DECIDE)
    seq = Honour.objects.filter(decision__programme=programme).count()
    for n in cleared:
        seq += 1
        n = _transition(actor, n, NominationAction.COMMEND)
        org = n.subject_org if n.subject_org is not None else n.subject_member.organisation  # type: ignore[union-attr]
        Honour.objects.create(
            nomination=n,
            decision=decision,
            certificate_no=_certificate_no(programme, seq),
            year=programme.year,
            title=n.category.name,
            display_name=n.display_name,
            org_label=n.org_label,
            organisation=org,
            member=n.subject_member,
            path=org.path,
        )
    audit_log(
        actor=actor,
        action="honours.decision.issue",
        obj=decision,
        after={"number": number, "honours": len(cleared), "supplementary": supplementary},
        scope_path=programme.organisation.path,
    )
    nominators = Organisation.objects.filter(pk__in={n.nominator_id for n in cleared})
    url = reverse("honours:programme-detail", args=[programme.pk])
    _tell(nominators, _("表彰决定已发布：%(t)s") % {"t": title}, url)
    return decision
