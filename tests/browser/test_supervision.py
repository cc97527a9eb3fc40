"""Leader review → rectification order → the organisation reports → the office verifies; an overdue order escalates."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pacesetter.orgs.models import Liaison
from pacesetter.supervision import services
from pacesetter.supervision.models import Review
from pacesetter.supervision.tasks import escalate_overdue_rectifications
from tests.commitments.conftest import make_campaign
from tests.supervision.conftest import add_review_step, published_commitment


@pytest.fixture
def sup_city(bcity):
    Liaison.objects.create(leader=bcity.leader, organisation=bcity.school)
    campaign = make_campaign(bcity)
    add_review_step(campaign)
    bcity.commitment = published_commitment(campaign, bcity.school, title="为辖区困难群众办实事", progress=20)
    return bcity


@pytest.fixture
def fresh(browser):
    pages = []

    def make():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        p = context.new_page()
        p.set_default_timeout(10_000)
        pages.append(context)
        return p

    yield make
    for c in pages:
        c.close()


def test_review_rectify_report_verify_and_escalate(page, fresh, live_server, sup_city, sign_in):
    school, c = sup_city.school, sup_city.commitment

    # The leader sees the liaison organisation, files a review and flags the lagging commitment.
    sign_in(page, "leader")
    page.goto(f"{live_server.url}/supervision/")
    expect(page.get_by_test_id("my-liaisons")).to_contain_text(school.name)
    page.get_by_test_id(f"review-{school.pk}").click()
    expect(page.get_by_test_id("review-items")).to_contain_text("为辖区困难群众办实事")
    page.fill("#id_achievements", "走访困难群众，建立台账")
    page.fill("#id_problems", "承诺进度偏慢")
    page.fill("#id_direction", "倒排工期，按时践诺")
    page.fill(f"#id_remark_{c.pk}", "进度仅 20%，明显滞后")
    page.check(f"#id_flag_{c.pk}")
    page.get_by_label("一般").check()
    page.get_by_role("button", name="提交点评").click()
    expect(page.get_by_test_id("review-status")).to_contain_text("待答复")
    expect(page.get_by_test_id("review-items")).to_contain_text("存在问题")
    expect(page.locator("#id_problem")).to_have_value(
        "承诺进度偏慢\n为辖区困难群众办实事：进度仅 20%，明显滞后"
    )
    page.fill("#id_measures_required", "10 个工作日内完成剩余走访并报送台账")
    page.fill("#id_working_days", "5")
    page.get_by_role("button", name="下达整改通知").last.click()
    expect(page.get_by_test_id("order-status")).to_have_text("整改中")
    order_url = page.url

    # The organisation's secretary answers with the measures taken.
    sec = fresh()
    sign_in(sec, "secretary")
    sec.goto(order_url)
    sec.fill("#id_measures_taken", "已倒排工期，本周走访 12 户")
    sec.get_by_role("button", name="提交整改报告").click()
    expect(sec.get_by_test_id("order-status")).to_have_text("已报告，待核查")

    # The office verifies and the order closes.
    office = fresh()
    sign_in(office, "office")
    office.goto(order_url)
    expect(office.get_by_test_id("report-text")).to_contain_text("本周走访 12 户")
    office.get_by_label("核查通过并销号").check()
    office.get_by_role("button", name="提交核查结果").click()
    expect(office.get_by_test_id("order-status")).to_have_text("已核查销号")

    # A second order passes its deadline: the sweep, run "in the future", flags and escalates it.
    review = Review.objects.get()
    late = services.rectification_issue(
        actor=sup_city.leader,
        review=review,
        problem="公开栏未更新",
        measures_required="更新公开栏",
        working_days=3,
    )
    assert escalate_overdue_rectifications(now=timezone.now() + dt.timedelta(days=60)) == 1
    sec.goto(f"{live_server.url}/inbox/")
    expect(sec.locator("body")).to_contain_text("整改逾期：城厢区实验小学党支部未按期完成整改")
    sec.goto(f"{live_server.url}/supervision/rectifications/?overdue=1")
    row = sec.get_by_test_id("rectification-list").locator("tr", has_text=f"#{late.pk}")
    expect(row.get_by_test_id("overdue-badge")).to_be_visible()
    expect(row).to_have_class("table-danger")
