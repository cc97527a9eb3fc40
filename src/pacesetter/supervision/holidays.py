"""The office publishes a year's holiday schedule (节假日安排), and the rectification orders whose deadline was
counted without it are recomputed once.

Recomputing follows three promises: an overdue flag already set stays set; a recomputed deadline is never
earlier than the date the organisation was already told (so nobody becomes overdue by a table edit); the
responsible organisation is told the confirmed date. The table itself is written by core's
`holiday_year_replace`; this module lives here because only supervision knows which deadlines hang on it.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError
from pacesetter.core.holidays import HolidayLine, check_year, parse_notice
from pacesetter.core.models import HolidayDay
from pacesetter.core.services import holiday_year_replace
from pacesetter.core.workdays import Calendar, deadline_after
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Cap, Role
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import grants_for, scope_q
from pacesetter.orgs.services import acting_for

from . import stats_tally
from .enums import OPEN_RECTIFICATION
from .models import Rectification
from .services.rectifications import _event


def can_manage_holidays(user) -> bool:
    """The schedule is national: only an office granted on a top-level organisation edits it."""
    org_ids = [g.org_id for g in grants_for(user) if g.role == Role.OFFICE]
    return bool(org_ids) and Organisation.objects.filter(pk__in=org_ids, parent__isnull=True).exists()


@dataclass(frozen=True)
class PublishResult:
    year: int
    days: list[HolidayDay]
    recomputed: list[Rectification]


def provisional_rectifications_for(user) -> QuerySet[Rectification]:
    """Open orders in the caller's scope whose deadline was counted on weekends only."""
    return (
        Rectification.objects.select_related("organisation")
        .filter(scope_q(user, Cap.PROGRESS_VIEW, field="organisation__path"))
        .filter(deadline_provisional=True, status__in=OPEN_RECTIFICATION)
        .order_by("deadline", "id")
    )


@transaction.atomic
def holiday_year_publish(*, actor, year, text: str | None = None, days=None) -> PublishResult:
    """Replace a year's schedule from the notice's lines (`text`) or from parsed `days`, then recompute."""
    if not can_manage_holidays(actor):
        raise PermissionDeniedError(_("只有市级活动办公室可以维护节假日安排"))
    year = check_year(year)
    lines: list[HolidayLine] = parse_notice(text, year) if days is None else list(days)
    rows = holiday_year_replace(actor=actor, year=year, days=lines)
    return PublishResult(year, rows, rectification_deadlines_recompute(actor=actor))


@transaction.atomic
def rectification_deadlines_recompute(*, actor=None) -> list[Rectification]:
    """Recompute the open provisional orders whose years are all known now (after the office's import, or by
    the sweep when a newer chinesecalendar release knows the year); the others wait."""
    orders = list(
        Rectification.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(deadline_provisional=True, status__in=OPEN_RECTIFICATION)
        .order_by("id")
    )
    calendar = Calendar()
    now = timezone.now()
    done = []
    for order in orders:
        result = deadline_after(timezone.localdate(order.issued_at), order.working_days, calendar=calendar)
        if not result.holidays_known:
            continue  # still counted through a year nobody has entered; wait for that one
        announced = order.deadline
        order.deadline = max(result.day, announced)
        order.deadline_provisional = False
        order.updated_at = now
        with stats_tally.refresh(orders=Q(pk=order.pk)):  # the order counts on its deadline
            order.save(update_fields=["deadline", "deadline_provisional", "updated_at"])
        when = date_format(order.deadline, "Y年n月j日")
        if order.deadline == announced:
            note = _("节假日安排已公布，整改期限确认为%(d)s") % {"d": when}
        else:
            note = _("节假日安排已公布，整改期限调整为%(d)s") % {"d": when}
        _event(order, "deadline", order.status, actor, note=note, at=now)
        audit_log(
            actor=actor,
            action="rectification.deadline_recompute",
            obj=order,
            before={"deadline": announced, "deadline_provisional": True},
            after={"deadline": order.deadline, "deadline_provisional": False},
            extra={"computed": result.day},
        )
        notify(
            kind=Kind.RECTIFICATION,
            recipients=acting_for(order.organisation),
            title=note,
            body=order.problem[:200],
            url=reverse("supervision:rectification-detail", args=[order.pk]),
        )
        done.append(order)
    return done
