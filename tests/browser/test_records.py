"""Activity records in Chromium: a member logs from a phone with a photo; QR sign-in at a meeting."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.records.conftest import png_bytes


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_member_logs_record_with_photo_on_phone(phone, live_server, bcity, sign_in, tmp_path):
    png = tmp_path / "现场.png"
    png.write_bytes(png_bytes(4, 4))
    sign_in(phone, "member")
    phone.goto(f"{live_server.url}/records/mine/")
    phone.get_by_test_id("new-my-record").click()
    phone.select_option("#id_kind", "volunteer")
    phone.fill("#id_title", "周末社区志愿服务")
    phone.fill("#id_occurred_on", (timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    phone.fill("#id_place", "城厢社区")
    phone.fill("#id_content", "打扫社区卫生，帮助孤寡老人")
    phone.fill("#id_effect", "受到居民好评")
    phone.set_input_files("#id_photos", str(png))
    phone.get_by_test_id("save-record").click()
    expect(phone.get_by_test_id("record-title")).to_have_text("周末社区志愿服务")
    expect(phone.get_by_test_id("photo")).to_have_count(1)
    phone.goto(f"{live_server.url}/records/mine/")
    item = phone.get_by_test_id("record-item").filter(has_text="周末社区志愿服务")
    expect(item).to_be_visible()
    thumb = item.get_by_test_id("record-thumb")
    expect(thumb).to_be_visible()
    # The image really loaded (naturalWidth > 0), through the access-checked view.
    assert thumb.evaluate("img => img.complete && img.naturalWidth") == 4
    # Nothing overflows the 390-px viewport.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_secretary_opens_sign_in_member_scans_on_phone(page, phone, live_server, bcity, sign_in):
    from pacesetter.records import services

    record = services.record_create(
        actor=bcity.secretary,
        organisation=bcity.school,
        kind="theme_day",
        title="五月主题党日",
        occurred_on=timezone.localdate(),
        content="重温入党誓词",
        meeting={"host": "张书记"},
    )
    sign_in(page, "secretary")
    page.goto(f"{live_server.url}/records/{record.pk}/")
    expect(page.get_by_test_id("sign-in-state")).to_have_text("未开放")
    page.get_by_test_id("open-sign-in").click()
    qr = page.get_by_test_id("sign-in-qr")
    expect(qr).to_be_visible()
    box = qr.locator("svg").bounding_box()
    assert box is not None and box["width"] >= 200
    sign_in_url = page.get_by_test_id("sign-in-url").inner_text()
    assert "/records/meetings/sign-in/" in sign_in_url

    # The member opens the QR link on a phone before signing in: login, then straight back to sign-in.
    phone.goto(sign_in_url)
    phone.fill("#id_username", "member")
    phone.fill("#id_password", "pass-word-123")
    phone.click("button[type=submit]")
    expect(phone.get_by_test_id("sign-in-result")).to_have_text("签到成功")
    expect(phone.get_by_test_id("sign-in-meeting")).to_have_text("五月主题党日")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto(sign_in_url)
    expect(phone.get_by_test_id("sign-in-result")).to_have_text("您已签到")

    page.reload()
    expect(page.get_by_test_id("attendance-count")).to_have_text("1 / 1")
    expect(page.get_by_test_id("attendance-list")).to_contain_text("林老师")
