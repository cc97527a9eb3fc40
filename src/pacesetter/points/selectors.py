"""Reads of the points ledger: periods and rules, a member's account, claims, standings with ties and sample
size, and `points_totals`, the one-query source the assessment scorecard can register."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Count,
    DecimalField,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Rank, Round

from pacesetter.campaigns.selectors import campaign_list_for
from pacesetter.core.errors import NotFoundError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Member, Organisation, path_chain
from pacesetter.orgs.selectors import scope_q, subtree_q

from .enums import ClaimStatus, RuleStatus
from .models import PointClaim, PointEntry, PointOrgTotal, PointPeriod, PointRule
from .rules import can_decide_claim, can_manage_points, can_view_account


def _digits(pk) -> bool:
    return str(pk).isdigit() and len(str(pk)) < 19


def period_list_for(user) -> QuerySet[PointPeriod]:
    """Periods of the campaigns the user may see, newest first."""
    return (
        PointPeriod.objects.filter(campaign__in=campaign_list_for(user).values("pk"))
        .select_related("campaign__organisation")
        .order_by("-year", "-id")
    )


def period_get_for(user, pk, *, manage: bool = False) -> PointPeriod:
    period = period_list_for(user).filter(pk=pk).first() if _digits(pk) else None
    if period is None or (manage and not can_manage_points(user, period)):
        raise NotFoundError()
    return period


def current_period_for(user, member: Member | None = None) -> PointPeriod | None:
    """The open period of the latest year the user can see (covering the member's organisation, if given)."""
    qs = period_list_for(user)
    if member is not None:
        path = member.organisation.path
        qs = qs.filter(campaign__organisation__path__in=path_chain(path))
    return qs.order_by("-status", "-year", "-id").first()  # "open" sorts after "closed": open ones first


def rule_list(period: PointPeriod, *, active_only: bool = False) -> QuerySet[PointRule]:
    qs = period.rules.all().order_by("id")
    return qs.filter(status=RuleStatus.ACTIVE) if active_only else qs


def rule_get_for(user, pk, *, manage: bool = False) -> PointRule:
    rule = (
        PointRule.objects.select_related("period__campaign__organisation").filter(pk=pk).first()
        if _digits(pk)
        else None
    )
    if rule is None:
        raise NotFoundError()
    period_get_for(user, rule.period_id, manage=manage)
    return rule


def claimable_rules(period: PointPeriod) -> QuerySet[PointRule]:
    return period.rules.filter(status=RuleStatus.ACTIVE, claimable=True).order_by("id")


def account_member_get_for(user, pk) -> Member:
    member = Member.objects.select_related("organisation").filter(pk=pk).first() if _digits(pk) else None
    if member is None or not can_view_account(user, member):
        raise NotFoundError()
    return member


@dataclass
class Account:
    member: Member
    period: PointPeriod
    total: int
    entries: list[PointEntry]
    has_more: bool


def account_for(member: Member, period: PointPeriod, *, limit: int = 50, offset: int = 0) -> Account:
    """A member's account in a period: the total and the entries, newest first (one page)."""
    qs = PointEntry.objects.filter(member=member, period=period)
    total = qs.aggregate(t=Sum("points"))["t"] or 0
    rows = list(qs.select_related("rule").order_by("-occurred_on", "-id")[offset : offset + limit + 1])
    return Account(member, period, total, rows[:limit], len(rows) > limit)


def claim_list_for(user, *, status: str | None = None, mine: bool = False) -> QuerySet[PointClaim]:
    """Mine (a member's own claims) or the queue: claims of members where the user holds points.award."""
    qs = PointClaim.objects.select_related("rule__period__campaign", "member__organisation__parent")
    if mine:
        qs = qs.filter(member__user=user) if user.is_authenticated else qs.none()
    else:
        qs = qs.filter(scope_q(user, Cap.POINTS_AWARD, field="member__organisation__path"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def claim_get_for(user, pk) -> PointClaim:
    claim = (
        PointClaim.objects.select_related("rule__period__campaign__organisation", "member__organisation")
        .filter(pk=pk)
        .first()
        if _digits(pk)
        else None
    )
    if claim is None or not (claim.member.user_id == user.pk or can_decide_claim(user, claim)):
        raise NotFoundError()
    return claim


def pending_claims_count(user) -> int:
    return claim_list_for(user, status=ClaimStatus.SUBMITTED).count()


# ------------------------------------------------------------------ standings


@dataclass
class Standing:
    rows: list
    sample: int  # how many were ranked (the n every rank is out of)
    ties: int  # how many rows share their rank with another


def rank(rows: list, key) -> list:
    """Standard competition ranking (1, 2, 2, 4) on `key`, highest first; sets .rank and .tied on each row."""
    rows.sort(key=lambda r: (-key(r), getattr(r, "name", "")))
    prev, current = None, 0
    for i, r in enumerate(rows, 1):
        value = key(r)
        if value != prev:
            current, prev = i, value
        r.rank = current
    counts: dict[int, int] = {}
    for r in rows:
        counts[r.rank] = counts.get(r.rank, 0) + 1
    for r in rows:
        r.tied = counts[r.rank] > 1
    return rows


def member_standing(org: Organisation, period: PointPeriod) -> Standing:
    """Members on the roster of `org` (a branch), ranked by their total in the period; zero counts."""
    members: list = list(
        Member.objects.filter(organisation=org, is_active=True)
        .annotate(
            points=Coalesce(Sum("point_entries__points", filter=Q(point_entries__period=period)), Value(0))
        )
        .only("id", "name", "organisation_id")
    )
    rank(members, key=lambda m: m.points)
    return Standing(members, len(members), sum(1 for m in members if m.tied))


def org_standing(
    root: Organisation,
    period: PointPeriod,
    *,
    sector: str = "",
    depth: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Standing:
    """Organisations of one level (depth) in `root`'s subtree, of one sector if given, ranked by points per
    member (their own members' total ÷ their member count, to two decimals; an organisation without members
    ranks at 0).

    Reads PointOrgTotal (one row per organisation), so a root standing over tens of thousands of branches is
    one indexed scan. The database ranks the whole sample (window functions) before `offset`/`limit` cut a
    page out of it, so page 2 starts at rank 101, or at the rank it shares with the last rows of page 1.
    """
    depth = root.depth + 1 if depth is None else depth
    qs = Organisation.objects.filter(subtree_q(root.path), depth=depth, is_active=True)
    if sector:
        qs = qs.filter(sector=sector)
    sample = qs.count()
    totals = PointOrgTotal.objects.filter(period=period, organisation_id=OuterRef("pk")).values("total")[:1]
    ratio = Coalesce(
        Cast(F("points"), FloatField()) / Cast(NullIf(F("member_count"), Value(0)), FloatField()),
        Value(0.0),
    )
    # Ranked on the shown (rounded) value: two organisations that read 3.33 share a rank. Rounded as a decimal,
    # which PostgreSQL's ROUND(x, 2) needs and which rounds halves the same way on both databases.
    ranked = (
        qs.annotate(points=Coalesce(Subquery(totals, output_field=IntegerField()), Value(0)))
        .annotate(per_member=Round(Cast(ratio, DecimalField(max_digits=30, decimal_places=10)), 2))
        .annotate(
            rank=Window(Rank(), order_by=F("per_member").desc()),
            sharing=Window(Count("id"), partition_by=[F("per_member")]),
        )
    )
    # Below the root's children, names repeat across parents (several 英语教研组党支部): add the parent's.
    parent = {"parent_name": F("parent__name")} if depth > root.depth + 1 else {}
    rows = ranked.order_by("-per_member", "name", "id").values(
        "id", "name", "sector", "member_count", "points", "per_member", "rank", "sharing", **parent
    )[offset : offset + limit]
    shown = [_Row(**r) for r in rows]
    return Standing(shown, sample, sum(1 for o in shown if o.tied))


class _Row:
    """One organisation of a standing (from .values(); ranked in Python)."""

    def __init__(
        self,
        *,
        id,
        name,
        sector,
        member_count,
        points,
        per_member,
        rank,
        sharing,
        parent_name=None,  # noqa: A002
    ):
        self.id, self.name, self.sector = id, name, sector
        # as Organisation.label: "上级组织 / 名称", so organisations that share a name can be told apart
        self.label = f"{parent_name} / {name}" if parent_name else name
        self.member_count, self.points, self.per_member = member_count, points, round(float(per_member), 2)
        self.rank = rank
        self.tied = sharing > 1


# ------------------------------------------------------------------ the scorecard source


def points_totals(*, period: PointPeriod, root: Organisation, per: str = "member") -> dict[int, int]:
    """Points of a period in `root`'s subtree, in one SQL query: {member id: total} (per="member") or
    {organisation id: total of its own members} (per="org"). Members and organisations without points are
    absent (count them as 0). The assessment app registers this as a scorecard source.
    """
    rows: Iterable[tuple[int, int]]
    if per == "member":
        rows = (
            PointEntry.objects.filter(subtree_q(root.path, "organisation__path"), period=period)
            .values_list("member_id")
            .annotate(t=Sum("points"))
            .order_by()
        )
    elif per == "org":
        rows = PointOrgTotal.objects.filter(
            subtree_q(root.path, "organisation__path"), period=period
        ).values_list("organisation_id", "total")
    else:
        raise ValueError(per)
    return {k: int(v) for k, v in rows}
