"""Activity records (记实登记): list, log, read, edit, delete; photos; meeting attendance and QR sign-in."""

import datetime

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from pacesetter.core.errors import NotFoundError, ValidationError
from pacesetter.core.paging import limit_param, offset_param
from pacesetter.core.people import display_name
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import member_for_user, org_get_for
from pacesetter.records import services
from pacesetter.records.rules import can_manage_meeting
from pacesetter.records.selectors import (
    attendance_list,
    meeting_roster,
    my_record_list_for,
    record_get_for,
    record_list_for,
)

from ._common import fields_from, photo_file
from .schemas import ActionIn, PhotoFileOut

router = Router(tags=["记实登记 activity records"])


class MeetingIn(Schema):
    host: str = ""
    recorder: str = ""
    expected_count: int | None = None
    actual_count: int | None = None
    minutes: str = ""


class MeetingOut(Schema):
    host: str
    recorder: str
    expected_count: int
    actual_count: int
    minutes: str
    sign_in_open: bool
    sign_in_closes_at: datetime.datetime | None


class RecordIn(Schema):
    """`personal: true` logs a personal record for the caller's own member entry; else give organisation_id."""

    personal: bool = False
    organisation_id: int | None = None
    kind: str
    title: str
    occurred_on: datetime.date
    place: str = ""
    participants: str = ""
    content: str
    contribution: str = ""
    effect: str = ""
    meeting: MeetingIn | None = None


class RecordPatch(Schema):
    kind: str | None = None
    title: str | None = None
    occurred_on: datetime.date | None = None
    place: str | None = None
    participants: str | None = None
    content: str | None = None
    contribution: str | None = None
    effect: str | None = None
    meeting: MeetingIn | None = None


class PhotoOut(PhotoFileOut):
    caption: str


class RecordOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    member_id: int | None
    member_name: str | None
    campaign_id: int | None
    kind: str
    kind_label: str
    title: str
    occurred_on: datetime.date
    place: str
    participants: str
    content: str
    contribution: str
    effect: str
    logged_by: str | None
    created_at: datetime.datetime
    meeting: MeetingOut | None
    photos: list[PhotoOut]
    check_status: str
    check_comment: str
    checked_at: datetime.datetime | None


class RecordCheckIn(ActionIn):
    """`action`: "check" (检查通过) or "return" (退回, `comment` required)."""


class AttendanceIn(Schema):
    member_id: int
    status: str
    reason_kind: str = ""
    reason: str = ""


class AttendanceOut(Schema):
    member_id: int
    member_name: str
    status: str
    reason_kind: str
    reason: str
    method: str
    signed_in_at: datetime.datetime | None


class SignInOut(Schema):
    already: bool
    record_id: int
    attendance: AttendanceOut


def photo_out(p) -> dict:
    return {**photo_file(p, "records:photo"), "caption": p.caption}


def record_out(r) -> dict:
    m = r.meeting_detail
    return fields_from(
        r,
        RecordOut,
        organisation_name=r.organisation.name,
        member_name=r.member.name if r.member else None,
        kind_label=str(r.get_kind_display()),
        logged_by=display_name(r.logged_by) if r.logged_by else None,
        meeting=None if m is None else fields_from(m, MeetingOut, sign_in_open=m.sign_in_is_open()),
        photos=[photo_out(p) for p in r.photos.all()],
    )


def attendance_out(a) -> dict:
    return fields_from(a, AttendanceOut, member_name=a.member.name)


@router.get("/records", response=list[RecordOut], url_name="record-list")
def record_list(
    request: HttpRequest,
    org_id: int | None = None,
    kind: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    scope: str | None = None,
    check: str | None = None,
    mine: bool = False,
    limit: int = limit_param(50, 200),
    offset: int = offset_param(),
):
    """Records the caller may see; `mine=true`: only the caller's own (personal, logged, attended)."""
    if mine:
        qs = my_record_list_for(request.user, kind=kind)
    else:
        org = org_get_for(request.user, org_id, cap=Cap.RECORD_VIEW) if org_id else None
        qs = record_list_for(
            request.user, org=org, kind=kind, date_from=date_from, date_to=date_to, scope=scope, check=check
        )
    return [record_out(r) for r in qs[offset : offset + limit]]


def _fresh(user, pk):
    return record_out(record_get_for(user, pk))


@router.post("/records", response={201: RecordOut}, url_name="record-list")
def record_create(request: HttpRequest, payload: RecordIn):
    data = payload.dict(exclude={"personal", "organisation_id", "meeting"})
    meeting = payload.meeting.dict() if payload.meeting else None
    if payload.personal:
        member = member_for_user(request.user)
        if member is None:
            raise ValidationError("您的账号没有关联党员信息，不能登记个人记实", field="personal")
        record = services.record_create(actor=request.user, member=member, **data)
    else:
        if payload.organisation_id is None:
            raise ValidationError(
                "请提供 organisation_id，或以 personal=true 登记个人记实", field="organisation_id"
            )
        org = org_get_for(request.user, payload.organisation_id, cap=Cap.RECORD_LOG)
        record = services.record_create(actor=request.user, organisation=org, meeting=meeting, **data)
    return Status(201, _fresh(request.user, record.pk))


@router.get("/records/{pk}", response=RecordOut, url_name="record-detail")
def record_detail(request: HttpRequest, pk: int):
    return _fresh(request.user, pk)


@router.patch("/records/{pk}", response=RecordOut, url_name="record-detail")
def record_update(request: HttpRequest, pk: int, payload: RecordPatch):
    record = record_get_for(request.user, pk)
    fields = payload.dict(exclude={"meeting"}, exclude_none=True)
    meeting = payload.meeting.dict() if payload.meeting else None
    services.record_update(actor=request.user, record=record, meeting=meeting, **fields)
    return _fresh(request.user, pk)


@router.delete("/records/{pk}", response={204: None}, url_name="record-detail")
def record_delete(request: HttpRequest, pk: int):
    services.record_delete(actor=request.user, record=record_get_for(request.user, pk))
    return Status(204, None)


@router.post("/records/{pk}/check", response=RecordOut, url_name="record-check")
def record_check(request: HttpRequest, pk: int, payload: RecordCheckIn):
    """检查: the parent organisation (organisation records) or the branch (personal records)."""
    record = record_get_for(request.user, pk)
    services.record_check(actor=request.user, record=record, action=payload.action, comment=payload.comment)
    return _fresh(request.user, pk)


@router.get("/records/{pk}/photos", response=list[PhotoOut], url_name="record-photos")
def photo_list(request: HttpRequest, pk: int):
    return [photo_out(p) for p in record_get_for(request.user, pk).photos.all()]


@router.post("/records/{pk}/photos", response={201: list[PhotoOut]}, url_name="record-photos")
def photo_upload(request: HttpRequest, pk: int, files: File[list[UploadedFile]], caption: Form[str] = ""):
    """Multipart upload (field `files`, repeatable); all files are checked before any is stored."""
    record = record_get_for(request.user, pk)
    for f in files:
        services.photo_check(f)
    photos = [services.photo_add(actor=request.user, record=record, file=f, caption=caption) for f in files]
    return Status(201, [photo_out(p) for p in photos])


def _managed_meeting(request, pk):
    record = record_get_for(request.user, pk)
    if record.meeting_detail is None or not can_manage_meeting(request.user, record):
        raise NotFoundError()
    return record


@router.get("/records/{pk}/attendance", response=list[AttendanceOut], url_name="record-attendance")
def attendance_get(request: HttpRequest, pk: int):
    record = _managed_meeting(request, pk)
    return [attendance_out(a) for a in attendance_list(record.meeting_detail)]


@router.post("/records/{pk}/attendance", response=AttendanceOut, url_name="record-attendance")
def attendance_mark(request: HttpRequest, pk: int, payload: AttendanceIn):
    record = _managed_meeting(request, pk)
    member = next((m for m, _a in meeting_roster(record) if m.pk == payload.member_id), None)
    if member is None:
        raise ValidationError("该党员不在本次会议的名单中", field="member_id")
    a = services.attendance_mark(
        actor=request.user, record=record, member=member, **payload.dict(exclude={"member_id"})
    )
    return attendance_out(a)


@router.post("/records/sign-in/{pk}", response=SignInOut, url_name="record-sign-in")
def sign_in(request: HttpRequest, pk: str):
    """Sign in to a meeting with the token from its QR code (`pk` is the token)."""
    a, created = services.sign_in_by_token(user=request.user, token=pk)
    return {"already": not created, "record_id": a.meeting.record_id, "attendance": attendance_out(a)}
