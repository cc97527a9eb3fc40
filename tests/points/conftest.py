"""Fixtures for points: the test city's campaign with a points year and one rule of each kind, and helpers that
produce the events the sweep turns into points (a meeting attended, a commitment fulfilled on time)."""

import pytest
from django.utils import timezone

from pacesetter.commitments import services as commitment_services
from pacesetter.commitments.enums import CommitmentAction as A
from pacesetter.commitments.enums import ReportOutcome
from pacesetter.points import services
from pacesetter.points.enums import EventType, ManualBy
from pacesetter.records import services as record_services
from tests.commitments.conftest import make_campaign, member_commitment
from tests.factories import make_user
from tests.records.conftest import png_bytes, record_fields  # noqa: F401  (png_bytes re-exported)

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def camp(city):
    from pacesetter.orgs.enums import Role

    city.school_secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    return make_campaign(city)


@pytest.fixture
def period(city, camp):
    return services.period_create(actor=city.office, campaign=camp, year=TODAY.year)


def rule(city, period, **kw):
    data = {"name": "规则", "event_type": EventType.MANUAL, "points": 3, "manual_by": ManualBy.SECRETARY}
    data.update(kw)
    return services.rule_create(actor=city.office, period=period, **data)


@pytest.fixture
def rules(city, period):
    return {
        "meeting": rule(
            city,
            period,
            name="参加组织生活",
            event_type=EventType.MEETING_ATTENDED,
            points=2,
            manual_by=ManualBy.NOBODY,
            cap=10,
        ),
        "fulfilled": rule(
            city,
            period,
            name="按时兑现承诺",
            event_type=EventType.COMMITMENT_FULFILLED,
            points=5,
            manual_by=ManualBy.NOBODY,
        ),
        "service": rule(city, period, name="带头服务群众", points=3, claimable=True, cap=6),
        "deduct": rule(city, period, name="无故缺席组织生活", points=-2),
        "honour": rule(city, period, name="受到表彰", points=10, manual_by=ManualBy.OFFICE, once_only=True),
    }


def attended_meeting(city, member=None, title="十二月支部党员大会"):
    member = member or city.teacher
    record = record_services.record_create(
        actor=city.secretary,
        organisation=member.organisation,
        meeting={"host": "张书记", "recorder": "李老师", "minutes": "学习讨论"},
        **record_fields(kind="branch_assembly", title=title, occurred_on=TODAY),
    )
    record_services.attendance_mark(actor=city.secretary, record=record, member=member, status="present")
    return record


def fulfilled_commitment(city, camp, **kw):
    c = member_commitment(city, camp, **kw)
    for action in (A.SUBMIT, A.APPROVE, A.PUBLISH):
        actor = city.secretary if action == A.APPROVE else city.member_user
        c = commitment_services.commitment_transition(actor=actor, commitment=c, action=action)
    return commitment_services.commitment_report(
        actor=city.member_user,
        commitment=c,
        text="全部完成",
        outcome=ReportOutcome.FULFILLED,
        confirm_below_target=True,
    )
