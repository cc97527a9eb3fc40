"""Reads for evaluations, scoped to the caller; the cached ballot form of a round."""

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.errors import NotFoundError
from pacesetter.core.lookup import get_or_not_found
from pacesetter.orgs.selectors import member_for_user, org_list_for, scope_q, subtree_q

from .enums import (
    PUBLIC_BALLOT_MAX_ANSWERS,
    SCALE_OPTIONS,
    GroupKind,
    GroupMode,
    RoundStatus,
    SuggestionStatus,
)
from .models import (
    BallotCode,
    LowSatisfactionCase,
    MemberParticipation,
    RaterGroup,
    Round,
    RoundTarget,
    Suggestion,
    SuggestionRelease,
)
from .rules import MANAGE_CAP, RECTIFY_CAP, VIEW_CAP, can_review_suggestions


def round_list_for(user, *, cap: str = VIEW_CAP, status: str | None = None) -> QuerySet[Round]:
    qs = Round.objects.select_related("organisation").filter(scope_q(user, cap, field="organisation__path"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-opens_at", "-id")


def round_get_for(user, pk, *, cap: str = VIEW_CAP) -> Round:
    found = (
        round_list_for(user, cap=cap).select_related("campaign", "criteria_set").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFoundError()
    return found


@dataclass(frozen=True)
class FormQuestion:
    position: int
    text: str
    hint: str
    weight: int


@dataclass(frozen=True)
class FormTarget:
    id: int
    name: str
    sector: str
    member_id: int | None
    organisation_id: int | None


@dataclass(frozen=True)
class FormGroup:
    id: int
    name: str
    kind: str
    mode: str
    weight: int


@dataclass(frozen=True)
class BallotForm:
    """What a rater sees and what a complete sheet must answer; immutable, cached per (round, version)."""

    round_id: int
    scale: str
    questions: tuple[FormQuestion, ...]
    targets: tuple[FormTarget, ...]
    groups: tuple[FormGroup, ...]

    @property
    def options(self):
        return SCALE_OPTIONS[self.scale]

    @property
    def allowed_scores(self) -> frozenset[int]:
        return frozenset(o.score for o in self.options)

    @property
    def target_ids(self) -> frozenset[int]:
        return frozenset(t.id for t in self.targets)

    def group(self, pk: int) -> FormGroup | None:
        return next((g for g in self.groups if g.id == pk), None)

    @property
    def answers_required(self) -> int:
        """Answers one complete sheet holds: every question for every target."""
        return len(self.questions) * len(self.targets)

    @property
    def too_long_for_public(self) -> bool:
        """A 群众 group must answer more than a citizen can reasonably finish (PUBLIC_BALLOT_MAX_ANSWERS)."""
        return self.answers_required > PUBLIC_BALLOT_MAX_ANSWERS and any(
            g.kind == GroupKind.PUBLIC for g in self.groups
        )


@lru_cache(maxsize=256)
def _ballot_form(round_id: int, version: int, scale: str, created_at) -> BallotForm:
    questions = tuple(
        FormQuestion(q.position, q.text, q.hint, q.weight)
        for q in Round(pk=round_id).questions.order_by("position")
    )
    targets = tuple(
        FormTarget(t.pk, t.name, t.sector, t.member_id, t.organisation_id)
        for t in RoundTarget.objects.filter(round_id=round_id).order_by("order", "id")
    )
    groups = tuple(
        FormGroup(g.pk, g.name, g.kind, g.mode, g.weight)
        for g in Round(pk=round_id).groups.order_by("order", "id")
    )
    return BallotForm(round_id, scale, questions, targets, groups)


def ballot_form(round_: Round) -> BallotForm:
    # created_at is part of the key because a database may reuse the id of a deleted round.
    return _ballot_form(round_.pk, round_.version, round_.scale, round_.created_at)


def round_accepts_ballots(round_: Round, *, at=None) -> bool:
    """Trial rounds accept test ballots at any time; open rounds inside their window."""
    if round_.status == RoundStatus.TRIAL:
        return True
    at = at or timezone.now()
    return round_.status == RoundStatus.OPEN and round_.opens_at <= at < round_.closes_at


def round_closed_message(round_: Round) -> str:
    """Why the round takes no ballot now, with its dates: not yet open, past its deadline, closed."""
    if round_.status == RoundStatus.CLOSED:
        return _("评议“%(n)s”已结束，不再接受投票") % {"n": round_.name}
    if round_.status == RoundStatus.DRAFT:
        return _("评议“%(n)s”尚未开始") % {"n": round_.name}
    local = timezone.localtime(round_.opens_at if timezone.now() < round_.opens_at else round_.closes_at)
    if timezone.now() < round_.opens_at:
        return _("评议“%(n)s”将于 %(t)s 开始") % {"n": round_.name, "t": f"{local:%Y-%m-%d %H:%M}"}
    return _("评议“%(n)s”已于 %(t)s 截止") % {"n": round_.name, "t": f"{local:%Y-%m-%d %H:%M}"}


def member_group_for(round_: Round):
    form = ballot_form(round_)
    return next((g for g in form.groups if g.mode == GroupMode.MEMBERS), None)


def member_may_vote(user, round_: Round):
    """The voter's Member row if they belong to the round's subtree and the round has a member group."""
    member = member_for_user(user)
    if member is None or not member.is_active or member_group_for(round_) is None:
        return None
    if not member.organisation.path.startswith(round_.organisation.path):
        return None
    return member


def _member_rounds(member) -> QuerySet[Round]:
    """Open or trial rounds run by the member's organisation or one above it, with a member group."""
    paths = [*member.organisation.ancestor_paths, member.organisation.path]
    return (
        Round.objects.select_related("organisation")
        .filter(
            Exists(RaterGroup.objects.filter(round=OuterRef("pk"), mode=GroupMode.MEMBERS)),
            organisation__path__in=paths,
            status__in=[RoundStatus.OPEN, RoundStatus.TRIAL],
        )
        .order_by("closes_at", "id")
    )


def member_round_list_for(user) -> list[Round]:
    """Rounds accepting ballots in which the user may evaluate as a signed-in member."""
    member = member_for_user(user)
    if member is None:
        return []
    return [r for r in _member_rounds(member) if round_accepts_ballots(r)]


@dataclass(frozen=True)
class MemberRound:
    """A round the member may take part in, and how far they have got with it."""

    round: Round
    peers: int  # targets the member rates: every target but themselves
    rated: int

    @property
    def left(self) -> int:
        return max(self.peers - self.rated, 0)


def member_round_progress_for(user, *, member=None) -> list[MemberRound]:
    """member_round_list_for with the peers each round still waits for: two queries, three without `member`.

    Pass `member` when the caller has already loaded the user's Member row. An inactive member may not
    vote (member_may_vote), so nothing waits for them.
    """
    member = member or member_for_user(user)
    if member is None or not member.is_active:
        return []
    rounds = [
        r
        for r in _member_rounds(member).annotate(
            n_targets=Count("targets"), n_self=Count("targets", filter=Q(targets__member=member))
        )
        if round_accepts_ballots(r)
    ]
    if not rounds:
        return []
    rated = dict(
        MemberParticipation.objects.filter(voter=user, round__in=[r.pk for r in rounds])
        .values("round")
        .annotate(n=Count("id"))
        .values_list("round", "n")
        .order_by()
    )
    return [MemberRound(r, r.n_targets - r.n_self, rated.get(r.pk, 0)) for r in rounds]


def member_pending_targets(user, round_: Round, member) -> list[FormTarget]:
    """Targets the member has not yet evaluated in this round, never themselves."""
    done = set(
        MemberParticipation.objects.filter(round=round_, voter=user).values_list("target_id", flat=True)
    )
    return [t for t in ballot_form(round_).targets if t.id not in done and t.member_id != member.pk]


def case_list_for(user) -> QuerySet[LowSatisfactionCase]:
    return (
        LowSatisfactionCase.objects.select_related(
            "round__organisation", "organisation__parent", "target", "case"
        )
        .filter(scope_q(user, RECTIFY_CAP, field="organisation__path"))
        # the status is the engine case's (answered = closed, first as before)
        .order_by("case__status", "-created_at", "-id")
    )


def case_get_for(user, pk) -> LowSatisfactionCase:
    return get_or_not_found(case_list_for(user), pk)


def public_round_list() -> QuerySet[Round]:
    return Round.objects.select_related("organisation").filter(published=True, status=RoundStatus.CLOSED)


def public_round_get(pk) -> Round:
    return get_or_not_found(public_round_list(), pk)


def targets_in_subtree(org) -> QuerySet:
    from pacesetter.orgs.models import Organisation

    return (
        Organisation.objects.filter(subtree_q(org.path), is_active=True).exclude(pk=org.pk).order_by("path")
    )


def round_organisation_options_for(user, *, limit: int = 500) -> list[str]:
    """Names a new round's organising unit may be typed as: active organisations the user manages.

    A name shared by several of them is offered as "上级名称/名称", the form org_resolve_for accepts.
    """
    rows = list(
        org_list_for(user, cap=MANAGE_CAP, include_inactive=False)
        .order_by("depth", "path")
        .values_list("name", "parent__name")[:limit]
    )
    seen = Counter(name for name, _parent in rows)
    return [f"{parent}/{name}" if seen[name] > 1 and parent else name for name, parent in rows]


@dataclass
class SuggestionPage:
    """What a person may read of a round's 意见建议, and why not more. `rows` is a query: pages slice it."""

    mode: str  # "review" (the office, after the close), "released", or "sealed"
    rows: QuerySet
    held_groups: list
    pending: int = 0
    total: int = 0


def _sealed() -> SuggestionPage:
    return SuggestionPage(mode="sealed", rows=Suggestion.objects.none(), held_groups=[])


def suggestion_page_for(user, round_: Round) -> SuggestionPage:
    """Sealed while the round runs; the office reviews all after the close; then the released ones only.

    Rows come sorted by rater group and text, so their order says nothing about when each was written.
    """
    if round_.status != RoundStatus.CLOSED:
        return _sealed()
    if SuggestionRelease.objects.filter(round=round_).exists():
        return released_suggestions(round_)
    if not can_review_suggestions(user, round_):
        return _sealed()
    rows = (
        Suggestion.objects.filter(round=round_).select_related("group").order_by("group__order", "text", "id")
    )
    _shown, held = released_groups(round_)
    counts = Suggestion.objects.filter(round=round_).aggregate(
        total=Count("id"), pending=Count("id", filter=Q(status=SuggestionStatus.PENDING))
    )
    return SuggestionPage(
        mode="review", rows=rows, held_groups=held, pending=counts["pending"], total=counts["total"]
    )


def released_suggestions(round_: Round) -> SuggestionPage:
    """The released, approved suggestions of groups with at least k ballots (for any reader of the round)."""
    if round_.status != RoundStatus.CLOSED or not SuggestionRelease.objects.filter(round=round_).exists():
        return _sealed()
    shown, held = released_groups(round_)
    rows = (
        Suggestion.objects.filter(round=round_, status=SuggestionStatus.APPROVED, group_id__in=shown)
        .select_related("group")
        .order_by("group__order", "text", "id")
    )
    return SuggestionPage(mode="released", rows=rows, held_groups=held, total=rows.count())


def group_ballot_counts(round_: Round) -> dict[int, int]:
    """Raters per rater group: spent codes (web and paper) or, for signed-in members, distinct voters."""
    counts = dict(
        BallotCode.objects.filter(round=round_, spent=True)
        .values("group_id")
        .annotate(n=Count("id"))
        .values_list("group_id", "n")
    )
    members = (
        MemberParticipation.objects.filter(round=round_)
        .values("group_id")
        .annotate(n=Count("voter_id", distinct=True))
        .values_list("group_id", "n")
    )
    for group_id, n in members:
        counts[group_id] = counts.get(group_id, 0) + n
    return counts


def released_groups(round_: Round) -> tuple[set[int], list[RaterGroup]]:
    """(ids of groups whose suggestions may be shown, groups held back for having fewer than k ballots)."""
    k = settings.EVALUATION_SUGGESTION_K
    counts = group_ballot_counts(round_)
    with_text = set(Suggestion.objects.filter(round=round_).values_list("group_id", flat=True).distinct())
    shown, held = set(), []
    for group in RaterGroup.objects.filter(round=round_).order_by("order", "id"):
        if counts.get(group.pk, 0) >= k:
            shown.add(group.pk)
        elif group.pk in with_text:
            held.append(group)
    return shown, held
