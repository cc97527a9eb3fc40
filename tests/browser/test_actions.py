"""规定动作 in Chromium: the branch links a record as evidence, the district rejects it, the office marks an
optional action 特色, and the dashboard counts what is missing."""

from playwright.sync_api import expect

from tests.actions.conftest import build_loop, make_record


def test_link_reject_mark(page, live_server, bcity, sign_in):
    loop = build_loop(bcity)
    school = bcity.school
    rec = make_record(school, kind="other", days_ago=1, title="承诺事项公开上墙")
    make_record(school, kind="other", days_ago=2, title="支部书记讲党课")
    url = f"{live_server.url}/actions/orgs/{school.pk}/?campaign={loop.campaign.pk}"
    wall, meeting = loop.wall.pk, loop.meeting.pk

    # The branch: 召开动员会 was missed (its step closed), 公开承诺上墙 is pending; it links a record.
    sign_in(page, "school_secretary")
    page.goto(url)
    expect(page.get_by_test_id(f"state-{meeting}")).to_have_text("缺项")
    expect(page.get_by_test_id(f"state-{wall}")).to_have_text("待完成")
    page.get_by_test_id(f"link-record-{wall}").select_option(label=f"{rec.occurred_on:%Y-%m-%d} {rec.title}")
    page.get_by_test_id(f"link-{wall}").click()
    expect(page.get_by_test_id(f"state-{wall}")).to_have_text("已完成")
    expect(page.get_by_test_id(f"evidence-{wall}")).to_contain_text("承诺事项公开上墙")
    expect(page.get_by_test_id(f"reject-{wall}")).to_have_count(0)  # the branch does not judge itself
    # and adds an optional action with a record as evidence
    page.fill("#id_title", "四点半课堂")
    page.fill("#id_description", "党员教师轮流为双职工家庭孩子辅导功课")
    page.get_by_test_id("optional-submit").click()
    expect(page.get_by_test_id("optionals")).to_contain_text("四点半课堂")

    # The district (parent) rejects the link; an empty reason is refused first.
    page.context.clear_cookies()
    sign_in(page, "secretary")
    page.goto(url)
    page.get_by_test_id(f"reject-{wall}").click()
    expect(page.get_by_test_id(f"reject-error-{wall}")).to_contain_text("驳回理由")
    page.get_by_test_id(f"reject-reason-{wall}").fill("上墙照片看不清，请补充")
    page.get_by_test_id(f"reject-{wall}").click()
    expect(page.get_by_test_id(f"state-{wall}")).to_have_text("待完成")
    expect(page.get_by_test_id(f"rejected-{wall}")).to_contain_text("上墙照片看不清")

    # The office marks the optional action 特色 and sees the missing required action on the dashboard.
    page.context.clear_cookies()
    sign_in(page, "office")
    page.goto(url)
    opt = page.get_by_test_id("optionals").locator("li").first
    opt.locator("select").select_option("feature")
    opt.get_by_role("button", name="标记").click()
    expect(page.get_by_test_id("optionals")).to_contain_text("特色")
    page.goto(f"{live_server.url}/progress/?campaign={loop.campaign.pk}")
    expect(page.get_by_test_id(f"missing-count-{meeting}")).to_have_text("4")
    expect(page.get_by_test_id(f"missing-count-{wall}")).to_have_text("4")
