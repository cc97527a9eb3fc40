"""Rounds: listed, set up and run (status, publishing, codes), their grades, and the cases they raise."""

import datetime
from dataclasses import asdict

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Schema
from ninja.responses import Status

from pacesetter.core.errors import ValidationError
from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundStatus
from pacesetter.evaluations.forms import campaigns_for, criteria_sets_for
from pacesetter.evaluations.models import MemberGrade, RaterGroup
from pacesetter.evaluations.selectors import (
    ballot_form,
    case_get_for,
    case_list_for,
    round_get_for,
    round_list_for,
)
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for

from .._common import fields_from
from ._router import router
from .ballots import QuestionOut, TargetOut


class RoundOut(Schema):
    id: int
    name: str
    organisation_id: int
    kind: str
    status: str
    opens_at: str
    closes_at: str
    k_min: int
    published: bool


@router.get("/evaluations/rounds", response=list[RoundOut], url_name="eval-round-list")
def round_list(request: HttpRequest, status: str | None = Query(None)):
    return [round_out(r) for r in round_list_for(request.user, status=status)[:200]]


class RaterGroupIn(Schema):
    name: str
    kind: str = "public"
    weight: int
    mode: str = "codes"  # "codes" (one-time codes) or "members" (signed-in members)


class RoundIn(Schema):
    name: str
    organisation_id: int
    kind: str
    # "orgs": the organisations below; "members": the members of the subtree (a "survey", 具体标准征询问卷,
    # always has one target: the organisation itself)
    target_mode: str = "orgs"
    scale: str = "satisfaction"
    campaign_id: int | None = None
    criteria_set_id: int | None = None
    opens_at: datetime.datetime | None = None  # may be left out for a round of a campaign: its step window
    closes_at: datetime.datetime | None = None
    k_min: int = 5
    satisfaction_threshold: int = 60
    # 组织考核: {"excellent": 90, "qualified": 75, "basic": 60} (score lines; missing ones take these)
    grade_thresholds: dict[str, int] | None = None
    groups: list[RaterGroupIn]


class StatusIn(Schema):
    to: str


class RoundPublishIn(Schema):
    published: bool = True


class CodesIn(Schema):
    group_id: int
    count: int


class CodesOut(Schema):
    round_id: int
    group_id: int
    codes: list[str]


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    weight: int
    mode: str
    issued: int
    spent: int


class RoundDetailOut(RoundOut):
    campaign_id: int | None
    scale: str
    questions_locked: bool
    satisfaction_threshold: int
    grade_thresholds: dict
    digest: str
    questions: list[QuestionOut]
    targets: list[TargetOut]
    groups: list[GroupOut]


class CaseOut(Schema):
    id: int
    round_id: int
    round_name: str
    organisation_id: int
    organisation_name: str
    satisfaction: float
    status: str
    analysis: str
    measures: str


class CaseAnswerIn(Schema):
    analysis: str
    measures: str


class GradeOut(Schema):
    member_id: int
    name: str
    score: float | None
    grade: str
    grade_label: str
    sample: int


def round_out(r) -> dict:
    return fields_from(r, RoundOut, opens_at=r.opens_at.isoformat(), closes_at=r.closes_at.isoformat())


def round_detail_out(r) -> dict:
    form = ballot_form(r)
    groups = (
        RaterGroup.objects.filter(round=r)
        .annotate(issued=Count("codes"), spent=Count("codes", filter=Q(codes__spent=True)))
        .order_by("order", "id")
    )
    return fields_from(
        r,
        RoundDetailOut,
        **round_out(r),
        questions=[asdict(q) for q in form.questions],
        targets=[{"id": t.id, "name": t.name} for t in form.targets],
        groups=[fields_from(g, GroupOut) for g in groups],
    )


# Same path as the list: one URL name, whose rule in access.py is per method.
@router.post("/evaluations/rounds", response={201: RoundDetailOut}, url_name="eval-round-list")
def round_create(request: HttpRequest, payload: RoundIn):
    """Set a round up (draft) over the organisations or the members of a subtree in your scope."""
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.EVALUATION_MANAGE)
    campaign = criteria_set = None
    if payload.campaign_id is not None:
        campaign = campaigns_for(request.user).filter(pk=payload.campaign_id).first()
        if campaign is None:
            raise ValidationError(_("找不到该活动，或不在您的范围内"), field="campaign_id")
    if payload.criteria_set_id is not None:
        criteria_set = criteria_sets_for(request.user).filter(pk=payload.criteria_set_id).first()
        if criteria_set is None:
            raise ValidationError(_("找不到该评价标准，或不在您的范围内"), field="criteria_set_id")
    round_ = services.round_set_up(
        actor=request.user,
        organisation=org,
        target_mode=payload.target_mode,
        campaign=campaign,
        criteria_set=criteria_set,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        name=payload.name,
        kind=payload.kind,
        scale=payload.scale,
        groups=[g.dict() for g in payload.groups],
        k_min=payload.k_min,
        satisfaction_threshold=payload.satisfaction_threshold,
        grade_thresholds=payload.grade_thresholds,
    )
    return Status(201, round_detail_out(round_))


@router.get("/evaluations/rounds/{pk}", response=RoundDetailOut, url_name="eval-round-detail")
def round_detail(request: HttpRequest, pk: int):
    return round_detail_out(round_get_for(request.user, pk))


class RoundPatchIn(Schema):
    name: str | None = None
    opens_at: datetime.datetime | None = None
    closes_at: datetime.datetime | None = None
    k_min: int | None = None
    satisfaction_threshold: int | None = None
    grade_thresholds: dict[str, int] | None = None
    weights: dict[int, int] | None = None  # rater group id → weight; the weights must still add up to 100


@router.patch("/evaluations/rounds/{pk}", response=RoundDetailOut, url_name="eval-round-detail")
def round_patch(request: HttpRequest, pk: int, payload: RoundPatchIn):
    """Correct a round's settings before it opens; once open only closes_at may change (409 otherwise)."""
    round_ = round_get_for(request.user, pk, cap=Cap.EVALUATION_MANAGE)
    data = payload.dict(exclude_unset=True)
    weights = data.pop("weights", None)
    return round_detail_out(services.round_update(actor=request.user, round_=round_, weights=weights, **data))


@router.post("/evaluations/rounds/{pk}/status", response=RoundOut, url_name="eval-round-status")
def round_status(request: HttpRequest, pk: int, payload: StatusIn):
    """draft → trial/open, trial → draft/open, open → closed; closed → open is the office's audited re-opening."""
    round_ = round_get_for(request.user, pk, cap=Cap.EVALUATION_MANAGE)
    if payload.to not in RoundStatus.values:
        raise ValidationError(_("状态无效"), field="to")
    return round_out(services.round_transition(actor=request.user, round_=round_, to_status=payload.to))


@router.post("/evaluations/rounds/{pk}/publish", response=RoundOut, url_name="eval-round-publish")
def round_publish(request: HttpRequest, pk: int, payload: RoundPublishIn):
    round_ = round_get_for(request.user, pk, cap=Cap.EVALUATION_MANAGE)
    return round_out(services.round_publish(actor=request.user, round_=round_, published=payload.published))


@router.post("/evaluations/rounds/{pk}/codes", response={201: CodesOut}, url_name="eval-round-codes")
def round_codes(request: HttpRequest, pk: int, payload: CodesIn, response: HttpResponse):
    """N fresh one-time codes for a group, in clear this once (only their hashes are kept)."""
    round_ = round_get_for(request.user, pk, cap=Cap.EVALUATION_MANAGE)
    group = RaterGroup.objects.filter(round=round_, pk=payload.group_id).first()
    if group is None:
        raise ValidationError(_("该评议没有这个评议主体"), field="group_id")
    codes = services.codes_generate(actor=request.user, round_=round_, group=group, count=payload.count)
    response["Cache-Control"] = "no-store"
    return Status(201, {"round_id": round_.pk, "group_id": group.pk, "codes": codes})


@router.get("/evaluations/rounds/{pk}/grades", response=list[GradeOut], url_name="eval-round-grades")
def round_grades(request: HttpRequest, pk: int):
    """组织考核: each member's score and grade, stored when the assessment round closed."""
    round_ = round_get_for(request.user, pk)
    return [
        fields_from(
            g,
            GradeOut,
            name=g.member.name,
            score=float(g.score) if g.score is not None else None,
            grade_label=g.get_grade_display(),
        )
        for g in MemberGrade.objects.filter(round=round_)
        .select_related("member")
        .order_by("-score", "member_id")
    ]


def case_out(c) -> dict:
    return fields_from(
        c,
        CaseOut,
        round_name=c.round.name,
        organisation_name=c.organisation.name,
        satisfaction=float(c.satisfaction),
    )


@router.get("/evaluations/cases", response=list[CaseOut], url_name="eval-case-list")
def case_list(request: HttpRequest):
    """满意度过低 — 需分析原因、整改提高: the cases in your scope, open ones first."""
    return [case_out(c) for c in case_list_for(request.user)[:200]]


@router.post("/evaluations/cases/{pk}/answer", response=CaseOut, url_name="eval-case-answer")
def case_answer(request: HttpRequest, pk: int, payload: CaseAnswerIn):
    case = case_get_for(request.user, pk)
    return case_out(
        services.case_answer(
            actor=request.user, case=case, analysis=payload.analysis, measures=payload.measures
        )
    )
