"""Members, roles, the caller's own identity and the audit log."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.paging import limit_param, offset_param
from pacesetter.core.selectors import audit_list_for
from pacesetter.orgs import services
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import (
    caps_for,
    grant_list_for,
    member_for_user,
    member_get_for,
    member_list_for,
    org_get_for,
    org_in_scope,
    roles_for,
    scope_for,
)

from ._common import fields_from
from .schemas import AuditFilter, AuditOut, GrantIn, GrantOut, MemberIn, MemberOut, MeOut

router = Router(tags=["党员与角色 people and roles"])


def member_out(user, m, *, id_number: str | None = None) -> dict:
    """身份证号 is masked unless the caller revealed it (`id_number`, from services.member_reveal_pii)."""
    clear = m.user_id == user.pk or org_in_scope(user, m.organisation, Cap.PERSON_PII)
    return {
        "id": m.pk,
        "name": m.name,
        "gender": m.gender,
        "ethnicity": m.ethnicity,
        "birth_date": m.birth_date,
        "joined_on": m.joined_on,
        "post": m.post,
        "organisation_id": m.organisation_id,
        "organisation_name": m.organisation.name,
        "is_active": m.is_active,
        "phone": m.phone if clear else m.phone_masked,
        "id_number": id_number or m.id_number_masked,
    }


@router.get("/me", response=MeOut, url_name="me")
def me(request: HttpRequest):
    member = member_for_user(request.user)
    return {
        "id": request.user.pk,
        "username": request.user.username,
        "full_name": request.user.get_full_name(),
        "roles": sorted(roles_for(request.user)),
        "capabilities": sorted(caps_for(request.user)),
        "member_id": member.pk if member else None,
    }


@router.get("/members", response=list[MemberOut], url_name="member-list")
def member_list(
    request: HttpRequest,
    org_id: int | None = None,
    q: str = "",
    include_inactive: bool = False,
    limit: int = limit_param(100, 500),
    offset: int = offset_param(),
):
    org = org_get_for(request.user, org_id, cap=Cap.PERSON_VIEW) if org_id else None
    qs = member_list_for(request.user, org=org, query=q, include_inactive=include_inactive)
    return [member_out(request.user, m) for m in qs[offset : offset + limit]]


def _member_kwargs(request, payload: MemberIn) -> dict:
    data = payload.dict()
    data["organisation"] = org_get_for(request.user, data.pop("organisation_id"), cap=Cap.PERSON_MANAGE)
    return data


@router.post("/members", response={201: MemberOut}, url_name="member-list")
def member_create(request: HttpRequest, payload: MemberIn):
    member = services.member_create(actor=request.user, **_member_kwargs(request, payload))
    return Status(201, member_out(request.user, member))


@router.get("/members/{member_id}", response=MemberOut, url_name="member-detail")
def member_detail(request: HttpRequest, member_id: int, reveal: str = ""):
    """`?reveal=id_number` returns the 身份证号 in clear to the member or a person.pii role (audited)."""
    member = member_get_for(request.user, member_id)
    clear = services.member_reveal_pii(actor=request.user, member=member, field=reveal) if reveal else None
    return member_out(request.user, member, id_number=clear)


@router.patch("/members/{member_id}", response=MemberOut, url_name="member-detail")
def member_update(request: HttpRequest, member_id: int, payload: MemberIn):
    member = member_get_for(request.user, member_id, cap=Cap.PERSON_MANAGE)
    member = services.member_update(actor=request.user, member=member, **_member_kwargs(request, payload))
    return member_out(request.user, member)


@router.post("/members/{member_id}/deactivate", response=MemberOut, url_name="member-deactivate")
def member_deactivate(request: HttpRequest, member_id: int):
    member = member_get_for(request.user, member_id, cap=Cap.PERSON_MANAGE)
    return member_out(
        request.user, services.member_set_active(actor=request.user, member=member, active=False)
    )


def grant_out(g) -> dict:
    return fields_from(
        g,
        GrantOut,
        username=g.user.username,
        organisation_name=g.organisation.name,
        guide_name=g.guide.name if g.guide_id else "",
    )


@router.get("/grants", response=list[GrantOut], url_name="grant-list")
def grant_list(
    request: HttpRequest,
    org_id: int | None = None,
    limit: int = limit_param(100, 500),
    offset: int = offset_param(),
):
    org = org_get_for(request.user, org_id, cap=Cap.ROLE_MANAGE) if org_id else None
    return [grant_out(g) for g in grant_list_for(request.user, org=org)[offset : offset + limit]]


@router.post("/grants", response={201: GrantOut}, url_name="grant-list")
def grant_create(request: HttpRequest, payload: GrantIn):
    user = get_user_model().objects.filter(username=payload.username, is_active=True).first()
    if user is None:
        raise ValidationError(f"没有名为“{payload.username}”的有效账号", field="username")
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.ROLE_MANAGE)
    guide = org_get_for(request.user, payload.guide_id, cap=Cap.ROLE_MANAGE) if payload.guide_id else None
    grant = services.role_grant(
        actor=request.user, user=user, role=payload.role, organisation=org, sector=payload.sector, guide=guide
    )
    return Status(201, grant_out(grant))


@router.post("/grants/{grant_id}/revoke", response=GrantOut, url_name="grant-revoke")
def grant_revoke(request: HttpRequest, grant_id: int):
    grant = grant_list_for(request.user).filter(pk=grant_id).first()
    if grant is None:
        raise NotFoundError()
    return grant_out(services.role_revoke(actor=request.user, grant=grant))


@router.get("/audit", response=list[AuditOut], url_name="audit-list")
def audit_list(
    request: HttpRequest,
    filters: Query[AuditFilter],
    limit: int = limit_param(100, 500),
    offset: int = offset_param(),
):
    qs = audit_list_for(scope_for(request.user, Cap.AUDIT_VIEW).roots, **filters.dict())
    return list(qs[offset : offset + limit])
