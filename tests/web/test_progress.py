"""The progress dashboard: counts per child subtree and per sector, drill-down, Excel, bounded queries."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from pacesetter.campaigns import tallies
from pacesetter.campaigns.enums import CampaignStatus
from pacesetter.campaigns.models import Campaign
from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.plans.enums import PlanStatus
from pacesetter.plans.models import Plan
from pacesetter.records.models import ActivityRecord
from tests.factories import make_org


@pytest.fixture
def campaign(city):
    c = Campaign.objects.create(
        name="2010—2012年创先争优活动",
        organisation=city.city,
        status=CampaignStatus.ACTIVE,
        starts_on=datetime.date(2010, 4, 1),
        ends_on=datetime.date(2030, 7, 1),
        plan_deadline=datetime.date(2010, 6, 1),
    )
    Plan.objects.create(
        campaign=c,
        organisation=city.school,
        title="方案",
        status=PlanStatus.APPROVED,
        decided_at=timezone.now(),
    )
    ActivityRecord.objects.create(
        organisation=city.school,
        campaign=c,
        kind="study",
        title="学习十七届四中全会精神",
        occurred_on=datetime.date(2010, 6, 8),
        logged_by=city.secretary,
    )
    tallies.rebuild()  # the rows above are written past the services that keep the dashboard's counters
    return c


def test_root_dashboard_counts_per_child(city, campaign, client_for):
    html = client_for(city.office).get(f"/progress/?campaign={campaign.pk}").content.decode()
    # Below the city: district, school, town, village; only the school's plan is approved, the rest overdue.
    assert '<b data-testid="total-plans-done">1</b>' in html
    assert '<b data-testid="total-plans-overdue">3</b>' in html
    district_row = html.split(f'data-testid="progress-row-{city.district.pk}"')[1].split("</tr>")[0]
    assert '<td class="text-end" data-testid="cell-plans">1/2</td>' in district_row
    assert '<td class="text-end" data-testid="cell-records">1/2</td>' in district_row
    town_row = html.split(f'data-testid="progress-row-{city.town.pk}"')[1].split("</tr>")[0]
    assert '<td class="text-end" data-testid="cell-plans">0/2</td>' in town_row


def test_drill_down_and_scope(city, campaign, client_for):
    html = client_for(city.secretary).get(f"/progress/?campaign={campaign.pk}").content.decode()
    assert '<span data-testid="progress-org">城厢区委</span>' in html
    assert (
        client_for(city.secretary).get(f"/progress/?campaign={campaign.pk}&org={city.town.pk}").status_code
        == 404
    )
    assert client_for(city.member_user).get("/progress/").status_code == 403


def test_dashboard_queries_do_not_grow_with_organisations(city, campaign, client_for):
    c = client_for(city.office)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(f"/progress/?campaign={campaign.pk}").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(8):
        make_org(f"和林镇第{i}村党支部", city.town, OrgType.BRANCH, Sector.VILLAGE)
    assert count() == before


def test_excel_export(city, campaign, client_for):
    response = client_for(city.office).get(f"/progress.xlsx?campaign={campaign.pk}")
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[1][:6] == (
        "组织",
        "实施方案·完成",
        "实施方案·进行中",
        "实施方案·逾期",
        "实施方案·未开始",
        "实施方案·完成率%",
    )
    assert rows[2][:5] == ("城厢区委", 1, 0, 1, 0)
    sectors = {r[0]: r for r in wb.worksheets[1].iter_rows(values_only=True)}
    assert sectors["学校"][1] == 1


def test_progress_api_matches_page(city, campaign, client):
    from pacesetter.core.services import token_create

    _t, key = token_create(actor=city.office, name="t")
    data = client.get(f"/api/progress?campaign_id={campaign.pk}", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert data["org_name"] == "示范市委"
    assert data["totals"]["plans"] == {
        "done": 1,
        "in_progress": 0,
        "overdue": 3,
        "not_started": 0,
        "total": 4,
        "percent": 25,
    }
    district = next(r for r in data["children"] if r["org_id"] == city.district.pk)
    assert district["cells"]["records"]["done"] == 1
    _t, key = token_create(actor=city.secretary, name="t")
    r = client.get(
        f"/api/progress?campaign_id={campaign.pk}&org_id={city.town.pk}", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert r.status_code == 404


def test_dashboard_and_public_page_show_reviews_and_overdue_rectification(city, campaign, client_for, client):
    from pacesetter.campaigns.models import Stage, Step
    from pacesetter.orgs.models import Liaison
    from pacesetter.supervision import services as sup
    from pacesetter.supervision import stats_tally

    stage = Stage.objects.create(
        campaign=campaign,
        name="第一阶段",
        starts_on=datetime.date(2010, 4, 1),
        ends_on=datetime.date(2030, 7, 1),
    )
    Step.objects.create(
        campaign=campaign,
        stage=stage,
        kind="review",
        capabilities=["reviews"],
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=60),
    )
    Liaison.objects.create(leader=city.leader, organisation=city.school)
    stats_tally.rebuild()  # the link is written past the service that keeps the dashboard's counters
    review = sup.review_file(
        actor=city.leader,
        org=city.school,
        achievements="党员先锋岗挂牌到位",
        problems="记实登记不够经常",
        direction="每月至少一次主题党日",
        rating="good",
    )
    sup.review_publish(actor=city.leader, review=review)
    sup.rectification_issue(
        actor=city.leader,
        problem="记实登记不够经常",
        measures_required="补齐记录",
        working_days=3,
        review=review,
    )
    sup.rectification_escalate_overdue(now=timezone.now() + datetime.timedelta(days=30))
    html = client_for(city.office).get(f"/progress/?campaign={campaign.pk}").content.decode()
    district_row = html.split(f'data-testid="progress-row-{city.district.pk}"')[1].split("</tr>")[0]
    assert 'data-testid="cell-rectifications">1/1</td>' in district_row
    assert "整改逾期 1" in html
    public = client.get(f"/p/orgs/{city.school.pk}/").content.decode()
    assert "党员先锋岗挂牌到位" in public and "每月至少一次主题党日" in public
