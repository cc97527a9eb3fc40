"""API endpoints of the campaigns app: campaigns, stages and steps, windows, criteria, themes, groups, pairings."""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from pacesetter.campaigns import local_standards, selectors, services
from pacesetter.campaigns.enums import StepCapability
from pacesetter.campaigns.windows import step_window_for
from pacesetter.core.errors import ValidationError
from pacesetter.core.paging import limit_param, offset_param
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for

router = Router(tags=["活动 campaigns"])


# ---------------------------------------------------------------- schemas


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


class IndicatorItem(Schema):
    id: int | None = None
    name: str
    description: str = ""
    weight: int
    indicators: list[str] = []


class CriteriaSetOut(Schema):
    id: int
    name: str
    subject: str
    description: str
    locked: bool
    items: list[IndicatorItem]

    @staticmethod
    def resolve_items(obj):
        return [
            {
                "id": i.pk,
                "name": i.name,
                "description": i.description,
                "weight": i.weight,
                "indicators": [x.name for x in i.indicators.all()],
            }
            for i in obj.items.all()
        ]


class CriteriaSetIn(Schema):
    items: list[IndicatorItem]
    name: str | None = None
    description: str | None = None


class ThemeOut(Schema):
    organisation_id: int
    theme: str
    carriers: list[str]
    is_default: bool


class ThemeIn(Schema):
    theme: str
    carriers: list[str] = []


class GroupRow(Schema):
    name: str = ""
    position: str
    unit: str = ""
    member_id: int | None = None


class LeadingGroupIn(Schema):
    rows: list[GroupRow]


class PairingOut(Schema):
    id: int
    helper_id: int
    helper_name: str
    helped_id: int
    helped_name: str
    kind: str
    goal: str
    started_on: datetime.date

    @staticmethod
    def resolve_helper_name(obj):
        return obj.helper.name

    @staticmethod
    def resolve_helped_name(obj):
        return obj.helped.name


class PairingIn(Schema):
    helper_id: int
    helped_id: int
    kind: str
    goal: str = ""
    started_on: datetime.date | None = None


class NoteIn(Schema):
    date: datetime.date
    text: str


class NoteOut(Schema):
    id: int
    pairing_id: int
    date: datetime.date
    text: str


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """Times without an offset are read in the site's time zone (Asia/Shanghai)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# ---------------------------------------------------------------- campaigns


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


# ---------------------------------------------------------------- stages and steps


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


# ---------------------------------------------------------------- criteria


@router.get("/campaigns/{pk}/criteria", response=list[CriteriaSetOut], url_name="criteria-list")
def criteria_list(request: HttpRequest, pk: int):
    return selectors.criteria_sets_for(selectors.campaign_get_for(request.user, pk))


@router.get("/criteria/{pk}", response=CriteriaSetOut, url_name="criteria-detail")
def criteria_detail(request: HttpRequest, pk: int):
    cset = selectors.criteria_set_get_for(request.user, pk)
    return [s for s in selectors.criteria_sets_for(cset.campaign) if s.pk == cset.pk][0]


@router.put("/criteria/{pk}", response=CriteriaSetOut, url_name="criteria-detail")
def criteria_update(request: HttpRequest, pk: int, payload: CriteriaSetIn):
    cset = selectors.criteria_set_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    services.criteria_set_update(
        actor=request.user,
        criteria_set=cset,
        items=[i.dict() for i in payload.items],
        name=payload.name,
        description=payload.description,
    )
    return [s for s in selectors.criteria_sets_for(cset.campaign) if s.pk == cset.pk][0]


# ---------------------------------------------------------------- an organisation in a campaign


def _theme_out(campaign, org):
    t = selectors.org_theme_for(campaign, org)
    return {"organisation_id": org.pk, "theme": t.theme, "carriers": t.carriers, "is_default": t.is_default}


@router.get("/campaigns/{pk}/orgs/{org_id}/theme", response=ThemeOut, url_name="org-theme")
def theme_get(request: HttpRequest, pk: int, org_id: int):
    campaign = selectors.campaign_get_for(request.user, pk)
    return _theme_out(campaign, selectors.campaign_org_get_for(request.user, campaign, org_id))


@router.put("/campaigns/{pk}/orgs/{org_id}/theme", response=ThemeOut, url_name="org-theme")
def theme_put(request: HttpRequest, pk: int, org_id: int, payload: ThemeIn):
    campaign = selectors.campaign_get_for(request.user, pk)
    org = selectors.campaign_org_get_for(request.user, campaign, org_id, cap=Cap.PLAN_WRITE)
    services.org_theme_set(
        actor=request.user,
        campaign=campaign,
        organisation=org,
        theme=payload.theme,
        carriers=payload.carriers,
    )
    return _theme_out(campaign, org)


def _group_out(campaign, org):
    return [
        {"name": g.name, "position": g.position, "unit": g.unit, "member_id": g.member_id}
        for g in selectors.group_member_rows(campaign, org)
    ]


@router.get("/campaigns/{pk}/orgs/{org_id}/group", response=list[GroupRow], url_name="org-group")
def group_get(request: HttpRequest, pk: int, org_id: int):
    campaign = selectors.campaign_get_for(request.user, pk)
    return _group_out(campaign, selectors.campaign_org_get_for(request.user, campaign, org_id))


@router.put("/campaigns/{pk}/orgs/{org_id}/group", response=list[GroupRow], url_name="org-group")
def group_put(request: HttpRequest, pk: int, org_id: int, payload: LeadingGroupIn):
    campaign = selectors.campaign_get_for(request.user, pk)
    org = selectors.campaign_org_get_for(request.user, campaign, org_id, cap=Cap.PLAN_WRITE)
    services.group_members_replace(
        actor=request.user, campaign=campaign, organisation=org, rows=[r.dict() for r in payload.rows]
    )
    return _group_out(campaign, org)


# ---------------------------------------------------------------- pairings


@router.get("/campaigns/{pk}/pairings", response=list[PairingOut], url_name="pairing-list")
def pairing_list(
    request: HttpRequest,
    pk: int,
    kind: str = "",
    org_id: int | None = None,
    limit: int = limit_param(50, 200),
    offset: int = offset_param(),
):
    campaign = selectors.campaign_get_for(request.user, pk)
    org = org_get_for(request.user, org_id, cap=Cap.CAMPAIGN_VIEW) if org_id is not None else None
    qs = selectors.pairing_list_for(request.user, campaign=campaign, org=org, kind=kind or None)
    return list(qs[offset : offset + limit])


@router.post("/campaigns/{pk}/pairings", response={201: PairingOut}, url_name="pairing-list")
def pairing_create(request: HttpRequest, pk: int, payload: PairingIn):
    campaign = selectors.campaign_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    helper = org_get_for(request.user, payload.helper_id, cap=Cap.CAMPAIGN_MANAGE)
    helped = org_get_for(request.user, payload.helped_id, cap=Cap.CAMPAIGN_MANAGE)
    pairing = services.pairing_create(
        actor=request.user,
        campaign=campaign,
        helper=helper,
        helped=helped,
        kind=payload.kind,
        goal=payload.goal,
        started_on=payload.started_on,
    )
    return Status(201, pairing)


@router.post("/pairings/{pk}/notes", response={201: NoteOut}, url_name="pairing-note")
def pairing_note(request: HttpRequest, pk: int, payload: NoteIn):
    pairing = selectors.pairing_get_for(request.user, pk)
    return Status(201, services.pairing_note_add(actor=request.user, pairing=pairing, **payload.dict()))


# ---------------------------------------------------------------- requirements per member status (loop)


class MemberRequirementsBody(Schema):
    """{member status: requirement text}; statuses on_duty, no_post, mobile, elderly; empty text removes."""

    texts: dict[str, str]


@router.get("/campaigns/{pk}/member-requirements", response=dict[str, str], url_name="member-requirements")
def member_requirements(request: HttpRequest, pk: int):
    campaign = selectors.campaign_get_for(request.user, pk)
    return {r.status: r.text for r in campaign.member_requirements.all()}


@router.put("/campaigns/{pk}/member-requirements", response=dict[str, str], url_name="member-requirements")
def member_requirements_put(request: HttpRequest, pk: int, payload: MemberRequirementsBody):
    campaign = selectors.campaign_get_for(request.user, pk, cap=Cap.CAMPAIGN_MANAGE)
    rows = services.member_requirements_set(actor=request.user, campaign=campaign, texts=payload.texts)
    return {r.status: r.text for r in rows}


# ---------------------------------------------------------------- local standards (loop)


class LocalCriteriaItemOut(Schema):
    item_id: int
    name: str
    weight: int
    campaign_text: str
    own: str
    inherited: str
    inherited_from: str
    effective: str


class LocalCriteriaOut(Schema):
    criteria_set_id: int
    name: str
    organisation_id: int
    local_wording: bool
    items: list[LocalCriteriaItemOut]


class LocalCriteriaIn(Schema):
    texts: dict[int, str]


class CriteriaPresetIn(Schema):
    preset: str


def _local_out(org, cset) -> dict:
    return {
        "criteria_set_id": cset.pk,
        "name": cset.name,
        "organisation_id": org.pk,
        "local_wording": cset.local_wording,
        "items": [
            {
                "item_id": r["item"].pk,
                "name": r["item"].name,
                "weight": r["item"].weight,
                "campaign_text": r["item"].description,
                "own": r["own"],
                "inherited": r["inherited"],
                "inherited_from": r["inherited_from"],
                "effective": r["effective"],
            }
            for r in local_standards.local_criteria_for(org, cset)
        ],
    }


@router.get("/criteria/{pk}/local/{org_id}", response=LocalCriteriaOut, url_name="local-criteria")
def local_criteria(request: HttpRequest, pk: int, org_id: int):
    """The items of a criteria set as `org_id` words them (its own, else inherited, else the campaign's)."""
    cset = selectors.criteria_set_get_for(request.user, pk)
    return _local_out(org_get_for(request.user, org_id, cap=Cap.PLAN_WRITE), cset)


@router.put("/criteria/{pk}/local/{org_id}", response=LocalCriteriaOut, url_name="local-criteria")
def local_criteria_save(request: HttpRequest, pk: int, org_id: int, data: LocalCriteriaIn):
    """Save the organisation's own wording: {item id: text}; an empty text goes back to inheriting."""
    cset = selectors.criteria_set_get_for(request.user, pk)
    org = org_get_for(request.user, org_id, cap=Cap.PLAN_WRITE)
    local_standards.local_criteria_save(actor=request.user, org=org, criteria_set=cset, texts=data.texts)
    return _local_out(org, cset)


@router.post("/campaigns/{pk}/criteria/presets", response={201: CriteriaSetOut}, url_name="criteria-preset")
def criteria_preset(request: HttpRequest, pk: int, data: CriteriaPresetIn):
    """Add a further standard set from a preset (`five_models`: 五个模范)."""
    campaign = selectors.campaign_get_for(request.user, pk)
    cset = local_standards.criteria_set_add_preset(actor=request.user, campaign=campaign, preset=data.preset)
    return Status(201, [s for s in selectors.criteria_sets_for(campaign) if s.pk == cset.pk][0])
