"""Reads of commitments scoped to the caller, the public wall, roll-ups and the dashboard statistics."""

from dataclasses import dataclass

from django.db.models import Avg, Count, IntegerField, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from pacesetter.core.errors import NotFoundError
from pacesetter.core.lookup import get_or_not_found
from pacesetter.core.selectors import filter_given
from pacesetter.orgs.enums import ROLE_CAPS, Cap
from pacesetter.orgs.models import SEGMENT, Organisation
from pacesetter.orgs.selectors import grants_for, member_for_user, scope_for, scope_q, subtree_q

from .enums import (
    FULFILLED_STATES,
    PUBLIC_STATES,
    ROLLUP_RULE,
    SATISFACTION_MIN_RATINGS,
    SATISFACTION_RULE,
    CommitmentKind,
    CommitmentStatus,
    Moderation,
    RatingLevel,
    RatingVerification,
)
from .models import Commitment, CommitmentEvent, Post, Rating
from .rules import can_view_commitment, org_write_paths

WALL_RELATED = ("organisation__parent", "member", "criteria_item", "mass_org")
# Subtrees rooted at this depth or above are "wide" for the public wall's query plan (see public_commitment_list).
WALL_WIDE_DEPTH = 1


def _any_subtree(paths: list[str], field: str) -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q(p, field)
    return q


def _strictly_below(paths: list[str], field: str) -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q(p, field) & ~Q(**{field: p})
    return q


def _review_q(user) -> Q:
    """Commitments the user reviews: members' in their review scope, organisations' below it."""
    paths = scope_for(user, Cap.COMMITMENT_REVIEW).roots
    own = Q(member__user=user) if user.is_authenticated else Q(pk__in=[])
    return (Q(kind=CommitmentKind.MEMBER) & _any_subtree(paths, "organisation__path") & ~own) | (
        Q(kind=CommitmentKind.ORGANISATION) & _strictly_below(paths, "organisation__path")
    )


def _visible_q(user) -> Q:
    own = Q(member__user=user)
    org_owned = Q(kind=CommitmentKind.ORGANISATION) & _any_subtree(
        org_write_paths(user), "organisation__path"
    )
    reviewing = _review_q(user) & ~Q(status=CommitmentStatus.DRAFT)
    public = Q(status__in=PUBLIC_STATES) & scope_q(user, Cap.ORG_VIEW, field="organisation__path")
    return own | org_owned | reviewing | public


def commitment_list_for(
    user,
    *,
    org: Organisation | None = None,
    status: str | None = None,
    kind: str | None = None,
    campaign=None,
    mine: bool = False,
) -> QuerySet[Commitment]:
    """Commitments the user may see (owners every state, reviewers all but drafts, others public ones)."""
    if not user.is_authenticated:
        return Commitment.objects.none()
    qs = Commitment.objects.select_related(*WALL_RELATED).filter(_visible_q(user))
    if mine:
        qs = qs.filter(
            Q(member__user=user)
            | (
                Q(kind=CommitmentKind.ORGANISATION)
                & _any_subtree(org_write_paths(user), "organisation__path")
            )
        )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "organisation__path"))
    qs = filter_given(qs, status=status, kind=kind, campaign=campaign)
    return qs.order_by("organisation__path", "kind", "deadline", "id")


def commitment_get_for(user, pk) -> Commitment:
    c = get_or_not_found(
        Commitment.objects.select_related(*WALL_RELATED, "campaign", "post", "member__organisation"), pk
    )
    if not can_view_commitment(user, c):
        raise NotFoundError()
    return c


def review_queue_for(user) -> QuerySet[Commitment]:
    """Submitted commitments waiting for this user's decision (审核)."""
    if not user.is_authenticated:
        return Commitment.objects.none()
    return (
        Commitment.objects.select_related(*WALL_RELATED)
        .filter(_review_q(user), status=CommitmentStatus.SUBMITTED)
        .order_by("updated_at", "id")
    )


def unreported_for(user, *, org: Organisation | None = None, campaign=None) -> QuerySet[Commitment]:
    """Public commitments in the user's review scope whose owner has not filed a report (述诺) yet."""
    paths = scope_for(user, Cap.COMMITMENT_REVIEW).roots
    qs = Commitment.objects.select_related(*WALL_RELATED).filter(
        _any_subtree(paths, "organisation__path"), status=CommitmentStatus.PUBLISHED
    )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "organisation__path"))
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by("deadline", "organisation__path", "id")


def history_for(commitment: Commitment) -> list[CommitmentEvent]:
    return list(commitment.events.order_by("at", "id"))


def post_for(campaign, member) -> Post | None:
    return Post.objects.filter(campaign=campaign, member=member).first()


def my_member(user):
    return member_for_user(user)


# ------------------------------------------------------------------ the public wall


def public_commitment_list(
    *, org: Organisation | None = None, sector: str | None = None, campaign=None
) -> QuerySet[Commitment]:
    """Published commitments (示诺 done) for the public wall, newest first; one query per page."""
    # published_at IS NOT NULL matches the partial index the wall is read from (see Commitment.Meta).
    qs = Commitment.objects.select_related(*WALL_RELATED).filter(
        status__in=PUBLIC_STATES, published_at__isnull=False
    )
    if org is not None and org.depth <= WALL_WIDE_DEPTH:
        # A wide subtree (the city, a district) holds a large share of all commitments: the first page is
        # found fastest by reading the wall index newest-first and checking each row's organisation. The
        # prefix is compared through SUBSTR so SQLite's planner cannot start from the path index instead
        # (it would then fetch and sort every commitment of thousands of organisations).
        qs = qs.alias(_top=Substr("organisation__path", 1, len(org.path))).filter(_top=org.path)
    elif org is not None:
        # A narrow subtree: start from its organisations (path index range), then sort their few commitments.
        qs = qs.filter(subtree_q(org.path, "organisation__path"))
    if sector:
        qs = qs.filter(organisation__sector=sector)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by("-published_at", "-id")


def public_commitment_get(pk) -> Commitment:
    """A public commitment, or 404 (drafts and everything not yet published do not exist for the public)."""
    qs = Commitment.objects.select_related(*WALL_RELATED, "campaign", "post", "report")
    return get_or_not_found(qs.filter(status__in=PUBLIC_STATES), pk)


def public_org_get(pk) -> Organisation:
    return get_or_not_found(Organisation.objects.filter(is_active=True), pk)


def published_commitments_for_org(org: Organisation, *, campaign=None) -> list[Commitment]:
    """The organisation's own public commitments (its 实事 first, then its members'), for 公开上墙."""
    qs = Commitment.objects.select_related(*WALL_RELATED).filter(organisation=org, status__in=PUBLIC_STATES)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return list(qs.order_by("-kind", "deadline", "id"))  # "org" sorts after "member": -kind puts 实事 first


@dataclass(frozen=True)
class RollUp:
    percent: int | None  # None: nothing to roll up
    items: int
    rule: str


def org_progress(org: Organisation, *, campaign=None) -> RollUp:
    """The organisation's progress by ROLLUP_RULE: the mean of its public 实事' latest percentages,
    equal weights, an item with no update counting 0 (its `progress` stays 0 until the first update)."""
    qs = Commitment.objects.filter(
        organisation=org, kind=CommitmentKind.ORGANISATION, status__in=PUBLIC_STATES
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    row = qs.aggregate(avg=Avg("progress"), n=Count("id"))
    percent = round(row["avg"]) if row["n"] else None
    return RollUp(percent, row["n"], str(ROLLUP_RULE))


@dataclass(frozen=True)
class RatingSummary:
    """Counted ratings (members' and verified public ones) by level; unverified ones only as a number."""

    satisfied: int
    basic: int
    unsatisfied: int
    unverified: int = 0

    @property
    def total(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def rate(self) -> int | None:
        """满意率 in percent, or None below the minimum number of ratings (too few to mean anything)."""
        if self.total < SATISFACTION_MIN_RATINGS:
            return None
        return round(100 * (self.satisfied + self.basic) / self.total)

    @property
    def rule(self) -> str:
        return str(SATISFACTION_RULE) % {"n": SATISFACTION_MIN_RATINGS}


def rating_summary(commitment: Commitment) -> RatingSummary:
    counted = ~Q(verification=RatingVerification.NONE)
    row = commitment.ratings.aggregate(
        satisfied=Count("id", filter=counted & Q(level=RatingLevel.SATISFIED)),
        basic=Count("id", filter=counted & Q(level=RatingLevel.BASIC)),
        unsatisfied=Count("id", filter=counted & Q(level=RatingLevel.UNSATISFIED)),
        unverified=Count("id", filter=Q(verification=RatingVerification.NONE)),
    )
    return RatingSummary(**row)


def visible_comments(commitment: Commitment) -> list[Rating]:
    """Comments shown on the commitment's page: members' at once, the public's once approved."""
    return list(
        commitment.ratings.select_related("member")
        .filter(moderation=Moderation.APPROVED)
        .order_by("-created_at", "-id")[:50]
    )


def moderation_queue_for(user) -> QuerySet[Rating]:
    """Public comments waiting for a decision in the user's scope, oldest first (never hidden by count)."""
    return (
        Rating.objects.select_related("commitment", "commitment__organisation")
        .filter(
            scope_q(user, Cap.COMMITMENT_REVIEW, field="commitment__organisation__path"),
            moderation=Moderation.PENDING,
        )
        .order_by("created_at", "id")
    )


def rating_get_for_moderation(user, pk) -> Rating:
    return get_or_not_found(moderation_queue_for(user), pk)


def member_rating_for(user, commitment: Commitment) -> Rating | None:
    if not user.is_authenticated:
        return None
    return commitment.ratings.filter(member__user=user).first()


# ------------------------------------------------------------------ dashboard


@dataclass
class SubtreeStats:
    org: Organisation
    drafted: int = 0
    published: int = 0
    fulfilled: int = 0
    overdue: int = 0
    avg_progress: int | None = None
    progress_items: int = 0
    ratings: RatingSummary = RatingSummary(0, 0, 0)


def stat_counts(prefix: str = "") -> dict[str, Count]:
    """The four counts every commitment statistic shows, as annotations named `<prefix>drafted` …: drafted
    (all), published (示诺 done), fulfilled, overdue (flagged once)."""
    return {
        f"{prefix}drafted": Count("id"),
        f"{prefix}published": Count("id", filter=Q(status__in=PUBLIC_STATES)),
        f"{prefix}fulfilled": Count("id", filter=Q(status__in=FULFILLED_STATES)),
        f"{prefix}overdue": Count("id", filter=Q(overdue_at__isnull=False)),
    }


def commitment_stats_by_subtree(
    campaign, parent_org: Organisation, *, sector: str = ""
) -> list[SubtreeStats]:
    """Per child subtree of `parent_org`: commitments drafted (all created), published (public states),
    fulfilled (述诺 filed), overdue (ever flagged), average progress (ROLLUP_RULE over the subtree's public
    实事) and 评诺 counts with the satisfaction rate.

    Three queries whatever the number of children: the children, one GROUP BY over the path prefix of the
    commitments, and one over the path prefix of the ratings (children's paths all have one length).
    """
    children = list(parent_org.children.filter(is_active=True).order_by("path"))
    if not children:
        return []
    length = len(parent_org.path) + SEGMENT
    base = Commitment.objects.filter(
        subtree_q(parent_org.path, "organisation__path"), campaign=campaign
    ).exclude(organisation__path=parent_org.path)
    # groups: a 群团组织's commitments are its own, not its Party organisation's: they count nowhere here.
    base = base.filter(mass_org__isnull=True)
    if sector:  # a sector line (条块结合): that sector's organisations only
        base = base.filter(organisation__sector=sector)
    public = Q(status__in=PUBLIC_STATES)
    rows = (
        base.annotate(top=Substr("organisation__path", 1, length))
        .values("top")
        .annotate(
            **stat_counts(),
            progress_items=Count("id", filter=public & Q(kind=CommitmentKind.ORGANISATION)),
            avg_progress=Avg("progress", filter=public & Q(kind=CommitmentKind.ORGANISATION)),
        )
    )
    ratings = (
        Rating.objects.filter(
            subtree_q(parent_org.path, "commitment__organisation__path"), commitment__campaign=campaign
        )
        .exclude(commitment__organisation__path=parent_org.path)
        .exclude(verification=RatingVerification.NONE)
        .filter(**({"commitment__organisation__sector": sector} if sector else {}))
        .annotate(top=Substr("commitment__organisation__path", 1, length))
        .values("top")
        .annotate(
            satisfied=Count("id", filter=Q(level=RatingLevel.SATISFIED), output_field=IntegerField()),
            basic=Count("id", filter=Q(level=RatingLevel.BASIC)),
            unsatisfied=Count("id", filter=Q(level=RatingLevel.UNSATISFIED)),
        )
    )
    by_top = {r["top"]: r for r in rows}
    ratings_by_top = {r["top"]: r for r in ratings}
    result = []
    for child in children:
        r = by_top.get(child.path)
        stats = SubtreeStats(org=child)
        if r:
            stats.drafted, stats.published = r["drafted"], r["published"]
            stats.fulfilled, stats.overdue = r["fulfilled"], r["overdue"]
            stats.progress_items = r["progress_items"]
            stats.avg_progress = round(r["avg_progress"]) if r["avg_progress"] is not None else None
        rr = ratings_by_top.get(child.path)
        if rr:
            stats.ratings = RatingSummary(rr["satisfied"], rr["basic"], rr["unsatisfied"])
        result.append(stats)
    return result


def is_overdue_now(commitment: Commitment) -> bool:
    return commitment.overdue_at is not None or (
        commitment.status == CommitmentStatus.PUBLISHED
        and commitment.progress < 100
        and commitment.deadline < timezone.localdate()
    )


def review_paths(user) -> list[str]:
    return [g.path for g in grants_for(user) if Cap.COMMITMENT_REVIEW in ROLE_CAPS[g.role]]


def member_requirement_for(campaign, member):
    """The campaign's requirement for the member's status (在职 / 无职 / 流动 / 年老体弱), or None (loop)."""
    from pacesetter.campaigns.models import MemberRequirement

    if member is None or not member.status:
        return None
    return MemberRequirement.objects.filter(campaign=campaign, status=member.status).first()


def local_standards_for(campaign, kind: str, org) -> list[dict]:
    """The criteria a commitment of this kind is made against, each item in the wording `org` works to
    (its own, else the nearest ancestor's, else the campaign's: 结合实际制定具体标准), for the form."""
    from pacesetter.campaigns.enums import CriteriaSubject
    from pacesetter.campaigns.local_standards import local_criteria_for
    from pacesetter.campaigns.models import CriteriaSet

    subject = CriteriaSubject.ORGANISATION if kind == CommitmentKind.ORGANISATION else CriteriaSubject.MEMBER
    return [
        {"set": s, "rows": local_criteria_for(org, s)}
        for s in CriteriaSet.objects.filter(campaign=campaign, subject=subject).order_by("order", "id")
    ]
