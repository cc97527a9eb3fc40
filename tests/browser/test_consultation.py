"""征求意见 in Chromium: the branch opens its draft plan for comment; a citizen on a phone confirms a phone
and comments; the branch publishes the comment, answers 采纳, and after the period publishes the 采纳情况,
which the public page then shows beside the comment."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from pacesetter.notifications import sms
from pacesetter.orgs.enums import Role
from pacesetter.plans import services
from pacesetter.plans.models import Consultation, ConsultationComment
from tests.factories import make_user
from tests.plans.conftest import BODY, make_campaign

pytestmark = pytest.mark.django_db(transaction=True)


def test_consultation_main_path(bcity, page, phone, live_server, sign_in, settings):
    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    campaign = make_campaign(bcity.city)
    secretary = make_user("school_secretary", Role.SECRETARY, bcity.school)
    plan = services.plan_save(actor=secretary, campaign=campaign, org=bcity.school, title="校方案", body=BODY)

    sign_in(page, "school_secretary")
    page.goto(f"{live_server.url}/plans/orgs/{bcity.school.pk}/?campaign={campaign.pk}")
    page.get_by_test_id("consultation-start").click()
    page.fill("#id_closes_on", "2000-01-01")  # in the past: refused on the form
    page.get_by_test_id("consultation-open").click()
    expect(page.get_by_test_id("field-error")).to_contain_text("截止日期")
    page.fill("#id_closes_on", (datetime.date.today() + datetime.timedelta(days=7)).isoformat())
    page.get_by_test_id("consultation-open").click()
    expect(page.get_by_test_id("consultation-status")).to_have_text("征求意见中")
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    c = Consultation.objects.get(plan=plan)

    phone.goto(f"{live_server.url}/consult/{c.pk}/")
    expect(phone.get_by_test_id("draft-body")).to_contain_text("科学发展观")
    phone.get_by_test_id("comment-body").fill("建议每季度在公开栏公布一次进展")
    phone.get_by_test_id("phone").fill("13812345678")
    phone.get_by_test_id("send-code").click()
    code = re.search(r"\d{6}", sms.outbox[-1][1]).group(0)
    phone.get_by_test_id("code").fill(code)
    phone.get_by_test_id("comment-submit").click()
    expect(phone.get_by_test_id("already-commented")).to_be_visible()
    comment = ConsultationComment.objects.get()

    page.reload()
    page.get_by_test_id(f"approve-{comment.pk}").click()
    expect(page.get_by_test_id(f"moderation-{comment.pk}")).to_have_text("已公开")
    page.locator(f"#id_c{comment.pk}-handling").select_option("adopted")
    page.get_by_test_id(f"handle-{comment.pk}").click()
    expect(page.get_by_test_id(f"handling-{comment.pk}")).to_contain_text("采纳")
    expect(page.get_by_test_id("consultation-answer")).to_be_disabled()  # the period has not ended

    Consultation.objects.filter(pk=c.pk).update(closes_on=datetime.date.today() - datetime.timedelta(days=1))
    page.reload()
    page.fill("#id_summary", "收到意见一条，已采纳：每季度公布进展。")
    page.get_by_test_id("consultation-answer").click()
    expect(page.get_by_test_id("consultation-status")).to_have_text("已公布采纳情况")

    phone.reload()
    expect(phone.get_by_test_id("public-summary")).to_contain_text("每季度公布进展")
    expect(phone.get_by_test_id("public-comment")).to_contain_text("建议每季度在公开栏公布一次进展")
    expect(phone.get_by_test_id("public-comment")).to_contain_text("采纳")
