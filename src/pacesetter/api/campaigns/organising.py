"""An organisation in a campaign: its theme and leading group, pairings with their notes, and the requirements
per member status.
"""

import datetime

from django.http import HttpRequest
from ninja import Schema
from ninja.responses import Status

from pacesetter.campaigns import selectors, services
from pacesetter.core.paging import limit_param, offset_param
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for

from ._router import router


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
        **payload.dict(exclude={"helper_id", "helped_id"}),
    )
    return Status(201, pairing)


@router.post("/pairings/{pk}/notes", response={201: NoteOut}, url_name="pairing-note")
def pairing_note(request: HttpRequest, pk: int, payload: NoteIn):
    pairing = selectors.pairing_get_for(request.user, pk)
    return Status(201, services.pairing_note_add(actor=request.user, pairing=pairing, **payload.dict()))


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
