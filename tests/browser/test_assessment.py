"""Assessment in Chromium: the office sets up a scheme, computes it in the background, adjusts one grade with
a reason and publishes; the district secretary then sees the branch's scorecard with its evidence."""

import re

import pytest
from playwright.sync_api import expect

from pacesetter.core import tasks
from tests.assessment.conftest import END, START, add_commitments, add_records


@pytest.fixture
def patient(page):
    """This walk has many steps; on a shared, loaded machine a page may take longer than the usual 10 s."""
    page.set_default_timeout(60_000)
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


def test_office_sets_up_computes_adjusts_publishes_secretary_sees(browser, page, live_server, bcity, sign_in):
    from pacesetter.campaigns.enums import CampaignStatus
    from pacesetter.campaigns.models import Campaign
    from pacesetter.campaigns.services import criteria_seed_defaults

    campaign = Campaign.objects.create(
        name="示范市创先争优活动",
        organisation=bcity.city,
        starts_on=START,
        ends_on=END,
        status=CampaignStatus.ACTIVE,
    )
    criteria_seed_defaults(campaign=campaign)
    add_commitments(campaign, bcity.school, on_time=3, late=1)
    add_records(bcity.school, checked=4, unchecked=1)

    sign_in(page, "office")
    page.goto(f"{live_server.url}/assessment/")
    page.get_by_test_id("scheme-create-org").click()
    page.select_option("#id_campaign", str(campaign.pk))
    page.fill("#id_name", "2026年度基层党组织考核")
    page.fill("#id_period_start", START.isoformat())
    page.fill("#id_period_end", END.isoformat())
    page.get_by_test_id("scheme-save").click()
    expect(page.get_by_test_id("scheme-name")).to_have_text("2026年度基层党组织考核")

    page.get_by_test_id("scheme-compute").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert tasks.run_pending("browser-test-worker") == 1
    expect(page.get_by_test_id("scorecard-status")).to_have_text("待公布")  # the bar's poll reloads the page

    row = page.get_by_test_id("score-row").filter(has_text="城厢区实验小学党支部")
    row.get_by_test_id("score-link").click()
    expect(page.get_by_test_id("evidence")).to_contain_text("组织记实检查通过率")
    page.select_option("#id_grade", "good")
    page.get_by_test_id("adjust-submit").click()
    expect(
        page.locator("#id_reason ~ [data-testid=reason-error], [data-testid=reason-error]")
    ).to_contain_text("调整理由")
    page.fill("#id_reason", "获省级先进基层党组织称号")
    page.get_by_test_id("adjust-submit").click()
    expect(page.get_by_test_id("score-adjusted")).to_be_visible()
    expect(page.get_by_test_id("adjust-reason")).to_have_text("获省级先进基层党组织称号")

    page.get_by_role("link", name="2026年度基层党组织考核").click()
    page.get_by_test_id("scorecard-link").first.click()
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("scorecard-publish").click()
    expect(page.get_by_test_id("scorecard-status")).to_have_text("已公布")

    secretary = browser.new_context(locale="zh-CN").new_page()
    secretary.set_default_timeout(60_000)
    sign_in(secretary, "secretary")
    secretary.goto(f"{live_server.url}/assessment/")
    secretary.get_by_test_id("scheme-item").click()
    secretary.get_by_test_id("scorecard-link").first.click()
    row = secretary.get_by_test_id("score-row").filter(has_text="城厢区实验小学党支部")
    expect(row.get_by_test_id("adjusted")).to_be_visible()
    row.get_by_test_id("score-link").click()
    expect(secretary.get_by_test_id("score-grade")).to_have_text("好")
    expect(secretary.get_by_test_id("evidence-link").first).to_be_visible()
    expect(secretary.get_by_test_id("peer-rank")).to_contain_text(re.compile("不足 5 个，不排名"))
    secretary.context.close()
