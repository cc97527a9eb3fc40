"""Publicity's main path in a browser: a branch sends up an item with a photo, its parent forwards it, the office
accepts it into a bulletin and issues it as Word; a model (典型) is registered and promoted a level by the
office at that level; a citizen finds it by a Chinese search on a phone."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from pacesetter.orgs.enums import Role
from pacesetter.publicity.models import Bulletin, InfoItem
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def contexts():
    opened: list = []
    yield opened
    for c in opened:  # closed before the live server stops: no request left in flight
        c.close()


def _signed_in(browser, live_server, username, contexts):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-word-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")
    return page


def test_item_to_bulletin_and_model_found_on_a_phone(
    bcity, browser, phone, live_server, media_root, tmp_path, contexts
):
    make_user("village_secretary", Role.SECRETARY, bcity.village)
    make_user("town_office", Role.OFFICE, bcity.town)
    photo = tmp_path / "现场.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (3000, 2000), (180, 20, 20)).save(buf, format="JPEG")
    photo.write_bytes(buf.getvalue())

    # The village branch sends up an experience with a photo.
    branch = _signed_in(browser, live_server, "village_secretary", contexts)
    branch.goto(f"{live_server.url}/publicity/items/new/")
    branch.select_option("select[name=kind]", "experience")
    branch.fill("input[name=title]", "八一村“四比四看”助推强村富民")
    branch.fill("textarea[name=body]", "八一村党支部对照“五个好”目标，开展“四比四看”活动。")
    branch.set_input_files("input[name=photos]", str(photo))
    branch.click("[data-testid=save]")
    branch.click("[data-testid=action-submit]")
    assert branch.inner_text("[data-testid=status]") == "待上级审核"
    item = InfoItem.objects.get()
    assert item.photos.get().width == 1920

    # The town (its parent) forwards it; the city office accepts it.
    town = _signed_in(browser, live_server, "town_secretary", contexts)
    town.goto(f"{live_server.url}/publicity/")
    town.click(f"[data-testid=item-queue] >> text={item.title}")
    town.click("[data-testid=action-forward]")
    assert town.inner_text("[data-testid=status]") == "待活动办公室采用"
    office = _signed_in(browser, live_server, "office", contexts)
    office.goto(f"{live_server.url}/publicity/items/{item.pk}/")
    office.click("[data-testid=action-accept]")
    assert office.inner_text("[data-testid=status]") == "已采用"

    # ... into a bulletin, issued as 第1期 and downloaded as Word.
    office.goto(f"{live_server.url}/publicity/bulletins/new/")
    office.fill("input[name=title]", "创先争优活动简报")
    office.fill("input[name=editor]", "李明")
    office.fill("input[name=report_to]", "市委组织部")
    office.check(f"input[name=items][value='{item.pk}']")
    office.select_option("select[name=distribute_to]", [str(bcity.town.pk), str(bcity.district.pk)])
    office.click("[data-testid=save]")
    office.click("[data-testid=issue]")
    year = Bulletin.objects.get().year
    assert office.inner_text("[data-testid=number]") == f"{year}年第1期"
    with office.expect_download() as download:
        office.click("[data-testid=docx]")
    assert download.value.suggested_filename.endswith(".docx")
    with open(download.value.path(), "rb") as f:
        assert f.read(2) == b"PK"

    # The town office registers the branch as a model and awards it 县级.
    town_office = _signed_in(browser, live_server, "town_office", contexts)
    town_office.goto(f"{live_server.url}/publicity/exemplars/new/")
    town_office.select_option("select[name=organisation]", label="八一村党支部")
    town_office.fill("input[name=trade]", "农业")
    town_office.fill("input[name=post]", "村党支部")
    town_office.fill("textarea[name=summary]", "八一村党支部带领群众发展特色种植，走出强村富民新路。")
    town_office.click("[data-testid=save]")
    assert town_office.inner_text("[data-testid=level]") == "培育"
    town_office.click("[data-testid=promote]")
    expect(town_office.locator("[data-testid=level]")).to_have_text("县级")

    # A citizen finds it by a Chinese search on a phone.
    phone.goto(f"{live_server.url}/news/")
    phone.fill("[data-testid=search-q]", "强村富民")
    phone.press("[data-testid=search-q]", "Enter")
    phone.wait_for_selector("[data-testid=hit]")
    assert "<mark>" in phone.inner_html("[data-testid=hit]")
    phone.click("[data-testid=hit] >> text=八一村党支部")
    assert phone.inner_text("[data-testid=level]") == "县级"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto(f"{live_server.url}/news/search/?q=。。。")
    assert "只有标点符号" in phone.inner_text("[data-testid=search-error]")
