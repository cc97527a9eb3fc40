"""群团组织 (mass organisations): list and attach them, read and add their own members."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from pacesetter.core.paging import limit_param, offset_param
from pacesetter.massorgs import services
from pacesetter.massorgs.rules import MANAGE_CAP, can_see_mass_member_phone
from pacesetter.massorgs.selectors import mass_member_list, mass_org_get_for, mass_org_list_for
from pacesetter.orgs.selectors import org_get_for

from ._common import fields_from

router = Router(tags=["群团组织 massorgs"])


class MassOrgIn(Schema):
    party_org_id: int
    kind: str  # youth_league / union / women
    name: str


class MassOrgOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    party_org_id: int
    party_org: str
    is_active: bool
    member_total: int


class MassMemberIn(Schema):
    name: str
    gender: str  # M / F
    post: str = ""
    phone: str = ""
    joined_on: datetime.date | None = None


class MassMemberOut(Schema):
    id: int
    name: str
    gender: str
    post: str
    phone: str  # masked without the personal-data capability
    joined_on: datetime.date | None


def _org_out(m, total: int | None = None) -> dict:
    return fields_from(
        m,
        MassOrgOut,
        kind_label=str(m.get_kind_display()),
        party_org=m.party_org.name,
        member_total=total if total is not None else getattr(m, "member_total", 0),
    )


def _member_out(member, show_phone: bool) -> dict:
    return fields_from(member, MassMemberOut, phone=member.phone if show_phone else member.phone_masked)


@router.get("/massorgs", response=list[MassOrgOut], url_name="massorg-list")
def mass_org_list(
    request: HttpRequest,
    party_org_id: int | None = None,
    limit: int = limit_param(50, 500),
    offset: int = offset_param(),
):
    party_org = org_get_for(request.user, party_org_id) if party_org_id else None
    rows = mass_org_list_for(request.user, party_org=party_org)[offset : offset + limit]
    return [_org_out(m) for m in rows]


@router.post("/massorgs", response={201: MassOrgOut}, url_name="massorg-list")
def mass_org_create(request: HttpRequest, payload: MassOrgIn):
    party_org = org_get_for(request.user, payload.party_org_id, cap=MANAGE_CAP)
    m = services.mass_org_create(
        actor=request.user, party_org=party_org, kind=payload.kind, name=payload.name
    )
    return Status(201, _org_out(m, 0))


@router.get("/massorgs/{pk}", response=MassOrgOut, url_name="massorg-detail")
def mass_org_detail(request: HttpRequest, pk: int):
    return _org_out(mass_org_get_for(request.user, pk))


@router.get("/massorgs/{pk}/members", response=list[MassMemberOut], url_name="massorg-members")
def mass_member_list_api(
    request: HttpRequest, pk: int, limit: int = limit_param(100, 500), offset: int = offset_param()
):
    mass_org = mass_org_get_for(request.user, pk)
    show = can_see_mass_member_phone(request.user, mass_org)
    return [_member_out(m, show) for m in mass_member_list(mass_org)[offset : offset + limit]]


@router.post("/massorgs/{pk}/members", response={201: MassMemberOut}, url_name="massorg-members")
def mass_member_add(request: HttpRequest, pk: int, payload: MassMemberIn):
    mass_org = mass_org_get_for(request.user, pk, cap=MANAGE_CAP)
    member = services.mass_member_add(actor=request.user, mass_org=mass_org, **payload.dict())
    return Status(201, _member_out(member, can_see_mass_member_phone(request.user, mass_org)))
