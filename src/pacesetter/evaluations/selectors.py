"""Reads for evaluations, scoped to the caller; the cached ballot form of a round."""

from dataclasses import dataclass
from functools import lru_cache

from django.db.models import QuerySet
from django.utils import timezone

from pacesetter.core.errors import NotFoundError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import member_for_user, scope_q, subtree_q

from .enums import SCALE_OPTIONS, GroupMode, RoundStatus
from .models import LowSatisfactionCase, MemberParticipation, Round, RoundTarget
from .rules import VIEW_CAP


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


def member_round_list_for(user) -> list[Round]:
    """Rounds accepting ballots in which the user may evaluate as a signed-in member."""
    member = member_for_user(user)
    if member is None:
        return []
    paths = [*member.organisation.ancestor_paths, member.organisation.path]
    rounds = (
        Round.objects.select_related("organisation")
        .filter(
            organisation__path__in=paths,
            status__in=[RoundStatus.OPEN, RoundStatus.TRIAL],
            groups__mode=GroupMode.MEMBERS,
        )
        .distinct()
        .order_by("closes_at", "id")
    )
    return [r for r in rounds if round_accepts_ballots(r)]


def member_pending_targets(user, round_: Round, member) -> list[FormTarget]:
    """Targets the member has not yet evaluated in this round, never themselves."""
    done = set(
        MemberParticipation.objects.filter(round=round_, voter=user).values_list("target_id", flat=True)
    )
    return [t for t in ballot_form(round_).targets if t.id not in done and t.member_id != member.pk]


def case_list_for(user) -> QuerySet[LowSatisfactionCase]:
    return (
        LowSatisfactionCase.objects.select_related("round", "organisation", "target")
        .filter(scope_q(user, Cap.PLAN_WRITE, field="organisation__path"))
        .order_by("status", "-created_at", "-id")
    )


def case_get_for(user, pk) -> LowSatisfactionCase:
    found = case_list_for(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFoundError()
    return found


def public_round_list() -> QuerySet[Round]:
    return Round.objects.select_related("organisation").filter(published=True, status=RoundStatus.CLOSED)


def public_round_get(pk) -> Round:
    found = public_round_list().filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFoundError()
    return found


def targets_in_subtree(org) -> QuerySet:
    from pacesetter.orgs.models import Organisation

    return (
        Organisation.objects.filter(subtree_q(org.path), is_active=True).exclude(pk=org.pk).order_by("path")
    )
