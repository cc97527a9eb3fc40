"""Liaisons (联系点) and leader reviews (领导点评): listed, filed, answered and published."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.responses import Status

from pacesetter.core.errors import NotFoundError
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import org_get_for
from pacesetter.supervision import services
from pacesetter.supervision.selectors import (
    liaison_status_list_for,
    review_get_for,
    review_items,
    review_list_for,
)

from ._common import LIMIT, TextIn
from ._router import router


class LiaisonOut(Schema):
    leader_id: int
    organisation_id: int
    organisation_name: str
    last_reviewed_at: datetime.datetime | None
    due_on: datetime.date
    state: str


class ReviewItemOut(Schema):
    commitment_id: int
    title: str
    progress: int
    remark: str
    flagged: bool


class ReviewOut(Schema):
    id: int
    organisation_id: int
    leader_id: int
    rating: str
    status: str
    achievements: str
    problems: str
    direction: str
    response: str
    reviewed_at: datetime.datetime
    published_at: datetime.datetime | None
    guidance: bool  # 行业指导点评 (#18): filed by a guiding body, not a liaison leader


class ReviewDetailOut(ReviewOut):
    items: list[ReviewItemOut]


class ReviewRemarkIn(Schema):
    commitment_id: int
    remark: str = ""
    flagged: bool = False


class ReviewIn(Schema):
    organisation_id: int
    achievements: str
    problems: str
    direction: str
    rating: str
    remarks: list[ReviewRemarkIn] = []


class ReviewPublishIn(Schema):
    publish: bool = True


def _review(r, items=None) -> dict:
    data = {k: getattr(r, k) for k in ReviewOut.model_fields if k not in ("id",)} | {"id": r.pk}
    if items is not None:
        data["items"] = [
            {
                "commitment_id": i.commitment_id,
                "title": i.title,
                "progress": i.progress,
                "remark": i.remark,
                "flagged": i.flagged,
            }
            for i in items
        ]
    return data


@router.get("/supervision/liaisons", response=list[LiaisonOut], url_name="sup-liaison-list")
def liaison_list(request: HttpRequest, mine: bool = False, state: str = ""):
    """Liaison organisations (联系点) with their review due date and state (ok / due / overdue)."""
    return [
        {
            "leader_id": r.liaison.leader_id,
            "organisation_id": r.organisation.pk,
            "organisation_name": r.organisation.name,
            "last_reviewed_at": r.last_reviewed_at,
            "due_on": r.due_on,
            "state": r.state,
        }
        for r in liaison_status_list_for(request.user, mine=mine, state=state)
    ]


@router.get("/supervision/reviews", response=list[ReviewOut], url_name="sup-review-list")
def review_list(request: HttpRequest, org_id: int | None = None, status: str = "", rating: str = ""):
    org = org_get_for(request.user, org_id, cap=Cap.PROGRESS_VIEW) if org_id else None
    return [_review(r) for r in review_list_for(request.user, org=org, status=status, rating=rating)[:LIMIT]]


@router.post("/supervision/reviews", response={201: ReviewDetailOut}, url_name="sup-review-list")
def review_create(request: HttpRequest, payload: ReviewIn):
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.REVIEW_WRITE)
    return _review_filed(request, org, payload)


@router.post(
    "/supervision/guidance-reviews", response={201: ReviewDetailOut}, url_name="sup-guidance-review-create"
)
def guidance_review_create(request: HttpRequest, payload: ReviewIn):
    """行业指导点评 (条块结合): a guiding body reviews an organisation of its sector line while the campaign's
    领导点评 window is open. Publishing it and ordering rectification stay with the office."""
    try:
        org = org_get_for(request.user, payload.organisation_id, cap=Cap.GUIDANCE_REVIEW)
    except NotFoundError:
        raise NotFoundError(
            _("该组织不在您指导的行业范围内，不能作行业指导点评"), field="organisation_id"
        ) from None
    return _review_filed(request, org, payload, guidance=True)


def _review_filed(request: HttpRequest, org, payload: ReviewIn, *, guidance: bool = False):
    review = services.review_file(
        actor=request.user,
        org=org,
        remarks={r.commitment_id: (r.remark, r.flagged) for r in payload.remarks},
        guidance=guidance,
        **payload.dict(exclude={"organisation_id", "remarks"}),
    )
    return Status(201, _review(review, review_items(review)))


@router.get("/supervision/reviews/{pk}", response=ReviewDetailOut, url_name="sup-review-detail")
def review_detail(request: HttpRequest, pk: int):
    review = review_get_for(request.user, pk)
    return _review(review, review_items(review))


@router.post("/supervision/reviews/{pk}/respond", response=ReviewOut, url_name="sup-review-respond")
def review_respond(request: HttpRequest, pk: int, payload: TextIn):
    return _review(
        services.review_respond(
            actor=request.user, review=review_get_for(request.user, pk), response=payload.text
        )
    )


@router.post("/supervision/reviews/{pk}/publish", response=ReviewOut, url_name="sup-review-publish")
def review_publish(request: HttpRequest, pk: int, payload: ReviewPublishIn):
    review = review_get_for(request.user, pk)
    return _review(services.review_publish(actor=request.user, review=review, publish=payload.publish))
