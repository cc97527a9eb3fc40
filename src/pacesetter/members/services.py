"""Writes for mentoring (老带新) and contact households (党员联系户): each checks permission first, runs in one
transaction, changes a status only through the tables in enums.py and writes an audit row.

Who may: `mentoring.manage` over the organisation (the branch secretary, the office) sets up and ends pairs
and households; the mentor, the mentee and the contact member themselves add notes too.
"""

import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.audit import audit_log, audit_status
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.text import clean_text
from pacesetter.core.transitions import status_cas
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Member
from pacesetter.orgs.selectors import org_in_scope

from .enums import (
    HOUSEHOLD_TRANSITIONS,
    MENTOR_TRANSITIONS,
    HouseholdAction,
    MentorAction,
    MentorKind,
    MentorStatus,
)
from .models import Household, HouseholdNote, MentorNote, Mentorship

TEXT_MAX = 2000
NAME_MAX = 50
ADDRESS_MAX = 200
PHONE_MAX = 20


# the shared check of free text, with this module's default length
_text = partial(clean_text, limit=TEXT_MAX)


def _date(value, field: str, label, *, today: datetime.date) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ValidationError(_("请填写%(f)s") % {"f": label}, field=field)
    if value > today or value.year < 1950:
        raise ValidationError(_("%(f)s不能晚于今天") % {"f": label}, field=field)
    return value


# ---------------------------------------------------------------- rules


def can_manage(user, member: Member) -> bool:
    return user.is_authenticated and org_in_scope(user, member.organisation, Cap.MENTORING_MANAGE)


def can_note_mentorship(user, m: Mentorship) -> bool:
    return (
        user.is_authenticated
        and (m.mentor.user_id == user.pk or m.mentee.user_id == user.pk)
        or org_in_scope(user, m.organisation, Cap.MENTORING_MANAGE)
    )


def can_note_household(user, h: Household) -> bool:
    return (user.is_authenticated and h.member.user_id == user.pk) or org_in_scope(
        user, h.organisation, Cap.MENTORING_MANAGE
    )


def sees_household_pii(user, h: Household) -> bool:
    """In clear for the contact member and for `person.pii` over the organisation; masked otherwise."""
    return (user.is_authenticated and h.member.user_id == user.pk) or org_in_scope(
        user, h.organisation, Cap.PERSON_PII
    )


# ---------------------------------------------------------------- mentoring (老带新)


@transaction.atomic
def mentorship_start(
    *,
    actor,
    mentor: Member,
    mentee: Member,
    kind: str,
    goals: str = "",
    started_on: datetime.date | None = None,
) -> Mentorship:
    today = timezone.localdate()
    if not can_manage(actor, mentee):
        raise PermissionDeniedError(_("只有党组织可以为“%(n)s”安排结对帮带") % {"n": mentee.name})
    if not org_in_scope(actor, mentor.organisation, Cap.PERSON_VIEW):
        raise ValidationError(_("帮带人不在您管理的范围内"), field="mentor")
    if mentor.pk == mentee.pk:
        raise ValidationError(_("帮带人和被帮带人不能是同一人"), field="mentor")
    if not (mentor.is_active and mentee.is_active):
        raise ValidationError(_("帮带双方都须是在册党员"), field="mentee")
    if kind not in MentorKind.values:
        raise ValidationError(_("请选择帮带方式"), field="kind")
    started_on = _date(started_on or today, "started_on", _("开始日期"), today=today)
    try:
        with transaction.atomic():
            m = Mentorship.objects.create(
                organisation=mentee.organisation,
                mentor=mentor,
                mentee=mentee,
                kind=kind,
                goals=_text(goals, "goals", _("帮带目标"), required=False),
                started_on=started_on,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(a)s与%(b)s已在结对帮带中") % {"a": mentor.name, "b": mentee.name}, field="mentee"
        ) from None
    audit_log(
        actor=actor,
        action="mentorship.start",
        obj=m,
        after={"mentor": mentor.pk, "mentee": mentee.pk, "kind": kind, "status": m.status},
    )
    return m


@transaction.atomic
def mentorship_end(*, actor, mentorship: Mentorship) -> Mentorship:
    m = Mentorship.objects.select_for_update(of=("self",)).select_related("mentee").get(pk=mentorship.pk)
    if not org_in_scope(actor, m.organisation, Cap.MENTORING_MANAGE):
        raise PermissionDeniedError(_("只有党组织可以结束结对帮带"))
    before = status_cas(
        Mentorship, m, MENTOR_TRANSITIONS, MentorAction.END, _("结束帮带"), ended_on=timezone.localdate()
    )
    audit_status(actor, "mentorship.end", m, before)
    return m


@transaction.atomic
def mentorship_note(*, actor, mentorship: Mentorship, text: str, noted_on=None) -> MentorNote:
    m = Mentorship.objects.select_related("mentor", "mentee").get(pk=mentorship.pk)
    if not can_note_mentorship(actor, m):
        raise PermissionDeniedError(_("只有帮带双方或党组织可以记录帮带情况"))
    if m.status != MentorStatus.ACTIVE:
        raise StateError(_("结对帮带已结束，不能再记录"))
    today = timezone.localdate()
    note = MentorNote.objects.create(
        mentorship=m,
        noted_on=_date(noted_on or today, "noted_on", _("日期"), today=today),
        text=_text(text, "text", _("帮带情况")),
        author=actor,
    )
    audit_log(actor=actor, action="mentorship.note", obj=m, extra={"note": note.pk, "chars": len(note.text)})
    return note


# ---------------------------------------------------------------- contact households (党员联系户)


@transaction.atomic
def household_add(
    *, actor, member: Member, head_name: str, address: str, phone: str = "", needs: str = ""
) -> Household:
    if not can_manage(actor, member):
        raise PermissionDeniedError(_("只有党组织可以为“%(n)s”确定联系户") % {"n": member.name})
    if not member.is_active:
        raise ValidationError(_("联系党员须是在册党员"), field="member")
    phone = _text(phone, "phone", _("联系电话"), required=False, limit=PHONE_MAX)
    if phone and not phone.replace("-", "").isdigit():
        raise ValidationError(_("联系电话只能包含数字和“-”"), field="phone")
    h = Household.objects.create(
        organisation=member.organisation,
        member=member,
        head_name=_text(head_name, "head_name", _("户主姓名"), limit=NAME_MAX),
        address=_text(address, "address", _("住址"), limit=ADDRESS_MAX),
        phone=phone,
        needs=_text(needs, "needs", _("困难和需求"), required=False),
        created_by=actor,
    )
    # personal data stays out of the audit row: only that a household was added, and for whom
    audit_log(actor=actor, action="household.add", obj=h, after={"member": member.pk, "status": h.status})
    return h


@transaction.atomic
def household_end(*, actor, household: Household) -> Household:
    h = Household.objects.select_for_update(of=("self",)).get(pk=household.pk)
    if not org_in_scope(actor, h.organisation, Cap.MENTORING_MANAGE):
        raise PermissionDeniedError(_("只有党组织可以停止联系"))
    before = status_cas(Household, h, HOUSEHOLD_TRANSITIONS, HouseholdAction.END, _("停止联系"))
    audit_status(actor, "household.end", h, before)
    return h


@transaction.atomic
def household_note(*, actor, household: Household, text: str, visited_on=None) -> HouseholdNote:
    h = Household.objects.select_related("member").get(pk=household.pk)
    if not can_note_household(actor, h):
        raise PermissionDeniedError(_("只有联系党员或党组织可以记录走访情况"))
    if h.status != "active":
        raise StateError(_("已停止联系，不能再记录"))
    today = timezone.localdate()
    note = HouseholdNote.objects.create(
        household=h,
        visited_on=_date(visited_on or today, "visited_on", _("走访日期"), today=today),
        text=_text(text, "text", _("走访情况")),
        author=actor,
    )
    audit_log(actor=actor, action="household.note", obj=h, extra={"note": note.pk})
    return note
