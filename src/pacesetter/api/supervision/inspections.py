"""督查: teams, inspections and their findings, and 随机抽查 draws (public once drawn)."""

import datetime

from django.http import HttpRequest
from ninja import Schema
from ninja.responses import Status

from pacesetter.campaigns.selectors import campaign_get_for
from pacesetter.core.errors import ValidationError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for
from pacesetter.supervision import services
from pacesetter.supervision.selectors import (
    draw_get_public,
    draw_list_for,
    inspection_get_for,
    inspection_list_for,
    team_get_for,
    team_list_for,
)

from .._common import fields_from
from ._common import LIMIT, TextIn
from ._router import router


class TeamOut(Schema):
    id: int
    name: str
    organisation_id: int
    member_ids: list[int]


class TeamIn(Schema):
    organisation_id: int
    name: str
    member_ids: list[int]


class InspectionOut(Schema):
    id: int
    organisation_id: int
    team_id: int | None
    method: str
    planned_on: datetime.date
    subject: str
    status: str
    record: str
    findings: list[dict]


class InspectionIn(Schema):
    organisation_id: int
    method: str
    planned_on: datetime.date
    subject: str
    team_id: int | None = None
    draw_id: int | None = None


class CancelIn(Schema):
    reason: str = ""


class FileIn(Schema):
    record: str
    findings: list[str] = []


class DrawOut(Schema):
    id: int
    title: str
    organisation_id: int
    filters: dict
    public_value: str
    seed: str
    algorithm: str
    candidates: list[list]
    candidate_digest: str
    n: int
    chosen_ids: list[int]
    created_at: datetime.datetime


class DrawIn(Schema):
    organisation_id: int
    title: str
    n: int
    sector: str = ""
    org_type: str = ""
    flags: list[str] = []
    campaign_id: int | None = None
    public_value: str = ""


def _inspection(i) -> dict:
    findings = [{"id": f.pk, "description": f.description} for f in i.findings.all()]
    return fields_from(i, InspectionOut, findings=findings)


def _draw(d) -> dict:
    return fields_from(d, DrawOut)


@router.get("/supervision/teams", response=list[TeamOut], url_name="sup-team-list")
def team_list(request: HttpRequest):
    return [
        {
            "id": t.pk,
            "name": t.name,
            "organisation_id": t.organisation_id,
            "member_ids": [m.pk for m in t.members.all()],
        }
        for t in team_list_for(request.user)[:LIMIT]
    ]


@router.post("/supervision/teams", response={201: TeamOut}, url_name="sup-team-list")
def team_create(request: HttpRequest, payload: TeamIn):
    from django.contrib.auth import get_user_model

    org = org_get_for(request.user, payload.organisation_id, cap=Cap.CAMPAIGN_MANAGE)
    members = list(get_user_model().objects.filter(pk__in=payload.member_ids))
    if len(members) != len(set(payload.member_ids)):
        raise ValidationError("成员不存在", field="member_ids")
    team = services.team_create(actor=request.user, org=org, name=payload.name, members=members)
    out = {"id": team.pk, "name": team.name, "organisation_id": org.pk, "member_ids": [m.pk for m in members]}
    return Status(201, out)


@router.get("/supervision/inspections", response=list[InspectionOut], url_name="sup-inspection-list")
def inspection_list(request: HttpRequest, org_id: int | None = None, method: str = "", status: str = ""):
    org = org_get_for(request.user, org_id, cap=Cap.PROGRESS_VIEW) if org_id else None
    qs = inspection_list_for(request.user, org=org, method=method, status=status).prefetch_related("findings")
    return [_inspection(i) for i in qs[:LIMIT]]


@router.post("/supervision/inspections", response={201: InspectionOut}, url_name="sup-inspection-list")
def inspection_create(request: HttpRequest, payload: InspectionIn):
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.CAMPAIGN_MANAGE)
    inspection = services.inspection_plan(
        actor=request.user,
        org=org,
        team=team_get_for(request.user, payload.team_id) if payload.team_id else None,
        draw=draw_get_public(payload.draw_id) if payload.draw_id else None,
        **payload.dict(exclude={"organisation_id", "team_id", "draw_id"}),
    )
    return Status(201, _inspection(inspection))


@router.get("/supervision/inspections/{pk}", response=InspectionOut, url_name="sup-inspection-detail")
def inspection_detail(request: HttpRequest, pk: int):
    return _inspection(inspection_get_for(request.user, pk))


@router.post("/supervision/inspections/{pk}/file", response=InspectionOut, url_name="sup-inspection-file")
def inspection_file(request: HttpRequest, pk: int, payload: FileIn):
    inspection = inspection_get_for(request.user, pk)
    services.inspection_file(
        actor=request.user, inspection=inspection, record=payload.record, findings=payload.findings
    )
    return _inspection(inspection_get_for(request.user, pk))


@router.post("/supervision/inspections/{pk}/cancel", response=InspectionOut, url_name="sup-inspection-cancel")
def inspection_cancel(request: HttpRequest, pk: int, payload: CancelIn | None = None):
    """Call off a planned inspection (the office above, or a member of its team), with an optional reason."""
    inspection = inspection_get_for(request.user, pk)
    services.inspection_cancel(
        actor=request.user, inspection=inspection, reason=payload.reason if payload else ""
    )
    return _inspection(inspection_get_for(request.user, pk))


@router.post("/supervision/inspections/{pk}/findings", response={201: dict}, url_name="sup-finding-add")
def finding_add(request: HttpRequest, pk: int, payload: TextIn):
    finding = services.finding_add(
        actor=request.user, inspection=inspection_get_for(request.user, pk), description=payload.text
    )
    return Status(201, {"id": finding.pk, "description": finding.description})


@router.get("/supervision/draws", response=list[DrawOut], url_name="sup-draw-list")
def draw_list(request: HttpRequest):
    return [_draw(d) for d in draw_list_for(request.user).defer(None)[:LIMIT]]


@router.post("/supervision/draws", response={201: DrawOut}, url_name="sup-draw-list")
def draw_create(request: HttpRequest, payload: DrawIn):
    root = org_get_for(request.user, payload.organisation_id, cap=Cap.CAMPAIGN_MANAGE)
    campaign = campaign_get_for(request.user, payload.campaign_id) if payload.campaign_id else None
    draw = services.draw_create(
        actor=request.user,
        root=root,
        campaign=campaign,
        **payload.dict(exclude={"organisation_id", "campaign_id"}),
    )
    return Status(201, _draw(draw))


@router.get("/supervision/draws/{pk}", response=DrawOut, url_name="sup-draw-detail", auth=None)
def draw_detail(request: HttpRequest, pk: int):
    """Public: a draw's seed, candidate list and result, to re-run it (see supervision/draws.py)."""
    return _draw(draw_get_public(pk))
