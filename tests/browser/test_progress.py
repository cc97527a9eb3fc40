"""The office follows the campaign on the dashboard and drills down two levels."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from pacesetter.campaigns import tallies
from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.models import Campaign
from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.plans.enums import PlanStatus
from pacesetter.plans.models import Plan
from tests.factories import make_org


def test_dashboard_drill_down_two_levels(page, live_server, bcity, sign_in):
    campaign = Campaign.objects.create(
        name="2010—2012年创先争优活动",
        organisation=bcity.city,
        status=CampaignStatus.ACTIVE,
        starts_on=datetime.date(2010, 4, 1),
        ends_on=datetime.date(2030, 7, 1),
        plan_deadline=datetime.date(2010, 6, 1),
    )
    middle = make_org("城厢区第一中学党总支", bcity.district, OrgType.GENERAL_BRANCH, Sector.SCHOOL)
    grade = make_org("初一年级党支部", middle, OrgType.BRANCH, Sector.SCHOOL)
    for org, status in ((bcity.school, PlanStatus.APPROVED), (grade, PlanStatus.SUBMITTED)):
        Plan.objects.create(
            campaign=campaign, organisation=org, title="方案", status=status, decided_at=timezone.now()
        )
    tallies.rebuild()  # the rows above are written past the services that keep the dashboard's counters

    sign_in(page, "office")
    page.goto(f"{live_server.url}/progress/")
    expect(page.get_by_test_id("progress-org")).to_have_text("示范市委")
    district = page.get_by_test_id(f"progress-row-{bcity.district.pk}")
    expect(district.get_by_test_id("cell-plans")).to_have_text("1/4")  # district, school, middle, grade
    expect(page.get_by_test_id("chart-sector").locator("canvas")).to_have_count(1)

    district.get_by_role("link", name="城厢区委").click()
    expect(page.get_by_test_id("progress-org")).to_have_text("城厢区委")
    expect(page.get_by_test_id(f"progress-row-{bcity.school.pk}").get_by_test_id("cell-plans")).to_have_text(
        "1/1"
    )
    row = page.get_by_test_id(f"progress-row-{middle.pk}")
    expect(row.get_by_test_id("cell-plans")).to_have_text("0/2")

    row.get_by_role("link", name="城厢区第一中学党总支").click()
    expect(page.get_by_test_id("progress-org")).to_have_text("城厢区第一中学党总支")
    expect(page.get_by_test_id(f"progress-row-{grade.pk}").get_by_test_id("cell-plans")).to_have_text("0/1")
    expect(page.get_by_test_id("progress-crumbs")).to_contain_text("示范市委")
    expect(page.get_by_test_id("total-plans")).to_contain_text("进行中 1")
