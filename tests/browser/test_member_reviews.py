"""#19 part 1 in the browser: a leader records a 集中点评 session with attendance, reviews an organisation and
a member from it (a refusal first), closes it; the member reads the review on their page and acknowledges it;
the half-yearly check shows the organisations covered."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.commitments.conftest import make_campaign
from tests.supervision.test_member_reviews import member_commitment


@pytest.fixture
def mcity(bcity):
    bcity.campaign = make_campaign(bcity)
    member_commitment(bcity, title="每月走访困难群众2户", progress=30)
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


def test_session_with_attendance_reviews_and_the_member_acknowledges(
    page, fresh, live_server, mcity, sign_in
):
    sign_in(page, "leader")
    page.goto(f"{live_server.url}/supervision/sessions/")
    page.get_by_role("link", name="登记集中点评").click()
    page.select_option("#id_org", str(mcity.district.pk))
    page.fill("#id_title", "城厢区委集中点评会")
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_place", "区委会议室")
    page.fill("#id_attendees", "李书记 城厢区委\n林老师 实验小学\n-赵委员 城厢区委")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_test_id("session-status")).to_contain_text("点评中")
    attendees = page.get_by_test_id("session-attendees")
    expect(attendees).to_contain_text("赵委员")
    expect(page.get_by_label("赵委员（城厢区委）")).not_to_be_checked()
    page.get_by_label("赵委员（城厢区委）").check()
    page.get_by_role("button", name="保存出席情况").click()
    expect(page.get_by_label("赵委员（城厢区委）")).to_be_checked()

    # review the school branch from the session
    page.get_by_test_id("session-org-candidates").get_by_role("link", name=mcity.school.name).click()
    page.fill("#id_achievements", "承诺事项公开上墙")
    page.fill("#id_problems", "记实登记不够及时")
    page.fill("#id_direction", "每月更新践诺进展")
    page.select_option("#id_rating", "fairly_good")
    page.get_by_role("button", name="提交点评").click()
    expect(page.get_by_test_id("session-reviews")).to_contain_text(mcity.school.name)

    # review the member: the commitment snapshot is shown; an empty field is refused, naming it
    page.get_by_test_id("session-member-candidates").get_by_role("link", name="林老师").click()
    expect(page.get_by_test_id("commitment-snapshot")).to_contain_text("每月走访困难群众2户")
    page.fill("#id_achievements", "带头走访群众")
    page.fill("#id_direction", "坚持每周学习")
    page.select_option("#id_rating", "good")
    page.get_by_role("button", name="提交点评").click()
    expect(page.get_by_test_id("field-error").first).to_be_visible()
    page.fill("#id_problems", "学习记录不全")
    page.get_by_role("button", name="提交点评").click()
    expect(page.get_by_test_id("session-reviews")).to_contain_text("林老师")

    page.fill("#id_summary", "点评组织1个、党员1名")
    page.get_by_role("button", name="结束集中点评").click()
    expect(page.get_by_test_id("session-status")).to_contain_text("已结束")

    # the half-yearly check counts the district (host) and the school (reviewed) as covered
    page.goto(f"{live_server.url}/supervision/sessions/check/")
    table = page.get_by_test_id("session-check")
    expect(table.locator("tr", has_text=mcity.school.name)).to_contain_text("本半年已集中点评")
    expect(table.locator("tr", has_text=mcity.district.name)).to_contain_text("本半年已集中点评")
    expect(table).not_to_contain_text(mcity.village.name)  # outside the leader's scope

    # the member sees the review on their own record page and acknowledges it
    member = fresh()
    sign_in(member, "member")
    member.goto(f"{live_server.url}/members/{mcity.teacher.pk}/")
    panel = member.get_by_test_id("panel-reviews")
    expect(panel).to_contain_text("好")
    panel.get_by_role("link").first.click()
    expect(member.get_by_test_id("commitment-snapshot")).to_contain_text("30%")
    member.get_by_role("button", name="阅知").click()
    expect(member.get_by_test_id("member-review-status")).to_contain_text("本人已阅知")

    # another branch's secretary does not see it
    other = fresh()
    sign_in(other, "town_secretary")
    response = other.goto(member.url)
    assert response is not None and response.status == 404
