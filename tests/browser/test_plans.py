"""Implementation plans in Chromium: a branch writes and submits, the district returns, the branch resubmits."""

import pytest
from playwright.sync_api import expect

from pacesetter.orgs.enums import Role
from tests.factories import make_user
from tests.plans.conftest import make_campaign


@pytest.fixture
def plan_city(bcity):
    make_campaign(bcity.city)
    make_user("branch_secretary", Role.SECRETARY, bcity.school)
    return bcity


@pytest.fixture
def second_page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_write_return_resubmit_approve(page, second_page, live_server, plan_city, sign_in):
    school = plan_city.school
    page.on("dialog", lambda d: d.accept())

    # The branch secretary writes the plan with the editor and submits it.
    sign_in(page, "branch_secretary")
    page.goto(f"{live_server.url}/plans/")
    page.get_by_test_id(f"open-plan-{school.pk}").click()
    expect(page.get_by_test_id("window")).to_contain_text("开放中")
    page.fill("#id_title", "城厢区实验小学党支部创先争优实施方案")
    editor = page.get_by_test_id("plan-editor")
    editor.click()
    page.keyboard.type("一、指导思想")
    page.get_by_role("button", name="标题", exact=True).click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="正文", exact=True).click()
    page.keyboard.type("以科学发展观为指导，争当爱岗敬业先锋。")
    page.get_by_test_id("submit-plan").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已报送")
    expect(page.get_by_test_id("plan-body")).to_contain_text("争当爱岗敬业先锋")
    expect(page.get_by_test_id("plan-body").locator("h2")).to_have_text("一、指导思想")

    # The district secretary (parent) returns it with a comment; an empty comment is refused first.
    sign_in(second_page, "secretary")
    second_page.goto(f"{live_server.url}/plans/review/")
    second_page.get_by_test_id("review-queue").get_by_role(
        "link", name="城厢区实验小学党支部创先争优实施方案"
    ).click()
    second_page.get_by_label("退回", exact=True).check()
    second_page.get_by_test_id("decide").click()
    expect(second_page.get_by_test_id("field-error")).to_contain_text("退回时请填写审核意见")
    second_page.get_by_label("退回", exact=True).check()
    second_page.fill("#id_comment", "请补充活动载体和时间安排")
    second_page.get_by_test_id("decide").click()
    expect(second_page.get_by_test_id("plan-status")).to_have_text("已退回")

    # The branch secretary sees the comment, edits and resubmits.
    page.reload()
    expect(page.get_by_test_id("return-comment")).to_contain_text("请补充活动载体和时间安排")
    editor = page.get_by_test_id("plan-editor")
    expect(editor).to_contain_text("争当爱岗敬业先锋")
    editor.locator("p").last.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("二、活动载体：开展“三访三评”，9月底前完成。")
    page.get_by_test_id("submit-plan").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已报送")
    expect(page.get_by_test_id("plan-body")).to_contain_text("三访三评")

    # The parent approves; the history shows both versions and the decisions.
    second_page.goto(f"{live_server.url}/plans/review/")
    second_page.get_by_test_id("review-queue").get_by_role(
        "link", name="城厢区实验小学党支部创先争优实施方案"
    ).click()
    expect(second_page.get_by_test_id("plan-body")).to_contain_text("三访三评")
    second_page.get_by_label("通过", exact=True).check()
    second_page.get_by_test_id("decide").click()
    expect(second_page.get_by_test_id("plan-status")).to_have_text("已通过")

    page.reload()
    expect(page.get_by_test_id("plan-status")).to_have_text("已通过")
    history = page.get_by_test_id("history")
    expect(history.locator("[data-testid^=version-]")).to_have_count(2)
    expect(page.get_by_test_id("version-1")).to_contain_text("请补充活动载体和时间安排")
    expect(page.get_by_test_id("version-1").get_by_test_id("decision")).to_contain_text("退回")
    expect(page.get_by_test_id("version-2").get_by_test_id("decision")).to_contain_text("通过")
