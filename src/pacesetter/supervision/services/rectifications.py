"""Writes for leader reviews (领导点评) and supervision (督促检查): rectifications."""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.errors import PermissionDeniedError, ValidationError
from pacesetter.core.locking import locked
from pacesetter.core.people import acting_user
from pacesetter.core.transitions import status_cas
from pacesetter.core.uploads import check_upload
from pacesetter.core.workdays import deadline_after
from pacesetter.evaluations.models import LowSatisfactionCase
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Role
from pacesetter.orgs.selectors import nearest_holders
from pacesetter.orgs.services import acting_for

from .. import stats_tally
from ..enums import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_TYPES,
    OPEN_RECTIFICATION,
    RECTIFICATION_TRANSITIONS,
    RectificationAction,
    Source,
)
from ..models import (
    Evidence,
    Finding,
    Rectification,
    RectificationEvent,
    RectificationReport,
    Review,
)
from ..rules import (
    can_order_from_review,
    can_respond_for,
    can_supervise,
    can_verify_rectification,
)
from ._common import MAX_WORKING_DAYS, _text

# ---------------------------------------------------------------- rectification (限期整改)


def _tell(order: Rectification, recipients, title: str, body: str) -> None:
    """A notice about ``order``, linking to its page."""
    notify(
        kind=Kind.RECTIFICATION,
        recipients=recipients,
        title=title,
        body=body,
        url=reverse("supervision:rectification-detail", args=[order.pk]),
    )


def _event(order: Rectification, action: str, before: str, actor, note: str = "", at=None) -> None:
    RectificationEvent.objects.create(
        rectification=order,
        action=action,
        from_status=before,
        to_status=order.status,
        note=note,
        actor=acting_user(actor),
        created_at=at or timezone.now(),
    )


@transaction.atomic
def rectification_issue(
    *,
    actor,
    problem: str,
    measures_required: str,
    working_days: int,
    review: Review | None = None,
    finding: Finding | None = None,
    low_case: LowSatisfactionCase | None = None,
    case=None,
    now=None,
) -> Rectification:
    """限期整改: an order from a leader review, an inspection finding or a low-satisfaction case; the
    deadline is `working_days` working days after today on the Chinese official calendar."""
    origins = [o for o in (review, finding, low_case, case) if o is not None]
    if len(origins) != 1:
        raise ValidationError(_("整改通知必须来自一次点评、一项督查发现或一个满意度过低的评议结果"))
    if review is not None:
        org, source = review.organisation, Source.REVIEW
        if not can_order_from_review(actor, review):
            raise PermissionDeniedError(_("只有点评领导或活动办公室可以据此下达整改通知"))
    elif finding is not None:
        org, source = finding.inspection.organisation, Source.FINDING
        if not can_supervise(actor, org):
            raise PermissionDeniedError(_("您无权对“%(org)s”下达整改通知") % {"org": org.name})
    elif case is not None:
        # A verified public report (complaints.Case): the order goes to the organisation the case is about.
        org, source = case.subject_org or case.owner, Source.CASE
        if not can_supervise(actor, org):
            raise PermissionDeniedError(_("您无权对“%(org)s”下达整改通知") % {"org": org.name})
    else:
        org, source = low_case.organisation, Source.LOW_SATISFACTION
        if not can_supervise(actor, org):
            raise PermissionDeniedError(_("您无权对“%(org)s”下达整改通知") % {"org": org.name})
    try:
        working_days = int(working_days)
    except (TypeError, ValueError):
        raise ValidationError(_("整改时限应为工作日天数"), field="working_days") from None
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationError(
            _("整改时限应在 1 到 %(n)d 个工作日之间") % {"n": MAX_WORKING_DAYS}, field="working_days"
        )
    now = now or timezone.now()
    deadline = deadline_after(timezone.localdate(now), working_days)
    order = Rectification.objects.create(
        organisation=org,
        source=source,
        review=review,
        finding=finding,
        low_case=low_case,
        case=case,
        problem=_text(problem, "problem", _("存在问题")),
        measures_required=_text(measures_required, "measures_required", _("整改要求")),
        working_days=working_days,
        deadline=deadline.day,
        deadline_provisional=not deadline.holidays_known,
        issued_by=actor,
        issued_at=now,
        updated_at=now,
    )
    stats_tally.put_in(orders=Q(pk=order.pk))
    _event(order, RectificationAction.ISSUE, "", actor, at=now)
    audit_log(
        actor=actor,
        action="rectification.issue",
        obj=order,
        after={"status": order.status, "deadline": order.deadline, "source": source},
        extra={"working_days": working_days, "unknown_holiday_years": list(deadline.unknown_years)},
    )
    _tell(
        order,
        acting_for(org),
        _("整改通知：请于%(d)s前完成整改") % {"d": date_format(order.deadline, "Y年n月j日")},
        "\n".join(filter(None, [order.deadline_note, order.problem[:200]])),
    )
    return order


@transaction.atomic
def rectification_report(
    *, actor, rectification: Rectification, measures_taken: str, uploads=()
) -> RectificationReport:
    """The organisation reports the measures taken, with evidence; the order waits for verification."""
    order = locked(Rectification.objects.select_related("organisation"), rectification.pk)
    if not can_respond_for(actor, order.organisation):
        raise PermissionDeniedError(_("只有责任组织可以报告整改情况"))
    measures_taken = _text(measures_taken, "measures_taken", _("整改措施及成效"))
    names = [
        check_upload(u, allowed=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES, field="files").name
        for u in uploads
    ]
    now = timezone.now()
    before = status_cas(
        Rectification,
        order,
        RECTIFICATION_TRANSITIONS,
        RectificationAction.REPORT,
        RectificationAction.REPORT.label,
        updated_at=now,
    )
    report = RectificationReport.objects.create(
        rectification=order, measures_taken=measures_taken, reported_by=actor, reported_at=now
    )
    for upload, name in zip(uploads, names, strict=True):
        ev = Evidence(report=report, original_name=name, size=upload.size)
        ev.file.save(name, upload, save=False)
        ev.save()
    _event(order, RectificationAction.REPORT, before, actor, note=measures_taken, at=now)
    audit_status(actor, "rectification.report", order, before, extra={"files": names})
    title = _("%(org)s报告了整改情况，请核查") % {"org": order.organisation.name}
    _tell(order, [order.issued_by], title, measures_taken[:200])
    return report


@transaction.atomic
def rectification_verify(
    *, actor, rectification: Rectification, decision: str, note: str = ""
) -> Rectification:
    """核查: the issuer (or the office above) closes the order, or rejects the report with reasons."""
    order = locked(Rectification.objects.select_related("organisation"), rectification.pk)
    if decision not in (RectificationAction.CLOSE, RectificationAction.REJECT):
        raise ValidationError(_("核查结果无效"), field="decision")
    if not can_verify_rectification(actor, order):
        raise PermissionDeniedError(_("只有下达整改通知的人或上级活动办公室可以核查"))
    note = _text(note, "note", _("核查意见"), required=decision == RectificationAction.REJECT)
    now = timezone.now()
    fields = {"updated_at": now}
    if decision == RectificationAction.CLOSE:
        fields["closed_at"] = now
        if order.overdue_at is None and timezone.localdate(now) > order.deadline:
            fields["overdue_at"] = now  # closed late: counted as overdue, once
    with stats_tally.refresh(orders=Q(pk=order.pk)):  # closed: no longer open; rejected: open again
        before = status_cas(
            Rectification,
            order,
            RECTIFICATION_TRANSITIONS,
            decision,
            RectificationAction(decision).label,
            **fields,
        )
    _event(order, decision, before, actor, note=note, at=now)
    audit_status(actor, f"rectification.{decision}", order, before, extra={"note": note})
    closed = decision == RectificationAction.CLOSE
    title = _("整改已核查销号") if closed else _("整改未通过核查，请继续整改")
    _tell(order, acting_for(order.organisation), title, note or "")
    return order


def rectification_escalate_overdue(*, now=None) -> int:
    """Flag open orders past their deadline as overdue (once, frozen) and escalate each once to the office
    and secretaries of the responsible organisation's parent. Returns how many were escalated now."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    late = Rectification.objects.filter(status__in=OPEN_RECTIFICATION, deadline__lt=today)
    with transaction.atomic():  # the flags and the dashboard's counters of the flagged orders together
        flag = list(late.filter(overdue_at__isnull=True).select_for_update().values_list("pk", flat=True))
        with stats_tally.refresh(orders=Q(pk__in=flag)):
            Rectification.objects.filter(pk__in=flag).update(overdue_at=now)
    escalated = 0
    for order in Rectification.objects.select_related("organisation__parent").filter(
        pk__in=late.filter(escalated_at__isnull=True).values("pk")
    ):
        with transaction.atomic():
            if not Rectification.objects.filter(pk=order.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue  # another worker took it
            # 督办 is the parent's to do: its office and secretaries, else the nearest level above with any
            parent = order.organisation.parent or order.organisation
            recipients = nearest_holders(parent, [Role.OFFICE, Role.SECRETARY])
            audit_log(
                actor=None,
                action="rectification.escalate",
                obj=order,
                after={"overdue_at": now, "escalated_at": now},
                extra={"parent": parent.pk, "recipients": len(recipients)},
            )
            _tell(
                order,
                recipients,
                _("整改逾期：%(org)s未按期完成整改") % {"org": order.organisation.name},
                _("整改期限为%(d)s，至今未核查销号。问题：%(p)s")
                % {"d": date_format(order.deadline, "Y年n月j日"), "p": order.problem[:150]},
            )
            escalated += 1
    return escalated
