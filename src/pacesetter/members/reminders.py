"""Reminders to exactly those who have not taken part (#19 parts 3 and 6), at most once per period.

- 评议: in an open round with a member (signed-in) rater group, each active member of the round's subtree
  with an account who has not yet rated every target they may rate (never themselves) — once per round and
  ISO week.
- 承诺进展: a member's public commitment (践诺中) whose progress was last updated more than
  `COMMITMENT_UPDATE_DAYS` days ago — one reminder per member and month, naming how many.
- 党性分析: in the last `PARTY_ANALYSIS_REMIND_DAYS` days of each half year, each active member with an
  account who has logged no 党性分析 record in that half year — once per half year.

The ledger (`ReminderSent`, unique on kind, period, ref and person) is written first, in the same
transaction; only the rows this run inserted are notified, so two runs at once never remind twice.
"""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.commitments.enums import CommitmentKind, CommitmentStatus
from pacesetter.commitments.models import Commitment
from pacesetter.core.audit import audit_log
from pacesetter.core.errors import PermissionDeniedError
from pacesetter.evaluations.enums import GroupMode, RoundStatus
from pacesetter.evaluations.models import MemberParticipation, RaterGroup, Round, RoundTarget
from pacesetter.notifications.kinds import Kind
from pacesetter.notifications.services import notify
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Member
from pacesetter.orgs.selectors import org_in_scope, subtree_q
from pacesetter.records.enums import RecordKind
from pacesetter.records.models import ActivityRecord

from .enums import ReminderKind
from .models import ReminderSent

User = get_user_model()
COMMITMENT_UPDATE_DAYS = 30
PARTY_ANALYSIS_REMIND_DAYS = 60


@dataclass
class ReminderResult:
    evaluation: int = 0
    commitment_update: int = 0
    party_analysis: int = 0

    @property
    def total(self) -> int:
        return self.evaluation + self.commitment_update + self.party_analysis


def week_period(d: datetime.date) -> str:
    year, week, _day = d.isocalendar()
    return f"{year}-W{week:02d}"


def month_period(d: datetime.date) -> str:
    return f"{d.year}-{d.month:02d}"


def half_period(d: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    if d.month <= 6:
        return f"{d.year}H1", datetime.date(d.year, 1, 1), datetime.date(d.year, 6, 30)
    return f"{d.year}H2", datetime.date(d.year, 7, 1), datetime.date(d.year, 12, 31)


def _send(
    *, kind: str, period: str, ref: str, user_ids: Iterable[int], title: str, body: str = "", url: str = ""
) -> int:
    """Write the ledger rows, then notify exactly the people whose row this call inserted."""
    ids = set(user_ids)
    if not ids:
        return 0
    ids -= set(
        ReminderSent.objects.filter(kind=kind, period=period, ref=ref, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    if not ids:
        return 0
    batch = uuid.uuid4().hex
    with transaction.atomic():
        ReminderSent.objects.bulk_create(
            [ReminderSent(kind=kind, period=period, ref=ref, user_id=i, batch=batch) for i in sorted(ids)],
            ignore_conflicts=True,
        )
        fresh = list(ReminderSent.objects.filter(batch=batch).values_list("user_id", flat=True))
        notify(
            kind=Kind.PARTICIPATION_REMINDER,
            recipients=User.objects.filter(pk__in=fresh),
            title=title,
            body=body,
            url=url,
            email=False,
        )
    return len(fresh)


def _members(path: str = "") -> Q:
    q = Q(is_active=True, user__isnull=False, user__is_active=True)
    return q & subtree_q(path, "organisation__path") if path else q


def evaluation_non_participants(round_: Round) -> list[int]:
    """User ids of the round's members who have not rated every target they may rate."""
    targets = RoundTarget.objects.filter(round=round_)
    n_targets = targets.count()
    target_members = set(targets.filter(member__isnull=False).values_list("member_id", flat=True))
    rated = dict(
        MemberParticipation.objects.filter(round=round_)
        .values("voter")
        .annotate(n=Count("id"))
        .values_list("voter", "n")
        .order_by()
    )
    out = []
    for member_id, user_id in (
        Member.objects.filter(_members(round_.organisation.path)).values_list("pk", "user_id").order_by("pk")
    ):
        peers = n_targets - (1 if member_id in target_members else 0)
        if peers > 0 and rated.get(user_id, 0) < peers:
            out.append(user_id)
    return out


def remind_evaluations(*, path: str = "", now=None) -> int:
    now = now or timezone.now()
    period = week_period(timezone.localdate(now))
    rounds = Round.objects.select_related("organisation").filter(
        Exists(RaterGroup.objects.filter(round=OuterRef("pk"), mode=GroupMode.MEMBERS)),
        status=RoundStatus.OPEN,
        opens_at__lte=now,
        closes_at__gt=now,
    )
    sent = 0
    for r in rounds:
        users = evaluation_non_participants(r)
        if path:  # a run for one subtree reminds only the people in it
            users = list(
                Member.objects.filter(_members(path), user_id__in=users).values_list("user_id", flat=True)
            )
        local = timezone.localtime(r.closes_at)
        sent += _send(
            kind=ReminderKind.EVALUATION,
            period=period,
            ref=f"round:{r.pk}",
            user_ids=users,
            title=_("请参加评议“%(n)s”") % {"n": r.name},
            body=_("评议将于 %(t)s 截止，您还有评议对象未评。") % {"t": f"{local:%Y-%m-%d %H:%M}"},
            url=reverse("evaluations:peer-ballot", args=[r.pk]),
        )
    return sent


def stale_commitment_counts(*, path: str = "", now=None) -> dict[int, int]:
    """{user id: public member commitments not updated for COMMITMENT_UPDATE_DAYS days}."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=COMMITMENT_UPDATE_DAYS)
    qs = (
        Commitment.objects.filter(
            kind=CommitmentKind.MEMBER,
            status=CommitmentStatus.PUBLISHED,
            member__is_active=True,
            member__user__isnull=False,
            member__user__is_active=True,
        )
        .annotate(last=Coalesce("progress_updated_at", "published_at", "created_at"))
        .filter(last__lt=cutoff)
    )
    if path:
        qs = qs.filter(subtree_q(path, "member__organisation__path"))
    return dict(qs.values("member__user").annotate(n=Count("id")).values_list("member__user", "n").order_by())


def remind_commitment_updates(*, path: str = "", now=None) -> int:
    now = now or timezone.now()
    counts = stale_commitment_counts(path=path, now=now)
    period = month_period(timezone.localdate(now))
    sent = 0
    # one call per distinct count keeps the message exact ("2件") with few notify calls
    by_n: dict[int, list[int]] = {}
    for user_id, n in counts.items():
        by_n.setdefault(n, []).append(user_id)
    for n, users in sorted(by_n.items()):
        sent += _send(
            kind=ReminderKind.COMMITMENT_UPDATE,
            period=period,
            ref="",
            user_ids=users,
            title=_("您有%(n)d件承诺超过%(d)d天未更新进展") % {"n": n, "d": COMMITMENT_UPDATE_DAYS},
            body=_("请及时报告践诺进展。"),
            url=reverse("commitments:commitment-list"),
        )
    return sent


def party_analysis_missing(*, path: str = "", today: datetime.date) -> list[int]:
    _period, start, end = half_period(today)
    logged = ActivityRecord.objects.filter(
        member=OuterRef("pk"),
        kind=RecordKind.PARTY_ANALYSIS,
        is_deleted=False,
        occurred_on__range=(start, end),
    )
    return list(
        Member.objects.filter(_members(path))
        .exclude(Exists(logged))
        .values_list("user_id", flat=True)
        .order_by("user_id")
    )


def remind_party_analysis(*, path: str = "", now=None) -> int:
    today = timezone.localdate(now or timezone.now())
    period, _start, end = half_period(today)
    if (end - today).days >= PARTY_ANALYSIS_REMIND_DAYS:
        return 0
    return _send(
        kind=ReminderKind.PARTY_ANALYSIS,
        period=period,
        ref="",
        user_ids=party_analysis_missing(path=path, today=today),
        title=_("请在%(d)s前提交本半年的党性分析") % {"d": end.isoformat()},
        body=_("定期开展党性分析：请在“我的记实”中登记类别为“党性分析”的记实。"),
        url=reverse("records:my-records"),
    )


def reminders_run(*, path: str = "", now=None) -> ReminderResult:
    """All three, for the whole tree (the sweep) or one subtree (a secretary's 立即提醒)."""
    return ReminderResult(
        evaluation=remind_evaluations(path=path, now=now),
        commitment_update=remind_commitment_updates(path=path, now=now),
        party_analysis=remind_party_analysis(path=path, now=now),
    )


def reminders_send_now(*, actor, org) -> ReminderResult:
    """立即提醒: a secretary or the office runs the reminders for their subtree now (still once per period)."""
    if not org_in_scope(actor, org, Cap.REMINDER_SEND):
        raise PermissionDeniedError(_("您不能提醒“%(org)s”的党员") % {"org": org.name})
    result = reminders_run(path=org.path)
    audit_log(
        actor=actor,
        action="reminders.send",
        obj=org,
        extra={
            "evaluation": result.evaluation,
            "commitment_update": result.commitment_update,
            "party_analysis": result.party_analysis,
        },
    )
    return result
