"""Writes for public reports and cases (群众举报与案件): sweep."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import (
    StateError,
)
from pacesetter.core.workdays import add_working_days
from pacesetter.notifications.kinds import Kind

from .. import stats
from ..enums import (
    RATING_DAYS,
    REMIND_WORKING_DAYS,
    CaseAction,
    CaseStatus,
    Outcome,
    Party,
)
from ..models import (
    Case,
    ReportThrottle,
)
from ._common import DEADLINES, _event, _parent, _tell
from .machine import _transition

# ------------------------------------------------------------------ sweep


def _flag_overdue(qs, deadline: str, flag: str, now) -> int:
    """Set one overdue flag on the cases of `qs` (met is still empty there, so only `<d>_late` grows) and
    add them to the monthly figures, a thousand at a time."""
    from collections import Counter

    prefix = {"ack": "ack", "verify": "verify", "reply": "reply", "close": "close"}[deadline]
    flagged = 0
    while True:
        with transaction.atomic():
            rows = list(qs.select_for_update().values_list("pk", "received_on", "path")[:1000])
            if not rows:
                return flagged
            Case.objects.filter(pk__in=[r[0] for r in rows]).update(**{flag: now})
            groups = Counter((stats.month_of(day), path) for _pk, day, path in rows)
            for (month, path), n in groups.items():
                stats.add(month, path, {f"{prefix}_late": n})
        flagged += len(rows)


def cases_sweep(*, now=None) -> dict:
    """Idempotent: flag overdue deadlines (once, frozen), remind handlers a working day before a deadline,
    escalate an overdue case to the parent organisation (once), close unrated answers after RATING_DAYS,
    and purge address hashes older than 24 hours."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"flagged": 0, "reminded": 0, "escalated": 0, "expired": 0, "purged": 0}
    for d, met, by, flag in DEADLINES:
        qs = Case.objects.filter(
            **{f"{flag}__isnull": True, f"{met}__isnull": True, f"{by}__lt": today, "closed_at__isnull": True}
        )
        if met == "closed_at":
            qs = qs.exclude(status=CaseStatus.REPLIED)  # waiting for the reporter, not the organisation
        counts["flagged"] += _flag_overdue(qs, d, flag, now)
    soon = add_working_days(today, REMIND_WORKING_DAYS)
    due = (
        Case.objects.select_related("owner")
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today), owner__isnull=False)
        .filter(
            Q(acknowledged_at__isnull=True, ack_by__range=(today, soon))
            | Q(verified_at__isnull=True, verify_by__range=(today, soon))
            | Q(replied_at__isnull=True, reply_by__range=(today, soon))
        )
        .exclude(status__in=[CaseStatus.CLOSED, CaseStatus.REPLIED, CaseStatus.TRIAGE])[:2000]
    )
    for c in due:
        with transaction.atomic():
            if not Case.objects.filter(
                Q(reminded_on__isnull=True) | Q(reminded_on__lt=today), pk=c.pk
            ).update(reminded_on=today):
                continue
            _tell(
                c.owner,
                c,
                _("群众反映件 %(n)s 即将到期，请按时办理") % {"n": c.number},
                kind=Kind.CASE_REMINDER,
            )
            counts["reminded"] += 1
    overdue = (
        Case.objects.select_related("owner__parent")
        .filter(escalated_at__isnull=True, closed_at__isnull=True, owner__isnull=False)
        .filter(
            Q(ack_overdue_at__isnull=False)
            | Q(verify_overdue_at__isnull=False)
            | Q(reply_overdue_at__isnull=False)
            | Q(close_overdue_at__isnull=False)
        )[:2000]
    )
    for c in overdue:
        with transaction.atomic():
            if not Case.objects.filter(pk=c.pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            parent = _parent(c.owner) or c.owner
            _event(
                c,
                "escalate",
                c.status,
                note=_("逾期，已报告%(o)s督办") % {"o": parent.name},
                org=parent,
                at=now,
            )
            audit_log(
                actor=None,
                action="case.escalate",
                obj=c,
                extra={"to": parent.pk},
            )
            _tell(
                parent,
                c,
                _("下级逾期未办结群众反映件 %(n)s，请督办") % {"n": c.number},
                kind=Kind.CASE_REMINDER,
            )
            counts["escalated"] += 1
    expired = list(
        Case.objects.filter(
            status=CaseStatus.REPLIED, replied_at__lt=now - timedelta(days=RATING_DAYS)
        ).values_list("pk", flat=True)[:2000]
    )
    for pk in expired:
        with transaction.atomic():
            try:
                _transition(
                    None,
                    Case(pk=pk),
                    CaseAction.EXPIRE,
                    as_party=Party.SYSTEM,
                    public=True,
                    now=now,
                    outcome=Outcome.UNRATED,
                )
            except StateError:
                continue
            counts["expired"] += 1
    counts["purged"] = ReportThrottle.objects.filter(at__lt=now - timedelta(hours=24)).delete()[0]
    return counts
