"""Commendation in the browser: the office sets up a programme and passes places down, the district secretary
nominates, a citizen recommends from a phone, the office approves and publishes the 公示, a citizen objects
from a phone (the nominee is paused), the objection is found untrue and closed, the period ends, the office
issues the decision and the honour is on the public roll; the office registers it as an exemplary case."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.campaigns.enums import CampaignStatus, StepKind
from pacesetter.campaigns.models import Campaign, Stage, Step
from pacesetter.complaints import services as cases
from pacesetter.complaints.enums import Finding
from pacesetter.complaints.models import Case
from pacesetter.honours.models import Honour, Nomination, Programme

pytestmark = pytest.mark.django_db(transaction=True)
DEED = "该同志扎根农村教育二十年，带头服务群众，结对帮扶困难学生。" * 3


@pytest.fixture
def sms(settings):
    from pacesetter.notifications import sms

    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    return sms.outbox


@pytest.fixture
def commend_step(bcity):
    today, now = timezone.localdate(), timezone.now()
    c = Campaign.objects.create(
        name="深入开展创先争优活动",
        organisation=bcity.city,
        status=CampaignStatus.ACTIVE,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=400),
    )
    stage = Stage.objects.create(
        campaign=c, name="第一阶段", starts_on=c.starts_on, ends_on=c.ends_on, order=1
    )
    Step.objects.create(
        campaign=c,
        stage=stage,
        kind=StepKind.COMMEND,
        capabilities=["nominations"],
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=60),
    )
    return c


def test_programme_to_honour_roll(bcity, commend_step, sms, page, phone, live_server, sign_in, browser):
    # The office sets up the programme and gives the district two places for organisations.
    sign_in(page, "office")
    page.goto(f"{live_server.url}/honours/")
    page.fill("input[name=title]", "2011年“七一”表彰")
    page.fill("input[name=issuer_name]", "中共示范市委")
    page.fill("input[name=nominate_until]", (timezone.localdate() + datetime.timedelta(days=10)).isoformat())
    page.click("[data-testid=programme-form] button")
    page.wait_for_selector("[data-testid=programme-status]:has-text('筹备中')")
    p = Programme.objects.get()
    page.select_option("[data-testid=quota-form] select[name=category]", label="先进基层党组织")
    page.fill("[data-testid=quota-form] input[name=organisation]", "城厢区委")
    page.fill("[data-testid=quota-form] input[name=amount]", "2")
    page.click("[data-testid=quota-form] button")
    page.wait_for_selector("text=已为城厢区委分配名额")
    page.click("[data-testid=open]")
    page.wait_for_selector("[data-testid=programme-status]:has-text('推荐评选中')")

    # The district secretary nominates the school branch within the places.
    sec_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    sec = sec_context.new_page()
    sec.set_default_timeout(10_000)
    sign_in(sec, "secretary")
    sec.goto(f"{live_server.url}/honours/{p.pk}/")
    sec.click("[data-testid=nominate]")
    sec.select_option("select[name=category]", label="先进基层党组织")
    sec.fill("input[name=subject_name]", "城厢区实验小学党支部")
    sec.fill("textarea[name=summary]", "开设“四点半课堂”，党员教师轮流辅导留守儿童。")
    sec.fill("textarea[name=deed]", DEED)
    sec.click("[data-testid=nomination-form] button")
    sec.wait_for_selector("[data-testid=nomination-status]:has-text('逐级审核中')")
    n = Nomination.objects.get()

    # A citizen recommends from a phone, confirmed by a text code; a second time does not count.
    phone.goto(f"{live_server.url}/h/{p.pk}/")
    phone.click("[data-testid=recommend]")
    phone.fill("input[name=phone]", "13900002222")
    phone.click("[data-testid=send-code]")
    phone.wait_for_selector("text=验证码已发送")
    phone.fill("input[name=code]", sms[-1][1].split("验证码是 ")[1][:6])
    phone.click("[data-testid=recommend-submit]")
    phone.wait_for_selector("text=感谢您推荐")
    phone.click("[data-testid=recommend]")
    phone.click("[data-testid=recommend-submit]")  # this browser's confirmed phone, no new code
    phone.wait_for_selector("text=每人只计一次")
    n.refresh_from_db()
    assert n.recommendations == 1

    # The office approves it onto the final list and publishes the 公示.
    page.goto(f"{live_server.url}/honours/n/{n.pk}/")
    page.select_option("[data-testid=review-form] select[name=action]", "approve")
    page.click("[data-testid=review-form] button")
    page.wait_for_selector("[data-testid=nomination-status]:has-text('已确定为拟表彰对象')")
    page.goto(f"{live_server.url}/honours/{p.pk}/")
    page.click("[data-testid=start-notice]")
    page.wait_for_selector("[data-testid=programme-status]:has-text('公示中')")
    page.wait_for_selector("[data-testid=notice-running]")  # no decision before the period ends

    # A citizen objects, anonymously, from a phone: the nominee is paused on the public page.
    phone.goto(f"{live_server.url}/h/{p.pk}/")
    phone.click("[data-testid=object]")
    phone.fill("textarea[name=text]", "短")
    phone.click("[data-testid=objection-submit]")
    phone.wait_for_selector("[data-testid=field-error]")
    phone.fill("textarea[name=text]", "该支部的“四点半课堂”近两个月多次停课，与事迹材料不符。")
    phone.click("[data-testid=objection-submit]")
    number = phone.inner_text("[data-testid=case-number]")
    phone.goto(f"{live_server.url}/h/{p.pk}/")
    phone.wait_for_selector("[data-testid=paused]")

    # The objection is checked and found untrue; the period ends; the office issues the decision.
    case = Case.objects.get(number=number)
    cases.case_acknowledge(actor=bcity.office, case=case)
    cases.case_verify(
        actor=bcity.office,
        case=case,
        checked="查阅课堂签到表",
        checked_by="市委组织部",
        finding=Finding.FALSE,
        evidence="签到表",
    )
    cases.case_close(actor=bcity.office, case=case)
    Programme.objects.filter(pk=p.pk).update(
        notice_starts_on=timezone.localdate() - datetime.timedelta(days=8),
        notice_ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    page.goto(f"{live_server.url}/honours/{p.pk}/")
    page.fill("[data-testid=decision-form] input[name=number]", "示委〔2011〕25号")
    page.click("[data-testid=decision-form] button")
    page.wait_for_selector("[data-testid=decisions]")
    h = Honour.objects.get()
    phone.goto(f"{live_server.url}/h/roll/")
    phone.click(f"text={h.display_name}")
    phone.wait_for_selector(f"[data-testid=certificate-no]:has-text('{h.certificate_no}')")
    assert phone.locator("[data-testid=register-exemplar]").count() == 0  # the public registers nothing

    # The office turns the honour-roll entry into an exemplary case (典型); the model names the honour.
    page.goto(f"{live_server.url}/h/c/{h.certificate_no}/")
    page.click("[data-testid=register-exemplar]")
    page.wait_for_selector("[data-testid=from-honour]")
    page.click("[data-testid=exemplar-form] [data-testid=save]")
    page.wait_for_selector(f"[data-testid=honour-link]:has-text('{p.title} · {h.title}')")
    page.goto(f"{live_server.url}/h/c/{h.certificate_no}/")
    page.wait_for_selector("[data-testid=open-exemplar]")
    sec_context.close()
