"""Objections (公示异议) and review requests (复核) on the one case engine; inspectors read cases in scope."""

import datetime

import pytest

from pacesetter.complaints import services
from pacesetter.complaints.enums import CaseKind, CaseStatus, Party
from pacesetter.complaints.rules import can_see_reporter, parties_for
from pacesetter.complaints.selectors import case_get_for, case_list_for
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.workdays import add_working_days
from pacesetter.orgs.enums import Role
from pacesetter.orgs.models import RoleGrant

from .conftest import MONDAY

pytestmark = pytest.mark.django_db
TEXT = "该同志在公示材料中所列事迹与实际情况不符，请核实。"


def _objection(city, **kw):
    args = {
        "handler": city.district,
        "subject_org": city.school,
        "subject_member": city.teacher,
        "text": TEXT,
        "source_type": "honours.nomination",
        "source_id": 7,
        "now": MONDAY,
    }
    args.update(kw)
    return services.objection_open(**args)


def test_objection_goes_to_the_publishing_org_with_its_own_deadlines(city):
    case, password = _objection(city, name="陈女士", phone="139 0000 1111")
    assert case.kind == CaseKind.OBJECTION and case.status == CaseStatus.RECEIVED
    assert case.owner == city.district and case.subject_org == city.school
    assert case.subject_member == city.teacher and case.hidden_from == city.member_user
    assert (case.source_type, case.source_id) == ("honours.nomination", "7")
    assert case.real_name and case.reporter_phone == "13900001111"
    day = datetime.date(2026, 3, 2)
    assert case.ack_by == add_working_days(day, 1)
    assert case.verify_by == add_working_days(day, 5)
    assert case.close_by == add_working_days(day, 10)
    assert services.case_query(number=case.number, password=password).pk == case.pk
    assert list(case_list_for(city.secretary)) == [case]
    assert list(case_list_for(city.member_user)) == []


def test_objection_anonymous_and_bad_input(city):
    case, _ = _objection(city, subject_member=None)
    assert not case.real_name and case.reporter_name == ""
    with pytest.raises(ValidationError) as e:
        _objection(city, name="陈女士")
    assert e.value.field == "phone"
    with pytest.raises(ValidationError) as e:
        _objection(city, subject_member=city.farmer)  # not a member of the school
    assert e.value.field == "subject_member"
    for bad in ("", "短", "x" * 10_000):
        with pytest.raises(ValidationError) as e:
            _objection(city, text=bad)
        assert e.value.field == "text"
    with pytest.raises(ValidationError) as e:
        _objection(city, source_id="")
    assert e.value.field == "source_id"


def test_objection_naming_a_handler_at_the_publishing_org_goes_up(city):
    RoleGrant.objects.create(user=city.member_user, role=Role.SECRETARY, organisation=city.district)
    case, _ = _objection(city)
    assert case.owner == city.city
    assert list(case_list_for(city.member_user)) == []


def test_review_request_by_the_assessed_secretary_goes_to_the_grading_parent(city):
    school_sec = RoleGrant.objects.create(
        user=city.town_secretary, role=Role.SECRETARY, organisation=city.school
    ).user
    case, _ = services.review_request_open(
        actor=school_sec,
        assessed=city.school,
        text="考核中“组织生活”一项未计入我支部三月份的主题党日记录，请复核。",
        source_type="assessment.grade",
        source_id=3,
        now=MONDAY,
    )
    assert case.kind == CaseKind.REVIEW_REQUEST and case.owner == city.district
    assert case.close_by == add_working_days(datetime.date(2026, 3, 2), 20)
    assert case.real_name  # a written reply is owed before it can close
    with pytest.raises(StateError):  # one open request per grade
        services.review_request_open(
            actor=school_sec,
            assessed=city.school,
            text="再次申请复核，理由同上，请尽快办理。",
            source_type="assessment.grade",
            source_id=3,
        )
    # the engine's ordinary steps apply
    case = services.case_acknowledge(actor=city.secretary, case=case)
    assert case.status == CaseStatus.PROCESSING


def test_review_request_by_the_member_or_refused(city):
    case, _ = services.review_request_open(
        actor=city.member_user,
        assessed=city.school,
        member=city.teacher,
        text="本人年度考核等次评定有误，请予复核。",
        source_type="assessment.membergrade",
        source_id=11,
    )
    assert case.subject_member == city.teacher and case.owner == city.district
    for actor in (city.outsider, city.leader, city.town_secretary):
        with pytest.raises(PermissionDeniedError):
            services.review_request_open(
                actor=actor,
                assessed=city.school,
                text="请复核本支部的考核结果，理由见附件。",
                source_type="assessment.grade",
                source_id=4,
            )
    with pytest.raises(ValidationError) as e:
        services.review_request_open(
            actor=city.secretary,
            assessed=city.school,
            handler=city.town,  # not above the school
            text="请复核本支部的考核结果，理由见附件。",
            source_type="assessment.grade",
            source_id=4,
        )
    assert e.value.field == "handler"


def test_inspector_reads_cases_in_scope_without_steps_or_reporter(city):
    case, _ = _objection(city, name="陈女士", phone="13900001111")
    assert parties_for(city.inspector, case) == {Party.INSPECTOR}
    assert list(case_list_for(city.inspector)) == [case]
    assert case_get_for(city.inspector, case.pk) == case
    assert services.allowed_actions(city.inspector, case) == []
    assert not can_see_reporter(city.inspector, case) and can_see_reporter(city.secretary, case)
    with pytest.raises(PermissionDeniedError):
        services.case_acknowledge(actor=city.inspector, case=case)


def test_inspector_opens_a_case_in_scope_only(city):
    case, _ = services.case_open(
        actor=city.inspector,
        kind=CaseKind.REPORT,
        organisation=city.village,
        text="督查发现台账缺失，立案核查。",
    )
    assert case.owner == city.village and case.status == CaseStatus.RECEIVED
    with pytest.raises(PermissionDeniedError):
        services.case_open(
            actor=city.leader, kind=CaseKind.REPORT, organisation=city.village, text="立案核查。"
        )


def test_inspector_pages_show_the_case_read_only(city, client):
    case, _ = _objection(city, name="陈女士", phone="13900001111")
    client.force_login(city.inspector)
    assert client.get("/complaints/").status_code == 200
    r = client.get(f"/complaints/{case.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert case.number in body and "13900001111" not in body and "陈女士" not in body
    assert 'name="action" value="acknowledge"' not in body
    r = client.post(f"/complaints/{case.pk}/act/", {"action": "acknowledge"})
    assert r.status_code == 403
    client.force_login(city.secretary)
    assert "13900001111" in client.get(f"/complaints/{case.pk}/").content.decode()
