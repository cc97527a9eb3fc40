"""A rectification order due in 2027 warns that the year's holidays are not published; the office pastes the
State Council's notice and the warning is gone, the deadline moved off New Year's Day."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from pacesetter.orgs.models import Liaison
from pacesetter.supervision import services
from tests.commitments.conftest import make_campaign
from tests.supervision.conftest import add_review_step, published_commitment
from tests.supervision.test_reviews import file_review

NOTICE_2027 = "2027-01-01 休 元旦\n2027-01-02 休\n2027-01-03 休\n2027-02-07 班 春节调休"


@pytest.fixture
def sup_city(bcity):
    Liaison.objects.create(leader=bcity.leader, organisation=bcity.school)
    campaign = make_campaign(bcity)
    add_review_step(campaign)
    bcity.commitment = published_commitment(campaign, bcity.school, title="为辖区困难群众办实事", progress=20)
    return bcity


@pytest.fixture
def fresh(browser):
    contexts = []

    def make():
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        p = context.new_page()
        p.set_default_timeout(10_000)
        contexts.append(context)
        return p

    yield make
    for c in contexts:
        c.close()


def test_holiday_warning_on_order_due_in_2027_disappears_after_office_imports_2027(
    page,
    fresh,
    live_server,
    sup_city,
    sign_in,
):
    order = services.rectification_issue(
        actor=sup_city.leader,
        review=file_review(sup_city),
        problem="台账不全",
        measures_required="补齐台账",
        working_days=20,
        now=dt.datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    detail = f"{live_server.url}/supervision/rectifications/{order.pk}/"

    # The secretary of the district (the holder) sees the date counted on weekends only, and why.
    sign_in(page, "secretary")
    page.goto(detail)
    deadline = page.locator("p", has_text="整改期限").first
    expect(deadline).to_contain_text("2027-01-01")
    expect(page.get_by_test_id("holiday-warning")).to_have_text(
        "2027年节假日安排尚未公布，期限暂按周末计算，公布后将重新计算并通知"
    )

    # The office sees the order among the provisional deadlines and pastes the notice for 2027.
    office = fresh()
    sign_in(office, "office")
    office.goto(f"{live_server.url}/supervision/holidays/?year=2027")
    expect(office.get_by_test_id("holiday-status")).to_contain_text("2027年节假日安排尚未公布")
    expect(office.get_by_test_id("provisional-deadlines")).to_contain_text(f"#{order.pk}")
    office.fill("#id_text", "2027-01-01 休\n2027-02-30 班")
    office.get_by_role("button", name="保存2027年安排").click()
    expect(office.get_by_test_id("field-error")).to_have_text("第2行“2027-02-30 班”：没有这个日期")
    office.fill("#id_text", NOTICE_2027)
    office.get_by_role("button", name="保存2027年安排").click()
    expect(office.get_by_test_id("holiday-status")).to_contain_text("已登记 4 天")
    expect(office.get_by_test_id("provisional-deadlines")).to_contain_text("没有。")

    # The holder's page now shows the recomputed date and no warning.
    page.reload()
    expect(page.get_by_test_id("holiday-warning")).to_have_count(0)
    expect(deadline).to_contain_text("2027-01-04")
    page.goto(f"{live_server.url}/inbox/")
    expect(page.get_by_text("节假日安排已公布，整改期限调整为2027年1月4日")).to_be_visible()
