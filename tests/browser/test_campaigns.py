"""What the campaign office and a secretary do with a campaign, in Chromium."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect


def _local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_office_creates_campaign_lays_out_steps_and_opens_one(page, live_server, bcity, sign_in):
    today = timezone.localdate()
    sign_in(page, "office")
    page.goto(f"{live_server.url}/campaigns/")
    page.get_by_test_id("campaign-create").click()
    page.fill("#id_name", "2010—2012年创先争优活动")
    expect(page.locator("#id_organisation")).to_have_value("示范市委")
    page.fill("#id_starts_on", (today - datetime.timedelta(days=30)).isoformat())
    page.fill("#id_ends_on", (today + datetime.timedelta(days=400)).isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("campaign-name")).to_contain_text("2010—2012年创先争优活动")
    expect(page.get_by_test_id("campaign-status")).to_have_text("筹备中")

    page.get_by_test_id("stage-create").click()
    page.fill("#id_name", "第一阶段：迎接建党90周年")
    page.fill("#id_starts_on", (today - datetime.timedelta(days=30)).isoformat())
    page.fill("#id_ends_on", (today + datetime.timedelta(days=200)).isoformat())
    page.get_by_role("button", name="保存").click()

    page.locator("[data-testid^='layout-']").click()
    expect(page.locator(".alert-success")).to_contain_text("排布 7 个步骤")
    rows = page.locator("[data-testid^='step-']").filter(has=page.locator("td"))
    expect(rows).to_have_count(7)

    page.locator("[data-testid^='edit-commit-']").click()
    now = timezone.now()
    page.fill("#id_opens_at", _local(now - datetime.timedelta(hours=1)))
    page.fill("#id_closes_at", _local(now + datetime.timedelta(days=3)))
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("公开承诺")

    page.get_by_test_id("transition-active").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text("进行中")
    commit_row = page.locator("[data-testid^='step-commit-']")
    expect(commit_row).to_contain_text("开放中")
    expect(page.locator("[data-testid^='step-commend-']")).to_contain_text("未开始")


def test_secretary_sees_when_a_future_step_opens(page, live_server, bcity, sign_in):
    from pacesetter.campaigns import services
    from pacesetter.campaigns.enums import StepKind

    today = timezone.localdate()
    office = bcity.office
    campaign = services.campaign_create(
        actor=office,
        organisation=bcity.city,
        name="2010—2012年创先争优活动",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=400),
    )
    stage = services.stage_create(
        actor=office,
        campaign=campaign,
        name="第一阶段",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=300),
    )
    opens = timezone.now() + datetime.timedelta(days=20)
    services.step_create(
        actor=office,
        stage=stage,
        kind=StepKind.COMMIT,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=30),
    )
    services.campaign_transition(actor=office, campaign=campaign, to_status="active")

    sign_in(page, "secretary")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    page.get_by_test_id("home-org").click()
    expect(page).to_have_url(re.compile(rf"/campaigns/{campaign.pk}/orgs/{bcity.district.pk}/$"))
    window = page.get_by_test_id("window-commitments")
    expect(window).to_contain_text("未开放")
    expect(window).to_contain_text(f"将于 {timezone.localtime(opens):%Y-%m-%d %H:%M} 开放")
    expect(page.get_by_test_id("theme")).to_have_text("为民服务先锋")
