"""The sweeps: overdue commitments flagged once, owners reminded before the deadline."""

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.campaigns import tallies
from pacesetter.core.audit import audit_log
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.models import Organisation

from ..enums import CommitmentStatus
from ..models import Commitment
from ._common import remind_days
from .commitments import _owner_users


def _not_done():
    return {"status": CommitmentStatus.PUBLISHED, "progress__lt": 100}


@transaction.atomic
def commitments_flag_overdue(*, now=None) -> int:
    """Flag public commitments past their deadline and not done. The flag is set once and frozen: a later
    update, report or deadline change never clears or moves it, so overdue statistics stay as they were."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    qs = Commitment.objects.filter(overdue_at__isnull=True, deadline__lt=today, **_not_done())
    ids = list(qs.values_list("pk", flat=True)[:10_000])
    if not ids:
        return 0
    # Locked first, so that the dashboard's overdue counts (campaigns.tallies) get exactly the rows this
    # sweep flags: one bump per organisation and campaign.
    rows = list(
        Commitment.objects.select_for_update()
        .filter(pk__in=ids, overdue_at__isnull=True)
        .values_list("pk", "campaign_id", "organisation_id", "mass_org_id")
    )
    n = Commitment.objects.filter(pk__in=[r[0] for r in rows]).update(overdue_at=now)
    groups = Counter((campaign_id, org_id) for _pk, campaign_id, org_id, mass_org in rows if mass_org is None)
    orgs = Organisation.objects.in_bulk({org_id for _c, org_id in groups})
    for (campaign_id, org_id), count in sorted(groups.items()):
        tallies.bump(campaign_id, orgs[org_id], commit_overdue=count)
    audit_log(
        actor=None,
        action="commitment.overdue",
        object_type="commitments.commitment",
        object_repr=_("%(n)d 项承诺逾期") % {"n": n},
        extra={"ids": ids[:200], "count": n},
    )
    return n


def commitments_send_reminders(*, now=None) -> int:
    """Remind owners REMIND_DAYS before the deadline, at most once per commitment (compare-and-set on
    reminded_at, so two workers never both send)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(
        Commitment.objects.select_related("member", "organisation")
        .filter(
            reminded_at__isnull=True,
            deadline__gte=today,
            deadline__lte=today + timedelta(days=remind_days()),
            **_not_done(),
        )
        .order_by("deadline", "id")[:2_000]
    )
    sent = 0
    for c in due:
        with transaction.atomic():
            if not Commitment.objects.filter(pk=c.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            days = (c.deadline - today).days
            notify(
                kind=Kind.COMMITMENT_REMINDER,
                recipients=_owner_users(c),
                title=_("承诺“%(t)s”将于 %(d)s 到期（还有 %(n)d 天），当前进度 %(p)d%%")
                % {"t": c.title, "d": c.deadline.isoformat(), "n": days, "p": c.progress},
                url=reverse("commitments:commitment-detail", args=[c.pk]),
            )
            audit_log(actor=None, action="commitment.remind", obj=c, extra={"deadline": c.deadline})
            sent += 1
    return sent
