"""The public 公示 page and objections (#15): a declined objection (不予受理) shows on that nominee with its public
reason once published, an upheld one removes the nominee with its public note; never the objector or the
objection's text."""

import pytest
from django.test import Client

from pacesetter.complaints import services as cases
from pacesetter.complaints.enums import Finding
from pacesetter.honours import services

from .conftest import DEED

pytestmark = pytest.mark.django_db

OBJECTION = "该支部的承诺事项没有兑现，事迹材料与实际不符，请核查。"
REASON = "异议未提供具体事实和线索，依照公示办法不予受理；如有具体问题可向市纪委监委反映。"


@pytest.fixture
def two_in_notice(city, programme):
    """The school (先进基层党组织) and the teacher (优秀共产党员), both in 公示."""
    made = [
        services.nomination_create(
            actor=city.secretary,
            category=programme.categories.get(name=category),
            nominator=city.district,
            summary="扎根农村教育二十年，带头服务群众。",
            deed=DEED,
            **subject,
        )
        for category, subject in (
            ("先进基层党组织", {"subject_org": city.school}),
            ("优秀共产党员", {"subject_member": city.teacher}),
        )
    ]
    for n in made:
        services.nomination_review(actor=city.office, nomination=n, action="approve")
    services.notice_start(actor=city.office, programme=programme)
    for n in made:
        n.refresh_from_db()
    return made


def _nominee_block(page: str, name: str) -> str:
    blocks = [
        b
        for b in page.split('data-testid="nominee"')[1:]
        if f'<div class="fw-bold">{name}' in b.split("</li>")[0]
    ]
    assert len(blocks) == 1, name
    return blocks[0].split("</li>")[0]


def _file(n, **kw):
    return services.objection_file(nomination=n, text=OBJECTION, ip="10.0.0.9", **kw)[0]


def test_declined_objection_shows_declined_and_its_public_reason_on_that_nominee(
    city, programme, two_in_notice
):
    school, teacher = two_in_notice
    case = _file(teacher, real_name=False)
    cases.case_decline(actor=city.office, case=case, reason=REASON)
    url = f"/h/{programme.pk}/"
    block = _nominee_block(Client().get(url).content.decode(), teacher.display_name)
    assert 'data-testid="declined"' in block and "收到的异议不予受理" in block
    assert 'data-testid="cleared"' not in block and "经核查不属实" not in block
    assert REASON not in block  # the reason told to the objector is not public until the office publishes it
    cases.case_publish(actor=city.office, case=case, summary="反映某党员事迹不实。", reply=REASON)
    page = Client().get(url).content.decode()
    block = _nominee_block(page, teacher.display_name)
    assert f"收到的异议不予受理：{REASON}" in block
    assert "declined" not in _nominee_block(page, school.display_name)  # only on that nominee
    assert OBJECTION not in page and case.number not in page
    # withdrawn from the public: the reason goes with it
    cases.case_publish(actor=city.office, case=case, summary="", reply="", publish=False)
    block = _nominee_block(Client().get(url).content.decode(), teacher.display_name)
    assert "收到的异议不予受理" in block and REASON not in block


def test_declined_real_name_objection_never_shows_the_objector(city, programme, two_in_notice, sms_outbox):
    from pacesetter import onecount

    _school, teacher = two_in_notice
    onecount.phone_code_send(phone="13800007777", client_ip="10.0.0.9", purpose="objection")
    code = sms_outbox[-1][1].split("验证码是 ")[1][:6]
    case = _file(teacher, real_name=True, name="赵异议", phone="13800007777", code=code)
    cases.case_decline(actor=city.office, case=case, reason=REASON)
    cases.case_publish(actor=city.office, case=case, summary="反映某党员事迹不实。", reply=REASON)
    page = Client().get(f"/h/{programme.pk}/").content.decode()
    assert REASON in page
    assert "赵异议" not in page and "13800007777" not in page and "7777" not in page
    assert OBJECTION not in page


def test_upheld_objection_removes_the_nominee_with_its_public_note(city, programme, two_in_notice):
    _school, teacher = two_in_notice
    case = _file(teacher)
    cases.case_acknowledge(actor=city.office, case=case)
    cases.case_verify(
        actor=city.office,
        case=case,
        checked="查阅学校考勤和家访记录",
        checked_by="市委组织部 李核",
        finding=Finding.TRUE,
        evidence="考勤记录",
    )
    cases.case_close(actor=city.office, case=case)
    block = _nominee_block(Client().get(f"/h/{programme.pk}/").content.decode(), teacher.display_name)
    assert 'data-testid="declined"' not in block and 'data-testid="cleared"' not in block
    services.nomination_remove(
        actor=city.office, nomination=teacher, note="经核查，所反映问题属实，取消其拟表彰资格。"
    )
    page = Client().get(f"/h/{programme.pk}/").content.decode()
    block = _nominee_block(page, teacher.display_name)
    assert 'data-testid="removed"' in block and "已取消：经核查，所反映问题属实，取消其拟表彰资格。" in block
    assert "李核" not in page and OBJECTION not in page
