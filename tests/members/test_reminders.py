"""Reminders to exactly those who have not taken part, at most once per period (#19 parts 3 and 6)."""

import datetime as dt

import pytest
from django.utils import timezone

from pacesetter.commitments.enums import CommitmentKind
from pacesetter.commitments.enums import CommitmentStatus as CS
from pacesetter.commitments.models import Commitment
from pacesetter.core.errors import PermissionDeniedError
from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundKind, RoundStatus, Scale, Subject
from pacesetter.evaluations.models import MemberParticipation, RaterGroup, Round, RoundTarget
from pacesetter.members import reminders
from pacesetter.members.models import ReminderSent
from pacesetter.notifications.models import Notification
from pacesetter.orgs.enums import Role
from pacesetter.records.enums import RecordKind
from pacesetter.records.models import ActivityRecord
from tests.commitments.conftest import item, make_campaign
from tests.factories import make_member, make_user

KIND = "members.reminder"


def member_with_account(org, name, username):
    m = make_member(org, name)
    m.user = make_user(username, Role.MEMBER, org)
    m.save()
    return m


@pytest.fixture
def school(city):
    """Three members with accounts in the school branch: 林老师 (city.teacher), 周老师, 吴老师."""
    city.zhou = member_with_account(city.school, "周老师", "zhou")
    city.wu = member_with_account(city.school, "吴老师", "wu")
    return city


def member_round(city):
    now = timezone.now()
    r = Round.objects.create(
        name="2011年党员互评",
        organisation=city.school,
        kind=RoundKind.DEMOCRATIC,
        subject=Subject.MEMBER,
        scale=Scale.GRADE4,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=20),
        status=RoundStatus.OPEN,
    )
    group = RaterGroup.objects.create(
        round=r, name="党员", kind=GroupKind.MEMBERS, weight=100, mode=GroupMode.MEMBERS
    )
    targets = {
        m.pk: RoundTarget.objects.create(round=r, member=m, name=m.name, sector="school")
        for m in (city.teacher, city.zhou, city.wu)
    }
    return r, group, targets


def reminded(kind=None):
    qs = ReminderSent.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return set(qs.values_list("user__username", flat=True))


def test_evaluation_reminder_goes_to_exactly_those_who_have_not_finished_once_a_week(school):
    r, group, targets = member_round(school)
    # 周老师 rated both peers (done); 吴老师 rated one of two (not done); 林老师 none
    for voter, target in (
        (school.zhou, school.teacher),
        (school.zhou, school.wu),
        (school.wu, school.teacher),
    ):
        MemberParticipation.objects.create(round=r, group=group, voter=voter.user, target=targets[target.pk])
    assert reminders.remind_evaluations() == 2
    assert reminded("evaluation") == {"member", "wu"}
    assert Notification.objects.filter(kind=KIND).count() == 2
    # again in the same week: nobody twice
    assert reminders.remind_evaluations() == 0
    assert Notification.objects.filter(kind=KIND).count() == 2
    # next week: those still not done, once again
    assert reminders.remind_evaluations(now=timezone.now() + dt.timedelta(days=7)) == 2
    # after the round closes: nobody
    assert reminders.remind_evaluations(now=timezone.now() + dt.timedelta(days=21)) == 0


def test_closed_rounds_and_code_only_rounds_remind_nobody(school):
    r, group, _targets = member_round(school)
    Round.objects.filter(pk=r.pk).update(status=RoundStatus.CLOSED)
    assert reminders.remind_evaluations() == 0
    Round.objects.filter(pk=r.pk).update(status=RoundStatus.OPEN)
    RaterGroup.objects.filter(pk=group.pk).update(mode=GroupMode.CODES)
    assert reminders.remind_evaluations() == 0


def test_commitment_update_reminder_once_a_month(school):
    campaign = make_campaign(school)
    old = timezone.now() - dt.timedelta(days=45)

    def commitment(member, updated):
        return Commitment.objects.create(
            campaign=campaign,
            kind=CommitmentKind.MEMBER,
            organisation=school.school,
            member=member,
            criteria_item=item(campaign),
            title=f"{member.name}的承诺",
            target="x",
            deadline=timezone.localdate() + dt.timedelta(days=60),
            responsible=member.name,
            status=CS.PUBLISHED,
            published_at=old,
            progress_updated_at=updated,
        )

    commitment(school.teacher, None)  # never updated since published 45 days ago
    commitment(school.zhou, timezone.now() - dt.timedelta(days=3))  # updated recently
    assert reminders.remind_commitment_updates() == 1
    assert reminded("commitment_update") == {"member"}
    assert reminders.remind_commitment_updates() == 0
    next_month = timezone.now() + dt.timedelta(days=31)
    assert reminders.remind_commitment_updates(now=next_month) == 2  # by then 周老师's is stale too


def test_party_analysis_reminder_near_the_end_of_the_half_year(school):
    today = timezone.localdate()
    _p, start, end = reminders.half_period(today)
    early = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=10), dt.time(10)))
    late = timezone.make_aware(dt.datetime.combine(end - dt.timedelta(days=20), dt.time(10)))
    assert reminders.remind_party_analysis(now=early) == 0  # too early in the half year
    ActivityRecord.objects.create(
        organisation=school.school,
        member=school.zhou,
        kind=RecordKind.PARTY_ANALYSIS,
        title="2011年上半年党性分析",
        occurred_on=start + dt.timedelta(days=1),
        logged_by=school.zhou.user,
    )
    assert reminders.remind_party_analysis(now=late) == 2
    assert reminded("party_analysis") == {"member", "wu"}
    assert reminders.remind_party_analysis(now=late) == 0


def test_send_now_is_scoped_and_audited(school):
    member_round(school)
    with pytest.raises(PermissionDeniedError):
        reminders.reminders_send_now(actor=school.town_secretary, org=school.school)
    result = reminders.reminders_send_now(actor=school.secretary, org=school.school)
    assert result.evaluation == 3
    assert reminders.reminders_send_now(actor=school.secretary, org=school.school).evaluation == 0


def test_inactive_members_and_accounts_are_not_reminded(school):
    member_round(school)
    school.wu.is_active = False
    school.wu.save()
    school.zhou.user.is_active = False
    school.zhou.user.save()
    assert reminders.remind_evaluations() == 1
    assert reminded() == {"member"}
