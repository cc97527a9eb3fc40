"""党员点评 and 集中点评 endpoints (#19 part 1): the pages' services and selectors."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from pacesetter.core.errors import ValidationError
from pacesetter.core.paging import offset_param
from pacesetter.core.people import display_name
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import member_get_for, org_get_for
from pacesetter.supervision import member_reviews as mr
from pacesetter.supervision import services
from pacesetter.supervision.models import MemberReview, ReviewSession

from ._common import fields_from

router = Router(tags=["党员点评与集中点评"])
LIMIT = 100


class MrSnapshotItem(Schema):
    id: int
    title: str
    status: str
    progress: int
    deadline: str


class MrReviewOut(Schema):
    id: int
    member_id: int
    member_name: str
    organisation_id: int
    leader: str
    session_id: int | None
    achievements: str
    problems: str
    direction: str
    rating: str
    status: str
    reviewed_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    commitments: list[MrSnapshotItem]


class MrReviewIn(Schema):
    member_id: int = Field(..., ge=1, le=2**31 - 1)
    session_id: int | None = Field(None, ge=1, le=2**31 - 1)
    achievements: str
    problems: str
    direction: str
    rating: str


class MrAttendeeIn(Schema):
    name: str
    unit: str = ""
    present: bool = True


class MrAttendeeOut(Schema):
    id: int
    name: str
    unit: str
    present: bool


class MrSessionIn(Schema):
    organisation_id: int = Field(..., ge=1, le=2**31 - 1)
    title: str
    held_on: datetime.date
    place: str = ""
    attendees: list[MrAttendeeIn]


class MrSessionOut(Schema):
    id: int
    organisation_id: int
    title: str
    held_on: datetime.date
    place: str
    status: str
    summary: str
    attendees: list[MrAttendeeOut]
    org_review_ids: list[int]
    member_review_ids: list[int]


class MrSessionReviewIn(Schema):
    """A review filed at the session: of an organisation (organisation_id) or a member (member_id)."""

    organisation_id: int | None = Field(None, ge=1, le=2**31 - 1)
    member_id: int | None = Field(None, ge=1, le=2**31 - 1)
    achievements: str
    problems: str
    direction: str
    rating: str


class MrSessionReviewOut(Schema):
    kind: str
    id: int


class MrCloseIn(Schema):
    summary: str = ""


class MrCoverageOut(Schema):
    organisation_id: int
    organisation: str
    state: str
    last_on: datetime.date | None


def _name(user) -> str:
    return display_name(user) if user else ""


def _review(r: MemberReview) -> dict:
    return fields_from(r, MrReviewOut, member_name=r.member.name, leader=_name(r.leader))


def _session(s: ReviewSession) -> dict:
    return fields_from(
        s,
        MrSessionOut,
        attendees=[fields_from(a, MrAttendeeOut) for a in s.attendees.all()],
        org_review_ids=list(s.org_reviews.order_by("id").values_list("id", flat=True)),
        member_review_ids=list(s.member_reviews.order_by("id").values_list("id", flat=True)),
    )


@router.get("/supervision/member-reviews", response=list[MrReviewOut], url_name="sup-member-review-list")
def member_review_list(
    request: HttpRequest,
    member_id: int | None = Query(None, ge=1, le=2**31 - 1),
    offset: int = offset_param(),
):
    member = member_get_for(request.user, member_id) if member_id else None
    qs = mr.member_review_list_for(request.user)
    if member is not None:
        qs = qs.filter(member=member)
    return [_review(r) for r in qs[offset : offset + LIMIT]]


@router.post("/supervision/member-reviews", response={201: MrReviewOut}, url_name="sup-member-review-list")
def member_review_create(request: HttpRequest, payload: MrReviewIn):
    member = member_get_for(request.user, payload.member_id, cap=Cap.MEMBER_REVIEW)
    session = mr.session_get_for(request.user, payload.session_id) if payload.session_id else None
    review = mr.member_review_file(
        actor=request.user,
        member=member,
        session=session,
        **payload.dict(exclude={"member_id", "session_id"}),
    )
    return Status(201, _review(review))


@router.get("/supervision/member-reviews/{pk}", response=MrReviewOut, url_name="sup-member-review-detail")
def member_review_detail(request: HttpRequest, pk: int):
    return _review(mr.member_review_get_for(request.user, pk))


@router.post(
    "/supervision/member-reviews/{pk}/acknowledge",
    response=MrReviewOut,
    url_name="sup-member-review-acknowledge",
)
def member_review_acknowledge(request: HttpRequest, pk: int):
    review = mr.member_review_get_for(request.user, pk)
    return _review(mr.member_review_acknowledge(actor=request.user, review=review))


@router.get("/supervision/sessions", response=list[MrSessionOut], url_name="sup-session-list")
def session_list(request: HttpRequest, offset: int = offset_param()):
    qs = mr.session_list_for(request.user).prefetch_related("attendees")
    return [_session(s) for s in qs[offset : offset + LIMIT]]


@router.post("/supervision/sessions", response={201: MrSessionOut}, url_name="sup-session-list")
def session_create(request: HttpRequest, payload: MrSessionIn):
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.MEMBER_REVIEW)
    session = mr.session_convene(actor=request.user, org=org, **payload.dict(exclude={"organisation_id"}))
    return Status(201, _session(session))


@router.get("/supervision/sessions/check", response=list[MrCoverageOut], url_name="sup-session-check")
def session_check(request: HttpRequest, state: str = "", offset: int = offset_param()):
    rows = mr.session_coverage_for(request.user)
    if state:
        rows = [r for r in rows if r.state == state]
    return [
        {
            "organisation_id": r.organisation.pk,
            "organisation": r.organisation.name,
            "state": r.state,
            "last_on": r.last_on,
        }
        for r in rows[offset : offset + LIMIT]
    ]


@router.get("/supervision/sessions/{pk}", response=MrSessionOut, url_name="sup-session-detail")
def session_detail(request: HttpRequest, pk: int):
    return _session(mr.session_get_for(request.user, pk))


@router.post(
    "/supervision/sessions/{pk}/reviews", response={201: MrSessionReviewOut}, url_name="sup-session-review"
)
def session_review(request: HttpRequest, pk: int, payload: MrSessionReviewIn):
    session = mr.session_get_for(request.user, pk)
    if (payload.organisation_id is None) == (payload.member_id is None):
        raise ValidationError(
            _("请指定被点评的组织（organisation_id）或党员（member_id）之一"), field="member_id"
        )
    texts = {
        "achievements": payload.achievements,
        "problems": payload.problems,
        "direction": payload.direction,
        "rating": payload.rating,
    }
    if payload.member_id is not None:
        member = member_get_for(request.user, payload.member_id)
        review = mr.member_review_file(actor=request.user, member=member, session=session, **texts)
        return Status(201, {"kind": "member", "id": review.pk})
    org = org_get_for(request.user, payload.organisation_id)
    org_review = services.review_file(actor=request.user, org=org, session=session, **texts)
    return Status(201, {"kind": "org", "id": org_review.pk})


@router.post("/supervision/sessions/{pk}/close", response=MrSessionOut, url_name="sup-session-close")
def session_close(request: HttpRequest, pk: int, payload: MrCloseIn):
    session = mr.session_get_for(request.user, pk)
    return _session(mr.session_close(actor=request.user, session=session, summary=payload.summary))
