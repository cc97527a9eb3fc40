"""Campaigns, their stages and steps, a step's window for an organisation, and extensions."""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.responses import Status

from pacesetter.campaigns import selectors, services
from pacesetter.campaigns.enums import StepCapability
from pacesetter.campaigns.windows import step_window_for
from pacesetter.core.errors import ValidationError
from pacesetter.core.paging import limit_param, offset_param
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for

from ._router import router


class MilestoneOut(Schema):
    id: int
    name: str
    date: datetime.date


class StepOut(Schema):
    id: int
    stage_id: int
    kind: str
    kind_label: str
    capabilities: list[str]
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    plan_required: bool
    plan_deadline: datetime.date | None

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())


class StageOut(Schema):
    id: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    order: int
    milestones: list[MilestoneOut]
    steps: list[StepOut]

    @staticmethod
    def resolve_milestones(obj):
        loaded = getattr(obj, "milestone_list", None)
        return loaded if loaded is not None else list(obj.milestones.all())

    @staticmethod
    def resolve_steps(obj):
        states = getattr(obj, "step_states", None)
        return [s.step for s in states] if states is not None else list(obj.steps.order_by("opens_at", "id"))


class CampaignOut(Schema):
    id: int
    name: str
    organisation_id: int
    organisation_name: str
    status: str
    starts_on: datetime.date
    ends_on: datetime.date
    plan_deadline: datetime.date | None
    requirement: str
    description: str

    @staticmethod
    def resolve_organisation_name(obj):
        return obj.organisation.name


class CampaignDetailOut(CampaignOut):
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj):
        return selectors.campaign_stages(obj)


class CampaignIn(Schema):
    name: str
    organisation_id: int
    starts_on: datetime.date
    ends_on: datetime.date
    plan_deadline: datetime.date | None = None
    requirement: str | None = None
    description: str = ""


class CampaignTransitionIn(Schema):
    status: str
    reason: str = ""


class StageIn(Schema):
    name: str
    starts_on: datetime.date
    ends_on: datetime.date


class StagePatch(Schema):
    name: str | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None


class StepIn(Schema):
    kind: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    capabilities: list[str] | None = None


class StepPatch(Schema):
    opens_at: datetime.datetime | None = None
    closes_at: datetime.datetime | None = None
    capabilities: list[str] | None = None
    plan_required: bool | None = None
    plan_deadline: datetime.date | None = None


class ExtensionIn(Schema):
    org_id: int
    closes_at: datetime.datetime
    reason: str


class ExtensionOut(Schema):
    id: int
    step_id: int
    organisation_id: int
    closes_at: datetime.datetime
    reason: str


class WindowOut(Schema):
    capability: str
    is_open: bool
    step_id: int | None
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    extended: bool
    message: str


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """Times without an offset are read in the site's time zone (Asia/Shanghai)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


@router.get("/campaigns", response=list[CampaignOut], url_name="campaign-list")
def campaign_list(
    request: HttpRequest,
    status: str = "",
    org_id: int | None = None,
    limit: int = limit_param(50, 200),
    offset: int = offset_param(),
):
    org = org_get_for(request.user, org_id, cap=Cap.CAMPAIGN_VIEW) if org_id is not None else None
    return list(
        selectors.campaign_list_for(request.user, status=status or None, org=org)[offset : offset + limit]
    )


@router.post("/campaigns", response={201: CampaignOut}, url_name="campaign-list")
def campaign_create(request: HttpRequest, payload: CampaignIn):
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.CAMPAIGN_MANAGE)
    data = payload.dict(exclude={"organisation_id"})
    return Status(201, services.campaign_create(actor=request.user, organisation=org, **data))


@router.get("/campaigns/{pk}", response=CampaignDetailOut, url_name="campaign-detail")
def campaign_detail(request: HttpRequest, pk: int):
    return selectors.campaign_get_for(request.user, pk)


@router.post("/campaigns/{pk}/status", response=CampaignOut, url_name="campaign-transition")
def campaign_transition(request: HttpRequest, pk: int, payload: CampaignTransitionIn):
    campaign = selectors.campaign_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    return services.campaign_transition(
        actor=request.user, campaign=campaign, to_status=payload.status, reason=payload.reason
    )


@router.get("/campaigns/{pk}/window", response=WindowOut, url_name="campaign-window")
def campaign_window(request: HttpRequest, pk: int, capability: str, org_id: int):
    """Is `capability` (plans, commitments, records, …) open for the organisation now, and if not, when?"""
    campaign = selectors.campaign_get_for(request.user, pk)
    org = selectors.campaign_org_get_for(request.user, campaign, org_id)
    if capability not in StepCapability.values:
        raise ValidationError(
            _("无效的功能：%(c)s（可选：%(all)s）")
            % {"c": capability, "all": "、".join(StepCapability.values)},
            field="capability",
        )
    w = step_window_for(campaign=campaign, capability=capability, org=org)
    return {
        "capability": w.capability,
        "is_open": w.is_open,
        "step_id": w.step.pk if w.step else None,
        "opens_at": w.opens_at,
        "closes_at": w.closes_at,
        "extended": w.extended,
        "message": str(w.message),
    }


@router.post("/campaigns/{pk}/stages", response={201: StageOut}, url_name="stage-create")
def stage_create(request: HttpRequest, pk: int, payload: StageIn):
    campaign = selectors.campaign_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    return Status(201, services.stage_create(actor=request.user, campaign=campaign, **payload.dict()))


@router.patch("/stages/{pk}", response=StageOut, url_name="stage-detail")
def stage_update(request: HttpRequest, pk: int, payload: StagePatch):
    stage = selectors.stage_get_for(request.user, pk)
    return services.stage_update(
        actor=request.user,
        stage=stage,
        name=payload.name if payload.name is not None else stage.name,
        starts_on=payload.starts_on or stage.starts_on,
        ends_on=payload.ends_on or stage.ends_on,
    )


@router.post("/stages/{pk}/layout", response={201: list[StepOut]}, url_name="stage-layout")
def stage_layout(request: HttpRequest, pk: int):
    stage = selectors.stage_get_for(request.user, pk)
    return Status(201, services.steps_lay_out_defaults(actor=request.user, stage=stage))


@router.post("/stages/{pk}/steps", response={201: StepOut}, url_name="step-create")
def step_create(request: HttpRequest, pk: int, payload: StepIn):
    stage = selectors.stage_get_for(request.user, pk)
    step = services.step_create(
        actor=request.user,
        stage=stage,
        kind=payload.kind,
        opens_at=_aware(payload.opens_at),
        closes_at=_aware(payload.closes_at),
        capabilities=payload.capabilities,
    )
    return Status(201, step)


@router.patch("/steps/{pk}", response=StepOut, url_name="step-detail")
def step_update(request: HttpRequest, pk: int, payload: StepPatch):
    step = selectors.step_get_for(request.user, pk)
    return services.step_update(
        actor=request.user,
        step=step,
        opens_at=_aware(payload.opens_at) or step.opens_at,
        closes_at=_aware(payload.closes_at) or step.closes_at,
        capabilities=payload.capabilities if payload.capabilities is not None else step.capabilities,
        plan_required=payload.plan_required
        if payload.plan_required is not None
        else (step.plan_required if "plan_deadline" in payload.model_fields_set else None),
        plan_deadline=payload.plan_deadline
        if "plan_deadline" in payload.model_fields_set
        else step.plan_deadline,
    )


@router.post("/steps/{pk}/extensions", response={201: ExtensionOut}, url_name="extension-create")
def extension_create(request: HttpRequest, pk: int, payload: ExtensionIn):
    step = selectors.step_get_for(request.user, pk)
    org = org_get_for(request.user, payload.org_id, cap=Cap.CAMPAIGN_MANAGE)
    ext = services.step_extension_create(
        actor=request.user,
        step=step,
        organisation=org,
        closes_at=_aware(payload.closes_at),
        reason=payload.reason,
    )
    return Status(201, ext)
