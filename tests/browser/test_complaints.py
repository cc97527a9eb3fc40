"""Public reports on a phone: an anonymous report with a photo and a real-name one confirmed by a text code,
number + password at once; the organisation transfers, acknowledges, verifies and replies on its pages; the
citizen follows the number to the reply and rates it; a late case is flagged and escalated."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.complaints import services
from pacesetter.complaints.enums import CaseStatus
from pacesetter.complaints.models import Case

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def sms(settings):
    from pacesetter.notifications import sms

    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    services.categories_ensure()
    return sms.outbox


def _file(phone, live_server, org_pk, text):
    phone.goto(f"{live_server.url}/r/?org={org_pk}")
    phone.select_option("select[name=category]", label="服务态度")
    phone.fill("textarea[name=text]", text)


def test_reports_from_a_phone_to_reply_and_rating(bcity, sms, phone, page, live_server, sign_in, tmp_path):
    # Anonymous, from the organisation's public page, with a photo.
    phone.goto(f"{live_server.url}/p/orgs/{bcity.school.pk}/")
    phone.click("[data-testid=report-link]")
    phone.wait_for_selector("[data-testid=report-form]")
    # The header link on an organisation's page reports about that organisation: no need to find it again.
    assert phone.input_value("select[name=org]") == str(bcity.school.pk)
    phone.select_option("select[name=category]", label="服务态度")
    phone.fill("textarea[name=text]", "窗口工作人员态度生硬，让我来回跑了三趟。")
    photo = tmp_path / "scene.png"
    photo.write_bytes(PNG)
    phone.set_input_files("input[name=files]", str(photo))
    phone.click("[data-testid=submit]")
    number = phone.inner_text("[data-testid=case-number]")
    assert len(phone.inner_text("[data-testid=case-password]")) == 8
    anon = Case.objects.get(number=number)
    assert (anon.real_name, anon.owner, anon.attachments.count()) == (False, bcity.school, 1)

    # Real-name: a text code confirms the phone.
    _file(phone, live_server, bcity.school.pk, "办理转学手续时没有一次性告知所需材料。")
    phone.check("input[name=real_name][value='1']")
    phone.fill("input[name=name]", "陈女士")
    phone.fill("input[name=phone]", "13900001111")
    phone.click("[data-testid=send-code]")
    phone.wait_for_selector("[data-testid=code-status]:has-text('验证码已发送')")
    code = sms[-1][1].split("验证码是 ")[1][:6]
    phone.fill("input[name=code]", code)
    phone.click("[data-testid=submit]")
    number = phone.inner_text("[data-testid=case-number]")
    password = phone.inner_text("[data-testid=case-password]")
    case = Case.objects.get(number=number)
    assert case.real_name and sms[-1] == (
        "13900001111",
        f"您反映的问题已收到，编号 {number}，查询密码 {password}，请妥善保管。",
    )

    # The district secretary transfers the anonymous case with a reason, then handles the real-name one.
    sign_in(page, "secretary")
    page.goto(f"{live_server.url}/complaints/")
    page.click(f"text={anon.number}")
    page.select_option("[data-testid=org-transfer]", label="八一村党支部")
    page.fill("textarea[name=reason]", "反映的窗口属于八一村便民服务点")
    page.click("[data-testid=act-transfer]")
    page.wait_for_url(f"{live_server.url}/complaints/")
    assert Case.objects.get(pk=anon.pk).owner == bcity.village

    page.goto(f"{live_server.url}/complaints/{case.pk}/")
    assert "陈女士" in page.inner_text("[data-testid=reporter]")
    assert page.locator("[data-testid=act-verify]").count() == 0
    page.click("[data-testid=act-acknowledge]")
    page.wait_for_selector("[data-testid=act-verify]")
    assert page.locator("[data-testid=act-close]").count() == 0
    page.fill("textarea[name=checked]", "调阅窗口台账，询问当班人员")
    page.fill("input[name=checked_by]", "支部委员王某")
    page.select_option("select[name=finding]", label="属实")
    page.fill("textarea[name=evidence]", "台账复印件、询问笔录")
    page.click("[data-testid=act-verify]")
    page.wait_for_selector("[data-testid=act-reply]")
    assert page.locator("[data-testid=act-close]").count() == 0  # 实名必复
    page.fill("textarea[name=reply]", "经核查属实，已在窗口公示转学材料清单，向您致歉。")
    page.click("[data-testid=act-reply]")
    page.wait_for_selector("[data-testid=reply]")
    assert page.inner_text("[data-testid=case-status]") == "已答复"
    # 实名必复 by text: queued for the worker, which retries it (delivery itself: tests/notifications/test_texts.py)
    from pacesetter.notifications.models import TextMessage

    assert TextMessage.objects.filter(text__contains="已答复").exists()

    # The citizen follows number + password to the reply and rates it.
    phone.goto(f"{live_server.url}/r/q/")
    phone.fill("input[name=number]", number)
    phone.fill("input[name=password]", "wrong-one")
    phone.click("[data-testid=query-submit]")
    phone.wait_for_selector("text=还可以尝试 4 次")
    phone.fill("input[name=number]", number)
    phone.fill("input[name=password]", password)
    phone.click("[data-testid=query-submit]")
    assert "已在窗口公示转学材料清单" in phone.inner_text("[data-testid=public-reply]")
    phone.check("input[name=level][value=satisfied]")
    phone.click("[data-testid=rate-submit]")
    phone.wait_for_selector("text=感谢您的评价")
    assert "已办结" in phone.inner_text("[data-testid=public-status]")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_late_case_is_flagged_and_escalated_on_the_pages(bcity, sms, page, live_server, sign_in):
    received = timezone.now() - datetime.timedelta(days=10)
    case, _ = services.case_file_public(
        subject_type="org",
        subject_id=bcity.school.pk,
        category="conduct",
        text="上班时间无人值守，群众办事找不到人。",
        ip="10.2.2.2",
        now=received,
    )
    services.cases_sweep()
    sign_in(page, "secretary")
    page.goto(f"{live_server.url}/complaints/?overdue=on")
    assert case.number in page.inner_text("[data-testid=case-list]")
    page.click(f"text={case.number}")
    assert page.inner_text("[data-testid=overdue]") == "逾期"
    assert "已报告" in page.inner_text("[data-testid=events]")
