"""The one aggregation of a round's ballots, used by every page, export, API answer and grade.

SQL does the counting: one GROUP BY (target, group, channel) over the ballot table with one
COUNT … FILTER per question × answer option. Everything else (means, rates, weights) is arithmetic on
those few hundred numbers, stated here once:

- a question's mean is over the answers given; 不了解 (NULL) is left out of the mean and the rate;
- satisfaction rate = answers in the positive options (满意 + 基本满意, or 好 + 较好) / answers given;
- a rater group's score = the question means weighted by the question weights;
- a rater group counts for a target only with at least k ballots for it that answer something (a sheet
  of nothing but 不了解 adds no figure, so it adds no cover either; "样本不足" otherwise); the weights of
  the groups that count are renormalised to 100 % and the page names the groups left out;
- the overall score and satisfaction are the group figures weighted by those renormalised weights;
- the same rule is applied to each channel (web / paper / assisted) and to all of them together; and
  a group whose ballots for some target fall under k in some channel is left out of every channel's
  figure (kept in the total), since "total minus web" would otherwise give away the few paper
  ballots (complementary suppression);
- while a round is open its figures are sealed (participation only): watching them move as one more
  ballot comes in would tell what that ballot said;
- ranking is among targets of the same sector that have a score, with the sample size beside it.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from pacesetter.orgs.selectors import subtree_q

from .enums import SCALE_OPTIONS, Channel, Grade, GroupMode, RoundKind, RoundStatus
from .models import Ballot, BallotCode, MemberParticipation, Round
from .selectors import ballot_form

TOTAL = "total"
CHANNELS = (Channel.WEB, Channel.PAPER, Channel.ASSISTED)


@dataclass
class QuestionStat:
    position: int
    text: str
    answered: int
    dont_know: int
    mean: float | None
    distribution: dict[int, int]  # score → count
    positive: int

    @property
    def satisfaction(self) -> float | None:
        return 100.0 * self.positive / self.answered if self.answered else None


@dataclass
class GroupStat:
    group_id: int
    name: str
    weight: int
    ballots: int
    answering: int  # ballots that answer at least one question (not all 不了解): what k counts
    shown: bool  # at least k answering ballots
    effective_weight: float = 0.0  # after renormalisation, in percent
    score: float | None = None
    satisfaction: float | None = None
    questions: list[QuestionStat] = field(default_factory=list)


@dataclass
class ChannelFigures:
    ballots: int
    score: float | None
    satisfaction: float | None
    withheld: list[str] = field(default_factory=list)  # groups left out of the channel split (see above)


@dataclass
class TargetResult:
    target_id: int
    name: str
    sector: str
    organisation_id: int | None
    member_id: int | None
    sample: int
    groups: list[GroupStat]
    score: float | None
    satisfaction: float | None
    dropped_groups: list[str]
    by_channel: dict[str, ChannelFigures]
    low_satisfaction: bool = False
    rank: int | None = None
    rank_of: int = 0
    grade: str = ""  # 组织考核 only: 优秀/合格/基本合格/不合格 from the score and the round's thresholds

    def get_grade_display(self) -> str:
        return str(Grade(self.grade).label) if self.grade else ""


@dataclass
class GroupParticipation:
    group_id: int
    name: str
    mode: str
    weight: int
    issued: int  # codes issued, or members eligible
    took_part: int  # codes spent, or members who took part

    @property
    def rate(self) -> float | None:
        return 100.0 * self.took_part / self.issued if self.issued else None


@dataclass
class RoundResults:
    round: Round
    k: int
    scale: str
    questions: list[tuple[int, str, int]]  # position, text, weight
    options: tuple
    participation: list[GroupParticipation]
    targets: list[TargetResult]
    sheets: int = 0
    sealed: bool = False  # an open round: participation only, no figures until it closes

    @property
    def channel_withheld(self) -> list[str]:
        """Groups left out of the channel split (the same for every target), for the note under the table."""
        return self.targets[0].by_channel[Channel.WEB].withheld if self.targets else []

    @property
    def any_dropped(self) -> bool:
        return any(t.dropped_groups for t in self.targets)

    CHART_MAX_TARGETS = 60

    @property
    def chart(self) -> dict | None:
        """Satisfaction and score per target, best satisfaction first, for the bars the page draws in HTML
        (None when too many targets to draw)."""
        drawn = [t for t in self.targets if t.satisfaction is not None or t.score is not None]
        if not drawn or len(drawn) > self.CHART_MAX_TARGETS:
            return None
        drawn.sort(key=lambda t: t.satisfaction if t.satisfaction is not None else -1, reverse=True)
        return {
            "threshold": self.round.satisfaction_threshold,
            "bars": [
                {
                    "name": t.name,
                    "satisfaction": round(t.satisfaction, 1) if t.satisfaction is not None else None,
                    "score": round(t.score, 1) if t.score is not None else None,
                    "low": t.low_satisfaction,
                }
                for t in drawn
            ],
        }


def _aggregate_rows(round_: Round, form) -> list[dict]:
    answers_something = Q()
    for q in form.questions:
        answers_something |= Q(**{f"a{q.position}__isnull": False})
    aggregates = {"n": Count("id"), "m": Count("id", filter=answers_something)}
    for q in form.questions:
        for o in SCALE_OPTIONS[form.scale]:
            aggregates[f"d{q.position}_{o.score}"] = Count("id", filter=Q(**{f"a{q.position}": o.score}))
    return list(
        Ballot.objects.filter(round_id=round_.pk)
        .values("target_id", "group_id", "channel")
        .annotate(**aggregates)
        .order_by()
    )


def _group_stat(group, rows: list[dict], form, k: int, *, withhold: bool = False) -> GroupStat:
    n, m = sum(r["n"] for r in rows), sum(r["m"] for r in rows)
    stat = GroupStat(group.id, group.name, group.weight, n, m, m >= k and not withhold)
    if not stat.shown:
        return stat
    options = SCALE_OPTIONS[form.scale]
    weighted, weights, pos_total, ans_total = 0.0, 0, 0, 0
    for q in form.questions:
        dist = {o.score: sum(r[f"d{q.position}_{o.score}"] for r in rows) for o in options}
        answered = sum(dist.values())
        positive = sum(dist[o.score] for o in options if o.positive)
        mean = sum(s * c for s, c in dist.items()) / answered if answered else None
        stat.questions.append(QuestionStat(q.position, q.text, answered, n - answered, mean, dist, positive))
        if mean is not None:
            weighted += q.weight * mean
            weights += q.weight
        pos_total += positive
        ans_total += answered
    stat.score = weighted / weights if weights else None
    stat.satisfaction = 100.0 * pos_total / ans_total if ans_total else None
    return stat


def _combine(groups: list[GroupStat]) -> tuple[float | None, float | None, list[str]]:
    counted = [g for g in groups if g.shown and g.score is not None]
    dropped = [g.name for g in groups if g not in counted]
    total_weight = sum(g.weight for g in counted)
    if not counted or not total_weight:
        return None, None, dropped
    for g in counted:
        g.effective_weight = 100.0 * g.weight / total_weight
    score = sum(g.weight * g.score for g in counted) / total_weight
    sat_groups = [g for g in counted if g.satisfaction is not None]
    sat_weight = sum(g.weight for g in sat_groups)
    satisfaction = sum(g.weight * g.satisfaction for g in sat_groups) / sat_weight if sat_weight else None
    return score, satisfaction, dropped


def _participation(round_: Round, form) -> list[GroupParticipation]:
    codes = {
        r["group_id"]: r
        for r in BallotCode.objects.filter(round_id=round_.pk)
        .values("group_id")
        .annotate(issued=Count("id"), spent=Count("id", filter=Q(spent=True)))
        .order_by()
    }
    result = []
    member_groups = [g for g in form.groups if g.mode == GroupMode.MEMBERS]
    voters: dict[int, int] = {}
    eligible = 0
    if member_groups:
        from pacesetter.orgs.models import Member

        voters = {
            r["group_id"]: r["v"]
            for r in MemberParticipation.objects.filter(round_id=round_.pk)
            .values("group_id")
            .annotate(v=Count("voter", distinct=True))
            .order_by()
        }
        eligible = Member.objects.filter(
            subtree_q(round_.organisation.path, "organisation__path"), is_active=True, user__isnull=False
        ).count()
    for g in form.groups:
        if g.mode == GroupMode.MEMBERS:
            result.append(GroupParticipation(g.id, g.name, g.mode, g.weight, eligible, voters.get(g.id, 0)))
        else:
            c = codes.get(g.id, {"issued": 0, "spent": 0})
            result.append(GroupParticipation(g.id, g.name, g.mode, g.weight, c["issued"], c["spent"]))
    return result


def _withheld_from_channels(form, by_target, totals, k: int) -> set[int]:
    """Groups left out of the channel split: shown in some target's total with 0 < n < k in a channel.

    Decided per group for the whole round, not per target, because a sheet has one channel for all its
    targets: the ballot file can then hide a sheet's channel exactly when the results page does.
    """
    return {
        stat.group_id
        for t in form.targets
        for stat in totals[t.id]
        if stat.shown
        for ch in CHANNELS
        if 0 < sum(r["m"] for r in by_target.get(t.id, {}).get(stat.group_id, []) if r["channel"] == ch) < k
    }


def round_results(round_: Round) -> RoundResults:
    """Every figure of a round, respecting k. Four queries whatever the number of ballots.

    An open round is sealed: its participation only, no target figures (see the module docstring).
    """
    form = ballot_form(round_)
    k = round_.k_min
    sealed = round_.status in (RoundStatus.DRAFT, RoundStatus.OPEN)
    return RoundResults(
        round=round_,
        k=k,
        scale=form.scale,
        questions=[(q.position, q.text, q.weight) for q in form.questions],
        options=SCALE_OPTIONS[form.scale],
        participation=_participation(round_, form),
        targets=[] if sealed else _target_results(round_, form, k),
        sheets=round_.ballot_count,
        sealed=sealed,
    )


def _target_results(round_: Round, form, k: int) -> list[TargetResult]:
    from .services.grades import grade_lines_for

    lines = grade_lines_for(round_)[0] if round_.kind == RoundKind.ASSESSMENT else None
    rows = _aggregate_rows(round_, form)
    by_target: dict[int, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        by_target[r["target_id"]][r["group_id"]].append(r)
    totals = {
        t.id: [_group_stat(g, by_target.get(t.id, {}).get(g.id, []), form, k) for g in form.groups]
        for t in form.targets
    }
    withheld = _withheld_from_channels(form, by_target, totals, k)
    withheld_names = [g.name for g in form.groups if g.id in withheld]
    targets = []
    for t in form.targets:
        cells = by_target.get(t.id, {})
        groups = totals[t.id]
        score, satisfaction, dropped = _combine(groups)
        by_channel = {}
        for ch in (*CHANNELS, TOTAL):
            ch_groups = [
                _group_stat(
                    g,
                    [r for r in cells.get(g.id, []) if ch == TOTAL or r["channel"] == ch],
                    form,
                    k,
                    withhold=ch != TOTAL and g.id in withheld,
                )
                for g in form.groups
            ]
            ch_score, ch_sat, _dropped = _combine(ch_groups)
            by_channel[ch] = ChannelFigures(
                sum(g.ballots for g in ch_groups), ch_score, ch_sat, [] if ch == TOTAL else withheld_names
            )
        targets.append(
            TargetResult(
                target_id=t.id,
                name=t.name,
                sector=t.sector,
                organisation_id=t.organisation_id,
                member_id=t.member_id,
                sample=sum(g.ballots for g in groups),
                groups=groups,
                score=score,
                satisfaction=satisfaction,
                dropped_groups=dropped,
                by_channel=by_channel,
                low_satisfaction=satisfaction is not None and satisfaction < round_.satisfaction_threshold,
                grade=grade_for(score, lines) if lines is not None else "",
            )
        )
    _rank(targets)
    return targets


def grade_for(score: float | None, thresholds: dict) -> str:
    """优秀 / 合格 / 基本合格 / 不合格 by the score lines (services.grades.grade_lines_for); no score (too few
    ballots), no grade."""
    if score is None:
        return ""
    if score >= thresholds.get("excellent", 90):
        return Grade.EXCELLENT
    if score >= thresholds.get("qualified", 75):
        return Grade.QUALIFIED
    if score >= thresholds.get("basic", 60):
        return Grade.BASIC
    return Grade.UNQUALIFIED


def _rank(targets: list[TargetResult]) -> None:
    by_sector: dict[str, list[TargetResult]] = defaultdict(list)
    for t in targets:
        if t.score is not None:
            by_sector[t.sector].append(t)
    for peers in by_sector.values():
        peers.sort(key=lambda t: -t.score)
        for i, t in enumerate(peers):
            t.rank = i + 1 if i == 0 or peers[i - 1].score != t.score else peers[i - 1].rank
            t.rank_of = len(peers)


def results_page(round_: Round) -> dict:
    """What the results page (office and public alike) shows: the results with rows grouped by sector
    (in the order of `Sector`), best rank first, unranked last, and the sector names for the headings.

    Ranks are within a sector (同类排名): in target order the rows would read 5/6, 6/6, 2/6…
    """
    from dataclasses import replace

    from pacesetter.orgs.enums import Sector

    results = round_results(round_)
    order = {code: i for i, code in enumerate(Sector.values)}
    rows = sorted(
        results.targets,
        key=lambda t: (order.get(t.sector, len(order)), t.sector, t.rank is None, t.rank or 0),
    )
    from .services.grades import grade_lines_for

    lines, scheme = grade_lines_for(round_) if round_.kind == RoundKind.ASSESSMENT else ({}, "")
    return {
        "results": replace(results, targets=rows),
        "sector_labels": dict(Sector.choices),
        "grade_lines": lines,
        "grade_lines_from": scheme,
    }


def turnout_by_child(campaign, parent) -> dict[int, tuple[int, int]]:
    """评议参与率 per child subtree of `parent`: {child id: (took part, issued)} over the campaign's closed
    rounds organised in that subtree (not its 具体标准征询问卷), by the participation rule of `_participation` (codes spent of codes
    issued; for a member group, members who took part of the members eligible in the round's subtree). A
    child with no closed round is absent; one whose closed rounds issued nothing maps to (0, 0).

    Three queries whatever the number of children or rounds: the rounds (with their member groups and
    eligible members as subqueries), the codes and the member participation, each grouped by the round's
    path prefix as in commitments.selectors.commitment_stats_by_subtree.
    """
    from django.db.models import F, Func, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce, Substr

    from pacesetter.orgs.models import SEGMENT, Member

    from .models import RaterGroup

    children = dict(parent.children.filter(is_active=True).values_list("path", "id"))
    if not children:
        return {}
    length = len(parent.path) + SEGMENT
    # a 具体标准征询问卷 asks members about the wording of a standard: not an evaluation of anyone
    closed = Q(round__campaign=campaign, round__status=RoundStatus.CLOSED) & ~Q(round__kind=RoundKind.SURVEY)
    in_children = subtree_q(parent.path, "round__organisation__path") & ~Q(
        round__organisation__path=parent.path
    )

    def count(qs):
        return Coalesce(
            Subquery(qs.order_by().annotate(n=Func(F("id"), function="COUNT")).values("n")[:1]),
            0,
            output_field=IntegerField(),
        )

    rounds = (
        Round.objects.filter(
            subtree_q(parent.path, "organisation__path"), campaign=campaign, status=RoundStatus.CLOSED
        )
        .exclude(organisation__path=parent.path)
        .exclude(kind=RoundKind.SURVEY)
        .annotate(
            top=Substr("organisation__path", 1, length),
            member_groups=count(RaterGroup.objects.filter(round=OuterRef("pk"), mode=GroupMode.MEMBERS)),
            eligible=count(
                Member.objects.filter(
                    organisation__path__startswith=OuterRef("organisation__path"),
                    is_active=True,
                    user__isnull=False,
                )
            ),
        )
        .values_list("top", "member_groups", "eligible")
    )
    totals: dict[str, list[int]] = {}
    for top, groups, eligible in rounds:
        t = totals.setdefault(top, [0, 0])
        t[1] += groups * eligible
    codes = (
        BallotCode.objects.filter(closed, in_children)
        .annotate(top=Substr("round__organisation__path", 1, length))
        .order_by()
        .values("top")
        .annotate(issued=Count("id"), spent=Count("id", filter=Q(spent=True)))
    )
    for r in codes:
        if r["top"] in totals:
            totals[r["top"]][0] += r["spent"]
            totals[r["top"]][1] += r["issued"]
    # A member takes part once per target: count distinct voters per (round, group), as _participation does.
    voters = (
        MemberParticipation.objects.filter(closed, in_children)
        .annotate(top=Substr("round__organisation__path", 1, length))
        .order_by()
        .values("top", "round_id", "group_id")
        .annotate(v=Count("voter", distinct=True))
    )
    for r in voters:
        if r["top"] in totals:
            totals[r["top"]][0] += r["v"]
    return {children[top]: (t[0], t[1]) for top, t in totals.items() if top in children}
