"""Sector guidance (条块结合, #18) in the browser: the education bureau's account follows the schools of two
districts on the progress dashboard and their pages, writes a 行业指导点评, and is refused a non-school
organisation."""

import pytest
from playwright.sync_api import expect

from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.supervision.models import Review
from tests.commitments.conftest import make_campaign
from tests.factories import make_org, make_sector_guide
from tests.supervision.conftest import add_review_step, published_commitment


@pytest.fixture
def line(bcity):
    campaign = make_campaign(bcity)
    add_review_step(campaign)
    bcity.town_school = make_org("和林镇中心小学党支部", bcity.town, OrgType.BRANCH, Sector.SCHOOL)
    bcity.commitment = published_commitment(campaign, bcity.town_school, title="课后服务全覆盖", progress=30)
    bcity.agency = make_org("城厢区机关党支部", bcity.district, OrgType.BRANCH, Sector.AGENCY)
    make_sector_guide(bcity, "edu_guide")
    return bcity


def test_guide_follows_the_schools_writes_a_review_and_is_refused_elsewhere(page, live_server, line, sign_in):
    url = live_server.url
    sign_in(page, "edu_guide")

    # The dashboard opens on the school line, both districts in it, nothing of the villages.
    page.goto(f"{url}/progress/")
    expect(page.get_by_test_id("progress-line")).to_contain_text("学校条线")
    expect(page.get_by_test_id(f"progress-row-{line.district.pk}")).to_be_visible()
    expect(page.get_by_test_id(f"progress-row-{line.town.pk}")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(line.village.name)

    # The organisation tree lists the schools of both districts; the other district's school names its
    # guiding body and links to its progress.
    page.goto(f"{url}/orgs/")
    expect(page.locator("body")).to_contain_text(line.school.name)
    page.get_by_role("link", name=line.town_school.name).first.click()
    expect(page.get_by_test_id("org-name")).to_contain_text(line.town_school.name)
    expect(page.get_by_test_id("org-guides")).to_contain_text("市教育局党委")
    page.get_by_test_id("org-progress-link").click()
    expect(page.get_by_test_id("progress-org")).to_have_text(line.town_school.name)
    page.go_back()

    # 行业指导点评 of that school, its published commitment checked.
    page.get_by_test_id("guidance-review-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"行业指导点评：{line.town_school.name}")
    expect(page.get_by_test_id("review-items")).to_contain_text("课后服务全覆盖")
    page.fill("#id_achievements", "课后服务有特色")
    page.fill("#id_problems", "家校联系台账不全")
    page.fill("#id_direction", "完善家访制度")
    page.fill(f"#id_remark_{line.commitment.pk}", "进度 30%，需加快")
    page.get_by_label("较好").check()
    page.get_by_role("button", name="提交点评").click()
    expect(page.get_by_test_id("review-guidance")).to_have_text("行业指导点评")
    expect(page.get_by_test_id("review-status")).to_contain_text("待答复")
    expect(page.get_by_test_id("review-items")).to_contain_text("进度 30%，需加快")
    # publishing it and ordering rectification stay with the office
    expect(page.get_by_test_id("rectify-form")).to_have_count(0)
    expect(page.get_by_role("button", name="公开到组织公开页")).to_have_count(0)
    review = Review.objects.get()
    assert (review.guidance, review.organisation_id) == (True, line.town_school.pk)

    # A non-school organisation of the same district: neither its page nor a review.
    page.goto(f"{url}/orgs/{line.agency.pk}/")
    expect(page.get_by_test_id("error")).to_contain_text("找不到")
    page.goto(f"{url}/supervision/reviews/orgs/{line.agency.pk}/guidance/")
    expect(page.get_by_test_id("error")).to_contain_text("该组织不在您指导的行业范围内，不能作行业指导点评")
    assert Review.objects.count() == 1
