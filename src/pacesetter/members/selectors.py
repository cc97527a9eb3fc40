"""Reads for mentoring and contact households, each limited to what the caller may see.

Seen by `person.view` over the organisation (the branch and its ancestors) and by the people in them (the
mentor, the mentee, the contact member). Household head, address, phone and needs are personal data:
`household_rows` masks them unless the reader may see them (`services.sees_household_pii`).
"""

import datetime
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.core.lookup import get_or_not_found
from pacesetter.core.pii import mask_phone
from pacesetter.orgs.enums import Cap
from pacesetter.orgs.models import Member, Organisation
from pacesetter.orgs.selectors import scope_for, scope_q, subtree_q

from .enums import HouseholdStatus, MentorStatus
from .models import Household, HouseholdNote, MentorNote, Mentorship, ReminderSent
from .services import sees_household_pii

RECENT_DAYS = 90

M = TypeVar("M", bound=Model)


def _narrowed(qs: QuerySet[M], org: Organisation | None, status: str, statuses: list[str]) -> QuerySet[M]:
    """`qs` within `org`'s subtree and at `status`, each when given (a status not in `statuses` is ignored)."""
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "organisation__path"))
    if status in statuses:
        qs = qs.filter(status=status)
    return qs


def mentorship_list_for(
    user, *, member: Member | None = None, org: Organisation | None = None, status: str = ""
) -> QuerySet[Mentorship]:
    if not user.is_authenticated:
        return Mentorship.objects.none()
    qs = Mentorship.objects.select_related(
        "mentor__organisation", "mentee__organisation", "organisation__parent"
    ).filter(
        scope_q(user, Cap.PERSON_VIEW, field="organisation__path")
        | Q(mentor__user=user)
        | Q(mentee__user=user)
    )
    if member is not None:
        qs = qs.filter(Q(mentor=member) | Q(mentee=member))
    return _narrowed(qs, org, status, MentorStatus.values).order_by("status", "-started_on", "-id")


def mentorship_get_for(user, pk) -> Mentorship:
    return get_or_not_found(mentorship_list_for(user), pk)


def mentor_notes(m: Mentorship, limit: int = 100) -> list[MentorNote]:
    return list(m.notes.select_related("author")[:limit])


def household_list_for(
    user, *, member: Member | None = None, org: Organisation | None = None, status: str = ""
) -> QuerySet[Household]:
    if not user.is_authenticated:
        return Household.objects.none()
    qs = Household.objects.select_related("member__organisation", "organisation").filter(
        scope_q(user, Cap.PERSON_VIEW, field="organisation__path") | Q(member__user=user)
    )
    if member is not None:
        qs = qs.filter(member=member)
    return _narrowed(qs, org, status, HouseholdStatus.values).order_by("status", "member__name", "id")


def household_get_for(user, pk) -> Household:
    return get_or_not_found(household_list_for(user), pk)


def _mask_name(name: str) -> str:
    return (name[:1] + "*" * (len(name) - 1)) if name else ""


def _mask_address(address: str) -> str:
    return (address[:6] + "……") if len(address) > 6 else "……"


@dataclass(frozen=True)
class HouseholdRow:
    """A household as the reader may see it: in clear, or masked (head's surname, the start of the
    address, the phone's ends, needs withheld)."""

    household: Household
    head_name: str
    address: str
    phone: str
    needs: str
    masked: bool
    notes: int = 0

    @property
    def pk(self) -> int:
        return self.household.pk


def household_row(user, h: Household, *, clear: bool | None = None) -> HouseholdRow:
    clear = sees_household_pii(user, h) if clear is None else clear
    if clear:
        return HouseholdRow(h, h.head_name, h.address, h.phone, h.needs, False)
    return HouseholdRow(
        h,
        _mask_name(h.head_name),
        _mask_address(h.address),
        mask_phone(h.phone),
        _("（需查看个人信息权限）") if h.needs else "",
        True,
    )


def household_rows(user, households) -> list[HouseholdRow]:
    """Masking decided once per organisation, not once per row."""
    pii_paths = scope_for(user, Cap.PERSON_PII).roots if user.is_authenticated else []
    out = []
    for h in households:
        clear = (user.is_authenticated and h.member.user_id == user.pk) or any(
            h.organisation.path.startswith(p) for p in pii_paths
        )
        out.append(household_row(user, h, clear=clear))
    return out


def household_notes(h: Household, limit: int = 100) -> list[HouseholdNote]:
    return list(h.notes.select_related("author")[:limit])


# ---------------------------------------------------------------- dashboard counts


@dataclass(frozen=True)
class MentoringCounts:
    pairs: int
    mentees: int
    households: int
    members_with_households: int
    notes_recent: int  # mentoring and visit notes in the last RECENT_DAYS days


def mentoring_counts(org: Organisation, *, today: datetime.date | None = None) -> MentoringCounts:
    """Active pairs and households in `org`'s subtree, with the notes of the last 90 days: four queries."""
    since = (today or timezone.localdate()) - datetime.timedelta(days=RECENT_DAYS)
    sub = subtree_q(org.path, "organisation__path")
    pairs = Mentorship.objects.filter(sub, status=MentorStatus.ACTIVE).aggregate(
        n=Count("id"), mentees=Count("mentee", distinct=True)
    )
    homes = Household.objects.filter(sub, status=HouseholdStatus.ACTIVE).aggregate(
        n=Count("id"), members=Count("member", distinct=True)
    )
    notes = (
        MentorNote.objects.filter(
            subtree_q(org.path, "mentorship__organisation__path"), noted_on__gte=since
        ).count()
        + HouseholdNote.objects.filter(
            subtree_q(org.path, "household__organisation__path"), visited_on__gte=since
        ).count()
    )
    return MentoringCounts(pairs["n"], pairs["mentees"], homes["n"], homes["members"], notes)


def reminder_list_for(user, *, limit: int = 200) -> list[ReminderSent]:
    """Reminders sent to people in the user's scope (reminder.send), newest first."""
    if not user.is_authenticated:
        return []
    members = Member.objects.filter(scope_q(user, Cap.REMINDER_SEND, field="organisation__path")).values(
        "user_id"
    )
    return list(ReminderSent.objects.select_related("user").filter(user_id__in=members)[:limit])
