"""Reads for assessment (组织考核), scoped to what the caller may see."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pacesetter.core.errors import NotFoundError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import in_or_above_q, member_for_user, scope_for, scope_q, subtree_q

from .enums import GRADES, ScorecardStatus, Subject
from .models import Scheme, Score, Scorecard
from .rules import can_manage_scheme
from .sources import REGISTRY

# Below this many peers nobody is ranked (a rank among three says little and singles people out).
MIN_PEERS = 5


def scheme_list_for(user) -> QuerySet[Scheme]:
    """Schemes of campaigns whose organisation lies in or above the user's view scope."""
    paths = scope_for(user, Cap.ASSESSMENT_VIEW).roots
    if not paths:
        return Scheme.objects.none()
    # A scheme run from above the user's subtree still assesses organisations in it.
    q = in_or_above_q(paths, "campaign__organisation__path")
    return Scheme.objects.filter(q).select_related("campaign__organisation").order_by("-period_end", "-id")


def scheme_get_for(user, pk) -> Scheme:
    try:
        return scheme_list_for(user).get(pk=int(pk))
    except (Scheme.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFoundError() from None


def scorecard_list(scheme: Scheme, user) -> QuerySet[Scorecard]:
    """The office sees every version; everyone else only published ones."""
    qs = scheme.scorecards.all()
    if not can_manage_scheme(user, scheme):
        qs = qs.filter(status=ScorecardStatus.PUBLISHED)
    return qs


def scorecard_get_for(user, pk) -> Scorecard:
    try:
        sc = Scorecard.objects.select_related("scheme__campaign__organisation", "previous").get(pk=int(pk))
    except (Scorecard.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFoundError() from None
    scheme_get_for(user, sc.scheme_id)
    if sc.status != ScorecardStatus.PUBLISHED and not can_manage_scheme(user, sc.scheme):
        raise NotFoundError()
    return sc


def current_scorecard(scheme: Scheme, user) -> Scorecard | None:
    return (
        scorecard_list(scheme, user).exclude(status=ScorecardStatus.SUPERSEDED).order_by("-version").first()
    )


def score_list_for(user, scorecard: Scorecard, *, org: Organisation | None = None) -> QuerySet[Score]:
    """Scores the user may see: organisations in their view scope; members' scores only within their
    scope as well (the branch and its ancestors), or the user's own score."""
    q = scope_q(user, Cap.ASSESSMENT_VIEW, "organisation__path")
    member = member_for_user(user)
    if member is not None:
        q |= Q(member=member)
    qs = Score.objects.filter(q, scorecard=scorecard).select_related("organisation__parent", "member")
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "organisation__path"))
    # The unique (scorecard, organisation, member) index gives this order without a sort of the whole city.
    return qs.order_by("organisation_id", "member_id")


def score_get_for(user, pk) -> Score:
    try:
        score = Score.objects.select_related(
            "scorecard__scheme__campaign__organisation", "organisation", "member"
        ).get(pk=int(pk))
    except (Score.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFoundError() from None
    sc = score.scorecard
    if sc.status != ScorecardStatus.PUBLISHED and not can_manage_scheme(user, sc.scheme):
        from .rules import can_adjust_score

        if not can_adjust_score(user, score):
            raise NotFoundError()
    if not score_list_for(user, sc).filter(pk=score.pk).exists() and not can_manage_scheme(user, sc.scheme):
        raise NotFoundError()
    return score


def score_evidence(score: Score) -> list[dict]:
    """Per source of the score: label, value, count, used, weight and the link to the rows behind it."""
    scheme = score.scorecard.scheme
    out = []
    for key, d in sorted(score.detail.items()):  # jsonb keeps no key order: the same on every database
        src = REGISTRY.get(key)
        out.append(
            {
                "key": key,
                "label": src.label if src else key,
                "rule": src.rule if src else "",
                "url": src.evidence(
                    score.organisation_id, score.member_id, scheme.period_start, scheme.period_end
                )
                if src
                else "",
                **d,
            }
        )
    return out


def peer_ranking(scorecard: Scorecard, score: Score) -> dict:
    """横向比: the score's rank among organisations of the same sector and tree level, with the sample size
    and ties (equal totals share a rank); no rank below MIN_PEERS scored peers. Stored at compute time
    (assessment.derive)."""
    n = score.peer_n
    if score.total is None or score.peer_rank is None or n < MIN_PEERS:
        return {"n": n, "rank": None, "ties": 0, "min": MIN_PEERS}
    return {"n": n, "rank": score.peer_rank, "ties": score.peer_ties, "min": MIN_PEERS}


def ranking(scorecard: Scorecard, *, parent: Organisation | None = None, limit: int = 100) -> list[Score]:
    """The children of `parent` (by default the campaign's organisation) ranked by total: the rank stored at
    compute time (SQL RANK(): equal totals share a rank), read through the (scorecard, parent, rank) index."""
    if parent is None:
        parent = scorecard.scheme.campaign.organisation
    rows = list(
        Score.objects.filter(
            scorecard=scorecard, parent=parent, member__isnull=True, sibling_rank__isnull=False
        )
        .select_related("organisation")
        .order_by("sibling_rank", "organisation__path")[:limit]
    )
    for s in rows:
        s.rank = s.sibling_rank  # type: ignore[attr-defined]
    return rows


def grade_counts(scorecard: Scorecard) -> dict[str, int]:
    """{grade: n} stored with the version (kept current by adjustments), best grade first, no data last."""
    order = {g: i for i, g in enumerate(GRADES[scorecard.scheme.subject])}
    counts = scorecard.grade_counts or {}
    return {g: counts[g] for g in sorted(counts, key=lambda g: order.get(g, len(order)))}


def scorecard_diff(new: Scorecard, *, limit: int = 200) -> list[Score]:
    """What changed from the version's `previous` to it: scores whose total or grade differ, each with
    `old_total` and `old_grade` (stored at compute time; read through a partial index)."""
    if new.previous_id is None:
        return []
    rows = list(
        Score.objects.filter(scorecard=new, changed=True)
        .select_related("organisation", "member")
        .order_by("organisation_id", "member_id")[:limit]
    )
    for s in rows:
        s.old_total, s.old_grade = s.prev_total, s.prev_grade  # type: ignore[attr-defined]
    return rows


def previous_published(scorecard: Scorecard) -> Scorecard | None:
    """The version this one was compared with when it was computed."""
    return scorecard.previous


def published_org_scores(org: Organisation) -> QuerySet[Score]:
    """The public notice board: this organisation's grades in published organisation scorecards."""
    return (
        Score.objects.filter(
            organisation=org, member__isnull=True, scorecard__status=ScorecardStatus.PUBLISHED
        )
        .select_related("scorecard__scheme")
        .order_by("-scorecard__scheme__period_end", "-scorecard__version")
    )


def score_history(score: Score) -> list[Score]:
    """纵向比: the same organisation (or member) in published scorecards of this scheme and of earlier
    schemes of the same subject, oldest period first (the newest published version of each scheme)."""
    qs = Score.objects.filter(
        organisation=score.organisation_id,
        member=score.member_id,
        scorecard__status=ScorecardStatus.PUBLISHED,
        scorecard__scheme__subject=score.scorecard.scheme.subject,
    ).select_related("scorecard__scheme")
    newest: dict[int, Score] = {}
    for s in qs.order_by("scorecard__scheme_id", "scorecard__version"):
        newest[s.scorecard.scheme_id] = s
    return sorted(newest.values(), key=lambda s: s.scorecard.scheme.period_end)


def score_radar(score: Score) -> dict:
    """Radar chart data per 五个好 (organisations) or 五带头 (members) item: the share of the subject's
    commitments against that item fulfilled on time in the period (one grouped query)."""
    from django.db.models import Count, FloatField
    from django.db.models.functions import Cast

    from pacesetter.commitments.enums import FULFILLED_STATES, PUBLIC_STATES, CommitmentKind
    from pacesetter.commitments.models import Commitment

    scheme = score.scorecard.scheme
    qs = Commitment.objects.filter(
        campaign=scheme.campaign_id,
        status__in=PUBLIC_STATES,
        deadline__range=(scheme.period_start, scheme.period_end),
    )
    if score.member_id:
        qs = qs.filter(member=score.member_id, kind=CommitmentKind.MEMBER)
    else:
        qs = qs.filter(organisation=score.organisation_id, kind=CommitmentKind.ORGANISATION)
    rows = list(
        qs.values("criteria_item__name", "criteria_item__order")
        .annotate(
            value=Cast(
                Count("id", filter=Q(status__in=FULFILLED_STATES, overdue_at__isnull=True)), FloatField()
            )
            * 100.0
            / Cast(Count("id"), FloatField())
        )
        .order_by("criteria_item__order")
    )
    return {"items": [r["criteria_item__name"] for r in rows], "values": [round(r["value"], 1) for r in rows]}


def my_score_list_for(user) -> QuerySet[Score]:
    """The signed-in member's own published grades."""
    member = member_for_user(user)
    if member is None:
        return Score.objects.none()
    return (
        Score.objects.filter(member=member, scorecard__status=ScorecardStatus.PUBLISHED)
        .select_related("scorecard__scheme", "organisation")
        .order_by("-scorecard__scheme__period_end")
    )


# --- 创先争优活动也要创先争优: how well each child (district/county) runs the campaign ----------------

DISTRICT_INDICATORS = [
    ("plans", _("实施方案按期")),
    ("records", _("记实登记覆盖")),
    ("commitments", _("承诺按期")),
    ("reviews", _("领导点评按期")),
    ("rectifications", _("整改按期")),
    ("turnout", _("评议参与率")),
    ("reports", _("举报按时办结")),
]
# What each indicator counts, for the column's tooltip and the API's description.
DISTRICT_RULES = {
    "turnout": _(
        "活动内已结束的评议轮次（由该组织或其下级组织组织）中，已参评的评议码和党员数占发放评议码和应参评党员数的百分比；没有已结束轮次的为无数据。"
    ),
    "reports": _(
        "活动期间各月收到、由该组织或其下级组织办理的案件中，在办结时限内办结的占已办结和已逾期案件的百分比；期间没有到期案件的为无数据。"
    ),
}


def _pct(good: int, total: int) -> float | None:
    return round(100 * good / total, 1) if total else None


def district_ranking(*, campaign, org: Organisation) -> list[dict]:
    """The children of `org` ranked by the mean of their indicators (each 0–100; an indicator without
    data is left out of that child's mean, so the mean is over the indicators it has). Equal means share a
    rank. Built on the progress read model's rules, evaluations' turnout and the case engine's monthly
    figures (DISTRICT_RULES): a fixed number of grouped queries, whatever the number of organisations.

    The figures are those of the dashboard's rows (progress.selectors.progress_data), read by
    progress.selectors.child_cells with fewer full-subtree scans: the ranking needs neither the sector rows,
    nor the children's member counts, nor the commitments' ratings and average progress (#14)."""
    from pacesetter.complaints.selectors import close_on_time_by_child
    from pacesetter.evaluations.results import turnout_by_child
    from pacesetter.progress.selectors import child_cells
    from pacesetter.supervision.selectors import SupervisionStats, supervision_stats_by_subtree

    children = list(org.children.filter(is_active=True).order_by("path"))
    cells = child_cells(campaign=campaign, org=org, children=children)
    supervision = supervision_stats_by_subtree(children)
    turnout = turnout_by_child(campaign, org)
    reports = close_on_time_by_child(org, campaign.starts_on, campaign.ends_on)
    out = []
    for child in children:
        plans, records, commitments = cells[child.path]
        sup = supervision.get(child.pk, SupervisionStats())
        values = {
            "plans": _pct(plans.total - plans.overdue - plans.not_started, plans.total),
            "records": _pct(records.done, records.total),
            "commitments": _pct(commitments.total - commitments.overdue, commitments.total),
            "reviews": _pct(sup.reviews_due - sup.reviews_overdue, sup.reviews_due),
            "rectifications": _pct(
                sup.rectifications_open - sup.rectifications_overdue, sup.rectifications_open
            ),
            "turnout": _pct(*turnout[child.pk]) if child.pk in turnout else None,
            "reports": _pct(*reports[child.pk]) if child.pk in reports else None,
        }
        present = [v for v in values.values() if v is not None]
        out.append(
            {
                "org": child,
                "values": values,
                "cells": [values[k] for k, _label in DISTRICT_INDICATORS],
                "score": round(sum(present) / len(present), 1) if present else None,
            }
        )
    scored = sorted((r for r in out if r["score"] is not None), key=lambda r: -float(r["score"]))  # type: ignore[arg-type]
    rank = 0
    for i, r in enumerate(scored):
        if i == 0 or r["score"] != scored[i - 1]["score"]:
            rank = i + 1
        r["rank"] = rank
    return scored + [dict(r, rank=None) for r in out if r["score"] is None]


def dashboard_panel(user, *, campaign, org: Organisation) -> dict:
    """The progress dashboard's assessment panel: the newest published scorecard of each of the campaign's
    organisation schemes with the top of the ranking of `org`'s children."""
    cards = list(
        Scorecard.objects.filter(
            scheme__campaign=campaign, scheme__subject=Subject.ORG, status=ScorecardStatus.PUBLISHED
        )
        .select_related("scheme")
        .order_by("scheme_id", "-version")
    )
    newest: dict[int, Scorecard] = {}
    for sc in cards:
        newest.setdefault(sc.scheme_id, sc)
    return {
        "scorecards": [(sc, ranking(sc, parent=org, limit=5)) for sc in newest.values()],
    }
