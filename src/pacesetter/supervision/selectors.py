"""Reads for reviews and supervision, each limited to what the caller may see."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.lookup import get_or_not_found
from pacesetter.core.selectors import filter_given
from pacesetter.orgs.enums import Cap, OrgType, Sector
from pacesetter.orgs.models import SEGMENT, Liaison, Organisation, path_chain
from pacesetter.orgs.selectors import scope_for, scope_q, subtree_q

from . import stats_tally
from .enums import OPEN_RECTIFICATION, DrawFilter, InspectionStatus, Method, NoticeStatus, ReviewDue
from .models import (
    Evidence,
    Inspection,
    InspectionTeam,
    Notice,
    Rectification,
    RectificationReport,
    Review,
    SpotCheckDraw,
)

# ---------------------------------------------------------------- reviews (领导点评)


def _interval() -> datetime.timedelta:
    return datetime.timedelta(days=settings.REVIEW_INTERVAL_DAYS)


def _soon() -> datetime.timedelta:
    return datetime.timedelta(days=settings.REVIEW_DUE_SOON_DAYS)


@dataclass(frozen=True)
class LiaisonStatus:
    liaison: Liaison
    last_reviewed_at: datetime.datetime | None
    due_on: datetime.date
    state: str  # ReviewDue

    @property
    def organisation(self) -> Organisation:
        return self.liaison.organisation

    @property
    def is_overdue(self) -> bool:
        return self.state == ReviewDue.OVERDUE


_last_review_subquery = stats_tally.last_review_subquery


def liaison_status_list_for(
    user, *, mine: bool = False, state: str | None = None, now=None
) -> list[LiaisonStatus]:
    """Liaison organisations with their review due date: the leader's own (mine) or all the user may follow.

    A review is due `REVIEW_INTERVAL_DAYS` after the last one (or after the link was made); "due" shows
    `REVIEW_DUE_SOON_DAYS` ahead. One query.
    """
    now = now or timezone.now()
    qs = Liaison.objects.select_related("leader", "organisation__parent").filter(organisation__is_active=True)
    if mine:
        qs = qs.filter(leader=user)
    else:
        qs = qs.filter(Q(leader=user) | scope_q(user, Cap.PROGRESS_VIEW, field="organisation__path"))
    qs = qs.annotate(last_reviewed_at=_last_review_subquery()).order_by("organisation__path", "leader_id")
    rows = []
    for link in qs:
        base = link.last_reviewed_at or link.created_at
        due_at = base + _interval()
        if now > due_at:
            s = ReviewDue.OVERDUE
        elif now > due_at - _soon():
            s = ReviewDue.DUE
        else:  # "reviewed in time" only when a review exists; a new link not yet due is merely pending
            s = ReviewDue.OK if link.last_reviewed_at else ReviewDue.PENDING
        if state and s != state:
            continue
        rows.append(LiaisonStatus(link, link.last_reviewed_at, timezone.localdate(due_at), s))
    return rows


def overdue_reviews_for(user, *, now=None) -> list[LiaisonStatus]:
    """For the dashboards (leader: pass mine via liaison_status_list_for; office: everything in scope)."""
    return liaison_status_list_for(user, state=ReviewDue.OVERDUE, now=now)


def review_list_for(
    user, *, org: Organisation | None = None, status: str = "", rating: str = "", leader=None
) -> QuerySet[Review]:
    qs = Review.objects.select_related("leader", "organisation__parent").filter(
        Q(leader=user) | scope_q(user, Cap.PROGRESS_VIEW, field="organisation__path")
    )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "organisation__path"))
    return filter_given(qs, status=status, rating=rating, leader=leader).order_by("-reviewed_at", "-id")


def review_get_for(user, pk) -> Review:
    return get_or_not_found(review_list_for(user), pk)


def review_items(review: Review) -> list:
    return list(review.items.select_related("commitment").order_by("id"))


def published_reviews_for_org(org: Organisation, *, limit: int = 20) -> list[Review]:
    """The reviews of `org` its leader or the office published, newest first, items prefetched (two queries)."""
    return list(
        Review.objects.select_related("leader")
        .prefetch_related("items")
        .filter(organisation=org, published_at__isnull=False)
        .order_by("-published_at", "-id")[:limit]
    )


# ---------------------------------------------------------------- rectification (限期整改)


def rectification_list_for(
    user,
    *,
    org: Organisation | None = None,
    status: str = "",
    source: str = "",
    overdue: bool | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Rectification]:
    today = today or timezone.localdate()
    qs = Rectification.objects.select_related("organisation__parent", "issued_by").filter(
        Q(issued_by=user) | scope_q(user, Cap.PROGRESS_VIEW, field="organisation__path")
    )
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "organisation__path"))
    if status == "open":
        qs = qs.filter(status__in=OPEN_RECTIFICATION)
    elif status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    overdue_q = Q(overdue_at__isnull=False) | Q(status__in=OPEN_RECTIFICATION, deadline__lt=today)
    if overdue is True:
        qs = qs.filter(overdue_q)
    elif overdue is False:
        qs = qs.exclude(overdue_q)
    return qs.order_by("deadline", "id")


def rectification_get_for(user, pk) -> Rectification:
    return get_or_not_found(rectification_list_for(user), pk)


def rectification_reports(rectification: Rectification) -> list[RectificationReport]:
    return list(
        rectification.reports.select_related("reported_by").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("id"))
        )
    )


def rectification_events(rectification: Rectification) -> list:
    return list(rectification.events.select_related("actor"))


def evidence_get_for(user, pk) -> Evidence:
    found = get_or_not_found(Evidence.objects.select_related("report"), pk)
    rectification_get_for(user, found.report.rectification_id)
    return found


# ---------------------------------------------------------------- inspections (督查) and draws


def team_list_for(user) -> QuerySet[InspectionTeam]:
    return (
        InspectionTeam.objects.select_related("organisation__parent")
        .prefetch_related("members")
        .filter(scope_q(user, Cap.SUPERVISION_MANAGE, field="organisation__path"))
    )


def team_get_for(user, pk) -> InspectionTeam:
    return get_or_not_found(team_list_for(user), pk)


def _inspection_visible_q(user) -> Q:
    """Supervisors see every inspection in their scope; others only announced ones, or 明察暗访 once filed."""
    supervise = scope_q(user, Cap.SUPERVISION_MANAGE, field="organisation__path")
    announced = ~Q(method=Method.UNANNOUNCED) | Q(status=InspectionStatus.FILED)
    return supervise | (scope_q(user, Cap.PROGRESS_VIEW, field="organisation__path") & announced)


def inspection_list_for(
    user, *, org: Organisation | None = None, method: str = "", status: str = ""
) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("organisation__parent", "team").filter(_inspection_visible_q(user))
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "organisation__path"))
    return filter_given(qs, method=method, status=status).order_by("-planned_on", "-id")


def inspection_get_for(user, pk) -> Inspection:
    return get_or_not_found(inspection_list_for(user), pk)


def draw_list_for(user) -> QuerySet[SpotCheckDraw]:
    return (
        SpotCheckDraw.objects.select_related("organisation__parent", "created_by")
        .filter(scope_q(user, Cap.SUPERVISION_MANAGE, field="organisation__path"))
        .defer("candidates")
    )


def draw_parameters(draw: SpotCheckDraw) -> list[tuple[str, str]]:
    """The draw's filters as a person reads them: [(label, value)], codes turned into their Chinese labels.

    Shown on the public draw page (the stored JSON stays as it is: it is part of what can be verified).
    """
    from pacesetter.campaigns.models import Campaign

    f = draw.filters or {}
    every = _("全部")
    campaign = (
        Campaign.objects.filter(pk=f["campaign"]).values_list("name", flat=True).first()
        if f.get("campaign")
        else None
    )
    flags = [str(DrawFilter(v).label) for v in f.get("flags") or [] if v in DrawFilter.values]
    return [
        (_("行业"), str(Sector(f["sector"]).label) if f.get("sector") in Sector.values else every),
        (_("组织类别"), str(OrgType(f["org_type"]).label) if f.get("org_type") in OrgType.values else every),
        (_("其他条件"), "；".join(flags) if flags else _("无")),
        (_("活动"), campaign or _("不限")),
    ]


def draw_get_public(pk) -> SpotCheckDraw:
    """Draws are public: the seed, candidates and result are published so anyone can verify them."""
    return get_or_not_found(SpotCheckDraw.objects.select_related("organisation__parent"), pk)


# ---------------------------------------------------------------- notices (通报)


def _notice_visible_q(user) -> Q:
    """Issued notices reach every organisation below the issuing one; drafts only the office."""
    reach = Q(pk__in=[])
    for p in scope_for(user, Cap.ORG_VIEW).roots:
        ancestors = path_chain(p)
        reach |= Q(organisation__path__in=ancestors) | subtree_q(p, "organisation__path")
    drafts = scope_q(user, Cap.CAMPAIGN_MANAGE, field="organisation__path")
    return (reach & Q(status=NoticeStatus.ISSUED)) | drafts


def notice_list_for(user, *, status: str = "", year: int | None = None) -> QuerySet[Notice]:
    qs = Notice.objects.select_related("organisation").filter(_notice_visible_q(user))
    return filter_given(qs, status=status, year=year).order_by("-created_at", "-id")


def notice_get_for(user, pk) -> Notice:
    return get_or_not_found(notice_list_for(user), pk)


# ---------------------------------------------------------------- dashboard


@dataclass
class SupervisionStats:
    """One subtree's standing: liaison reviews due / overdue, rectification orders open / overdue."""

    reviews_due: int = 0
    reviews_overdue: int = 0
    rectifications_open: int = 0
    rectifications_overdue: int = 0


def supervision_stats_by_subtree(orgs: list[Organisation], *, now=None) -> dict[int, SupervisionStats]:
    """{organisation id: SupervisionStats} over each organisation's whole subtree, read from the roll-up
    counters (supervision.stats_tally, #23): two queries over the children's counter rows and the links whose
    review clock started on the cutoffs' own days — a cost set by the number of days with links or open
    orders, not by the size of the subtree. Equal to supervision_stats_by_subtree_live, the rule."""
    now = now or timezone.now()
    overdue_before = now - _interval()
    found = stats_tally.counts(
        orgs,
        today=timezone.localdate(now),
        overdue_before=overdue_before,
        due_before=overdue_before + _soon(),
    )
    return {o.pk: SupervisionStats(*found.get(o.pk, (0, 0, 0, 0))) for o in orgs}


def supervision_stats_by_subtree_live(orgs: list[Organisation], *, now=None) -> dict[int, SupervisionStats]:
    """{organisation id: SupervisionStats} over each organisation's whole subtree, from the raw rows (the
    oracle of the counters, and the rule they follow).

    Two GROUP BY queries per tree depth among `orgs` (children of one node: two queries), grouped by the
    path prefix as in orgs.selectors.annotate_subtree_counts. "reviews_due" counts liaison links whose
    review falls due within REVIEW_DUE_SOON_DAYS (overdue ones included); "rectifications_overdue" the
    open orders flagged overdue or past their deadline.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    by_depth: dict[int, list[Organisation]] = {}
    for o in orgs:
        by_depth.setdefault(o.depth, []).append(o)
    result: dict[int, SupervisionStats] = {}
    for depth, group in by_depth.items():
        length = (depth + 1) * SEGMENT
        prefix_q = Q()
        for o in group:
            prefix_q |= subtree_q(o.path, "organisation__path")
        reviews = (
            Liaison.objects.filter(prefix_q, organisation__is_active=True)
            .annotate(base=Coalesce(_last_review_subquery(), "created_at"))
            .annotate(top=Substr("organisation__path", 1, length))
            .order_by()
            .values("top")
            .annotate(
                due=Count("id", filter=Q(base__lt=now - _interval() + _soon())),
                overdue=Count("id", filter=Q(base__lt=now - _interval())),
            )
        )
        orders = (
            Rectification.objects.filter(prefix_q, status__in=OPEN_RECTIFICATION)
            .annotate(top=Substr("organisation__path", 1, length))
            .order_by()
            .values("top")
            .annotate(
                open=Count("id"),
                overdue=Count("id", filter=Q(overdue_at__isnull=False) | Q(deadline__lt=today)),
            )
        )
        r_stats = {r["top"]: r for r in reviews}
        o_stats = {r["top"]: r for r in orders}
        for o in group:
            r, q = r_stats.get(o.path, {}), o_stats.get(o.path, {})
            result[o.pk] = SupervisionStats(
                reviews_due=r.get("due", 0),
                reviews_overdue=r.get("overdue", 0),
                rectifications_open=q.get("open", 0),
                rectifications_overdue=q.get("overdue", 0),
            )
    return result


def finding_get_for(user, pk):
    from .models import Finding

    found = get_or_not_found(Finding.objects.select_related("inspection__organisation"), pk)
    inspection_get_for(user, found.inspection_id)
    return found


def low_case_get_for(user, pk):
    """A low-satisfaction case (evaluations) in the user's supervision scope."""
    from pacesetter.evaluations.models import LowSatisfactionCase

    qs = LowSatisfactionCase.objects.select_related("organisation__parent", "round")
    return get_or_not_found(qs.filter(scope_q(user, Cap.SUPERVISION_MANAGE, field="organisation__path")), pk)


def manage_roots_for(user, cap: str = Cap.CAMPAIGN_MANAGE, *, limit: int = 200) -> list[Organisation]:
    """The organisations a user can pick as the scope of a draw or notice: their top nodes and one level below."""
    tops = scope_for(user, cap).roots
    if not tops:
        return []
    q = Q(path__in=tops)
    for p in tops:
        q |= Q(parent__path=p)
    return list(
        Organisation.objects.filter(q, is_active=True).select_related("parent").order_by("path")[:limit]
    )
