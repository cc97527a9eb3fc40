"""Organisation tree endpoints."""

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from pacesetter.core.paging import limit_param, offset_param
from pacesetter.orgs import services
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import (
    annotate_subtree_counts,
    guides_of,
    org_children,
    org_get_for,
    org_list_for,
    scope_for,
)

from .schemas import MoveIn, OrgDetailOut, OrgIn, OrgOut, OrgPatch, OrgTreeOut

router = Router(tags=["组织 organisations"])


@router.get("/orgs", response=list[OrgOut], url_name="org-list")
def org_list(
    request: HttpRequest,
    q: str = "",
    parent_id: int | None = None,
    limit: int = limit_param(100, 500),
    offset: int = offset_param(),
):
    qs = org_list_for(request.user)
    if q:
        qs = qs.filter(name__icontains=q)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    return list(qs.order_by("path")[offset : offset + limit])


@router.post("/orgs", response={201: OrgOut}, url_name="org-list")
def org_create(request: HttpRequest, payload: OrgIn):
    parent = org_get_for(request.user, payload.parent_id, cap=Cap.ORG_MANAGE)
    org = services.org_create(actor=request.user, parent=parent, **payload.dict(exclude={"parent_id"}))
    return Status(201, org)


@router.get("/orgs/{org_id}", response=OrgDetailOut, url_name="org-detail")
def org_detail(request: HttpRequest, org_id: int):
    org = org_get_for(request.user, org_id)
    annotate_subtree_counts([org])
    org.guide_names = [g.name for g in guides_of(org)]
    return org


@router.patch("/orgs/{org_id}", response=OrgOut, url_name="org-detail")
def org_update(request: HttpRequest, org_id: int, payload: OrgPatch):
    org = org_get_for(request.user, org_id, cap=Cap.ORG_MANAGE)
    return services.org_update(
        actor=request.user,
        org=org,
        name=payload.name if payload.name is not None else org.name,
        org_type=payload.org_type or org.org_type,
        sector=payload.sector or org.sector,
    )


@router.get("/orgs/{org_id}/children", response=list[OrgTreeOut], url_name="org-children")
def org_children_list(request: HttpRequest, org_id: int, include_inactive: bool = False):
    scope = scope_for(request.user, Cap.ORG_VIEW)  # a sector line sees its sector's children only
    children = org_children(org_get_for(request.user, org_id), include_inactive=include_inactive)
    return [c for c in children if scope.covers(c)]


@router.post("/orgs/{org_id}/move", response=OrgOut, url_name="org-move")
def org_move(request: HttpRequest, org_id: int, payload: MoveIn):
    org = org_get_for(request.user, org_id, cap=Cap.ORG_MANAGE)
    new_parent = org_get_for(request.user, payload.new_parent_id, cap=Cap.ORG_MANAGE)
    return services.org_move(actor=request.user, org=org, new_parent=new_parent)


@router.post("/orgs/{org_id}/deactivate", response=OrgOut, url_name="org-deactivate")
def org_deactivate(request: HttpRequest, org_id: int):
    org = org_get_for(request.user, org_id, cap=Cap.ORG_MANAGE)
    return services.org_set_active(actor=request.user, org=org, active=False)
