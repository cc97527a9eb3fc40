"""Mentoring (老带新), contact households (党员联系户), their counts and reminders (#19 parts 2 and 6).

Household personal data comes masked unless the caller may see it, as on the pages; nothing is public."""

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from pacesetter.core.paging import offset_param
from pacesetter.core.people import display_name
from pacesetter.members import reminders, selectors, services
from pacesetter.members.models import Mentorship
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.selectors import member_get_for, org_get_for

from ._common import fields_from

router = Router(tags=["结对帮带与党员联系户"])
LIMIT = 100
ID = Field(..., ge=1, le=2**31 - 1)


class MemMentorshipIn(Schema):
    mentor_id: int = ID
    mentee_id: int = ID
    kind: str
    goals: str = ""
    started_on: datetime.date | None = None


class MemNoteIn(Schema):
    text: str
    on: datetime.date | None = None


class MemNoteOut(Schema):
    id: int
    on: datetime.date
    text: str
    author: str


class MemMentorshipOut(Schema):
    id: int
    organisation_id: int
    mentor_id: int
    mentor: str
    mentee_id: int
    mentee: str
    kind: str
    goals: str
    started_on: datetime.date
    status: str
    ended_on: datetime.date | None
    notes: list[MemNoteOut] | None = None


class MemHouseholdIn(Schema):
    member_id: int = ID
    head_name: str
    address: str
    phone: str = ""
    needs: str = ""


class MemHouseholdOut(Schema):
    id: int
    organisation_id: int
    member_id: int
    member: str
    head_name: str
    address: str
    phone: str
    needs: str
    masked: bool
    status: str
    notes: list[MemNoteOut] | None = None


class MemCountsOut(Schema):
    organisation_id: int
    pairs: int
    mentees: int
    households: int
    members_with_households: int
    notes_recent: int


class MemReminderIn(Schema):
    organisation_id: int = ID


class MemReminderOut(Schema):
    evaluation: int
    commitment_update: int
    party_analysis: int


def _author(user) -> str:
    return display_name(user) if user else ""


def _note(n, on: datetime.date) -> dict:
    """A mentor's or a household visit's note (`MemNoteOut`), dated `on` (noted_on, visited_on)."""
    return {"id": n.pk, "on": on, "text": n.text, "author": _author(n.author)}


def _mentorship(m: Mentorship, notes=None) -> dict:
    return fields_from(
        m,
        MemMentorshipOut,
        mentor=m.mentor.name,
        mentee=m.mentee.name,
        notes=None if notes is None else [_note(n, n.noted_on) for n in notes],
    )


def _household(r: selectors.HouseholdRow, notes=None) -> dict:
    h = r.household
    return {
        "id": h.pk,
        "organisation_id": h.organisation_id,
        "member_id": h.member_id,
        "member": h.member.name,
        "head_name": r.head_name,
        "address": r.address,
        "phone": r.phone,
        "needs": r.needs,
        "masked": r.masked,
        "status": h.status,
        "notes": None if notes is None else [_note(n, n.visited_on) for n in notes],
    }


@router.get("/mentoring/pairs", response=list[MemMentorshipOut], url_name="mem-mentorship-list")
def mentorship_list(
    request: HttpRequest,
    member_id: int | None = Query(None, ge=1, le=2**31 - 1),
    status: str = "",
    offset: int = offset_param(),
):
    member = member_get_for(request.user, member_id) if member_id else None
    qs = selectors.mentorship_list_for(request.user, member=member, status=status)
    return [_mentorship(m) for m in qs[offset : offset + LIMIT]]


@router.post("/mentoring/pairs", response={201: MemMentorshipOut}, url_name="mem-mentorship-list")
def mentorship_create(request: HttpRequest, payload: MemMentorshipIn):
    m = services.mentorship_start(
        actor=request.user,
        mentor=member_get_for(request.user, payload.mentor_id),
        mentee=member_get_for(request.user, payload.mentee_id, cap=Cap.MENTORING_MANAGE),
        **payload.dict(exclude={"mentor_id", "mentee_id"}),
    )
    return Status(201, _mentorship(m, []))


@router.get("/mentoring/pairs/{pk}", response=MemMentorshipOut, url_name="mem-mentorship-detail")
def mentorship_detail(request: HttpRequest, pk: int):
    m = selectors.mentorship_get_for(request.user, pk)
    return _mentorship(m, selectors.mentor_notes(m))


@router.post("/mentoring/pairs/{pk}/notes", response={201: MemNoteOut}, url_name="mem-mentorship-note")
def mentorship_note(request: HttpRequest, pk: int, payload: MemNoteIn):
    m = selectors.mentorship_get_for(request.user, pk)
    n = services.mentorship_note(actor=request.user, mentorship=m, text=payload.text, noted_on=payload.on)
    return Status(201, _note(n, n.noted_on))


@router.post("/mentoring/pairs/{pk}/end", response=MemMentorshipOut, url_name="mem-mentorship-end")
def mentorship_end(request: HttpRequest, pk: int):
    m = selectors.mentorship_get_for(request.user, pk)
    return _mentorship(services.mentorship_end(actor=request.user, mentorship=m))


@router.get("/mentoring/households", response=list[MemHouseholdOut], url_name="mem-household-list")
def household_list(
    request: HttpRequest,
    member_id: int | None = Query(None, ge=1, le=2**31 - 1),
    status: str = "",
    offset: int = offset_param(),
):
    member = member_get_for(request.user, member_id) if member_id else None
    qs = selectors.household_list_for(request.user, member=member, status=status)
    return [_household(r) for r in selectors.household_rows(request.user, qs[offset : offset + LIMIT])]


@router.post("/mentoring/households", response={201: MemHouseholdOut}, url_name="mem-household-list")
def household_create(request: HttpRequest, payload: MemHouseholdIn):
    h = services.household_add(
        actor=request.user,
        member=member_get_for(request.user, payload.member_id, cap=Cap.MENTORING_MANAGE),
        **payload.dict(exclude={"member_id"}),
    )
    return Status(201, _household(selectors.household_row(request.user, h), []))


@router.get("/mentoring/households/{pk}", response=MemHouseholdOut, url_name="mem-household-detail")
def household_detail(request: HttpRequest, pk: int):
    h = selectors.household_get_for(request.user, pk)
    return _household(selectors.household_row(request.user, h), selectors.household_notes(h))


@router.post("/mentoring/households/{pk}/notes", response={201: MemNoteOut}, url_name="mem-household-note")
def household_note(request: HttpRequest, pk: int, payload: MemNoteIn):
    h = selectors.household_get_for(request.user, pk)
    n = services.household_note(actor=request.user, household=h, text=payload.text, visited_on=payload.on)
    return Status(201, _note(n, n.visited_on))


@router.post("/mentoring/households/{pk}/end", response=MemHouseholdOut, url_name="mem-household-end")
def household_end(request: HttpRequest, pk: int):
    h = selectors.household_get_for(request.user, pk)
    return _household(
        selectors.household_row(request.user, services.household_end(actor=request.user, household=h))
    )


@router.get("/mentoring/counts/{org_id}", response=MemCountsOut, url_name="mem-counts")
def counts(request: HttpRequest, org_id: int):
    org = org_get_for(request.user, org_id, cap=Cap.PROGRESS_VIEW)
    c = selectors.mentoring_counts(org)
    return {"organisation_id": org.pk, **c.__dict__}


@router.post("/mentoring/reminders", response=MemReminderOut, url_name="mem-reminder-send")
def reminder_send(request: HttpRequest, payload: MemReminderIn):
    org = org_get_for(request.user, payload.organisation_id, cap=Cap.REMINDER_SEND)
    r = reminders.reminders_send_now(actor=request.user, org=org)
    return {
        "evaluation": r.evaluation,
        "commitment_update": r.commitment_update,
        "party_analysis": r.party_analysis,
    }
