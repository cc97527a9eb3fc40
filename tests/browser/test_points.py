"""Points in Chromium: a member sees points from a meeting and a fulfilled commitment appear, files a claim with a
photo on a phone, the secretary approves it, and the member sees the new total and the branch standing."""

import pytest
from playwright.sync_api import expect

from pacesetter.orgs.enums import Role
from pacesetter.points import services
from pacesetter.points.enums import EventType, ManualBy
from pacesetter.points.tasks import award_automatic_points
from tests.commitments.conftest import make_campaign
from tests.factories import make_user
from tests.points.conftest import TODAY, attended_meeting, fulfilled_commitment
from tests.records.conftest import png_bytes


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_member_points_claim_approved_and_standing(page, phone, live_server, bcity, sign_in, tmp_path):
    city = bcity
    city.school_secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    camp = make_campaign(city)
    period = services.period_create(actor=city.office, campaign=camp, year=TODAY.year)
    for name, event_type, points in (
        ("参加组织生活", EventType.MEETING_ATTENDED, 2),
        ("按时兑现承诺", EventType.COMMITMENT_FULFILLED, 5),
    ):
        services.rule_create(
            actor=city.office,
            period=period,
            name=name,
            event_type=event_type,
            points=points,
            manual_by=ManualBy.NOBODY,
        )
    services.rule_create(
        actor=city.office,
        period=period,
        name="带头服务群众",
        event_type=EventType.MANUAL,
        points=3,
        manual_by=ManualBy.SECRETARY,
        claimable=True,
    )
    sign_in(phone, "member")
    phone.goto(f"{live_server.url}/points/")
    expect(phone.get_by_test_id("points-total")).to_have_text("0")

    attended_meeting(city)
    fulfilled_commitment(city, camp)
    award_automatic_points()  # what the worker's sweep does every few minutes
    phone.reload()
    expect(phone.get_by_test_id("points-total")).to_have_text("7")
    entries = phone.get_by_test_id("entries")
    expect(entries).to_contain_text("十二月支部党员大会")
    expect(entries).to_contain_text("每周为学生义务辅导两小时")

    png = tmp_path / "理发.png"
    png.write_bytes(png_bytes(4, 4))
    phone.get_by_test_id("claim-new").click()
    phone.select_option("#id_rule", label="带头服务群众")
    phone.fill("#id_occurred_on", TODAY.isoformat())
    phone.fill("#id_text", "为社区老人义务理发")
    phone.set_input_files("#id_evidence", str(png))
    phone.get_by_test_id("save").click()
    expect(phone.get_by_test_id("my-claims")).to_contain_text("待审核")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    sign_in(page, "secretary")
    page.goto(f"{live_server.url}/points/claims/")
    page.get_by_test_id("claims").get_by_role("link", name="林老师").click()
    expect(page.get_by_test_id("evidence")).to_have_text("理发.png")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("claim-status")).to_contain_text("已通过")

    phone.reload()
    expect(phone.get_by_test_id("points-total")).to_have_text("10")
    expect(phone.get_by_test_id("my-claims")).to_contain_text("已通过")
    phone.get_by_test_id("branch-standing").click()
    expect(phone.get_by_test_id("sample")).to_contain_text("共 1 名党员")
    row = phone.get_by_test_id("standing").locator("tbody tr").first
    expect(row).to_contain_text("林老师")
    expect(row).to_contain_text("10")
