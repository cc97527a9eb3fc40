"""Public pages as people use them: a long ballot answered a target at a time on a phone (progress shown, the
parts kept in the tab only, the sheet cast once), the error summary and the focus ring, the same ballot
without JavaScript; and axe-core on every public page and the main signed-in pages."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundStatus
from pacesetter.evaluations.models import BallotSheet
from tests.evaluations.helpers import answers, codes, make_round

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"locale": "zh-CN", "viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _visible_part(page):
    return page.locator("[data-testid=ballot-target]:visible")


def test_long_ballot_answered_in_parts_on_a_phone_and_cast_once(phone, live_server, bcity):
    round_ = make_round(bcity)  # 4 targets × 1 question
    [code] = codes(bcity, round_, n=1)
    phone.goto(f"{live_server.url}/e/{code}/")
    progress = phone.get_by_test_id("ballot-progress")
    expect(progress).to_contain_text("第 1 / 4 个对象 · 已答 0 / 4 题")
    expect(_visible_part(phone)).to_have_count(1)
    expect(_visible_part(phone).locator("h2")).to_have_text("1. 城厢区委")
    expect(phone.get_by_test_id("ballot-submit")).to_be_hidden()
    _visible_part(phone).get_by_text("满意", exact=True).click()
    expect(progress).to_contain_text("已答 1 / 4 题")
    phone.get_by_test_id("part-next").click()
    expect(_visible_part(phone).locator("h2")).to_have_text("2. 城厢区实验小学党支部")
    expect(phone.locator("h2:focus")).to_have_text("2. 城厢区实验小学党支部")
    # The phone locks, the page reloads: the answer and the place come back from this tab, not the server.
    phone.reload()
    expect(progress).to_contain_text("第 2 / 4 个对象 · 已答 1 / 4 题")
    assert BallotSheet.objects.count() == 0
    for _ in range(3):
        _visible_part(phone).get_by_text("不了解").click()
        if phone.get_by_test_id("part-next").is_visible():
            phone.get_by_test_id("part-next").click()
    expect(progress).to_contain_text("第 4 / 4 个对象 · 已答 4 / 4 题")
    expect(phone.get_by_test_id("part-next")).to_be_hidden()
    phone.get_by_test_id("ballot-submit").click()
    expect(phone.get_by_test_id("ballot-done")).to_be_visible()
    assert BallotSheet.objects.count() == 1
    assert phone.evaluate("window.sessionStorage.length") == 0


def test_refused_ballot_focuses_the_error_summary_whose_links_open_their_question(phone, live_server, bcity):
    round_ = make_round(bcity)
    [code] = codes(bcity, round_, n=1)
    phone.goto(f"{live_server.url}/e/{code}/")
    _visible_part(phone).get_by_text("满意", exact=True).click()
    for _ in range(3):
        phone.get_by_test_id("part-next").click()
    phone.get_by_test_id("ballot-submit").click()
    summary = phone.get_by_test_id("ballot-error")
    expect(summary).to_be_focused()
    links = phone.get_by_test_id("error-links").locator("a")
    expect(links).to_have_text(
        ["城厢区实验小学党支部：总体满意度", "和林镇党委：总体满意度", "八一村党支部：总体满意度"]
    )
    expect(_visible_part(phone).locator("h2")).to_have_text(
        "2. 城厢区实验小学党支部"
    )  # the first one missing
    links.nth(2).click()
    expect(_visible_part(phone).locator("h2")).to_have_text("4. 八一村党支部")
    focused = phone.locator("input:focus")
    expect(focused).to_have_attribute("name", f"t{round_.targets.order_by('order', 'id').last().pk}_q1")
    # The focus ring around the focused answer: solid, dark, 3 px (> 10:1 against white; was a 2.2:1 glow).
    phone.keyboard.press("ArrowRight")
    ring = phone.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector(`label[for='${document.activeElement.id}']`));"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; })()"
    )
    assert ring == ["solid", "3px", "rgb(33, 37, 41)"]
    assert BallotSheet.objects.count() == 0


def test_ballot_without_javascript_is_one_form_as_before(browser, live_server, bcity):
    round_ = make_round(bcity)
    [code] = codes(bcity, round_, n=1)
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/e/{code}/")
    expect(_visible_part(page)).to_have_count(4)
    expect(page.get_by_test_id("ballot-progress")).to_be_hidden()
    expect(page.get_by_test_id("part-next")).to_be_hidden()
    questions = page.get_by_test_id("question")
    for i in range(questions.count()):
        questions.nth(i).get_by_text("基本满意").click()
    page.get_by_test_id("ballot-submit").click()
    expect(page.get_by_test_id("ballot-done")).to_be_visible()
    context.close()
    assert BallotSheet.objects.count() == 1


def _axe_violations(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _public_data(city):
    from pacesetter.commitments.enums import CommitmentStatus
    from pacesetter.orgs.enums import Role
    from tests.commitments.conftest import advance, make_campaign, org_commitment
    from tests.factories import make_user

    city.school_secretary = make_user("school_secretary", Role.SECRETARY, city.school)
    campaign = make_campaign(city)
    c = advance(city, org_commitment(city, campaign), CommitmentStatus.PUBLISHED)
    open_round = make_round(city, name="正在进行的群众评议")
    [code] = codes(city, open_round, n=1)
    closed = make_round(city, name="已结束的群众评议", k_min=3)
    for each in codes(city, closed, n=3):
        services.ballot_cast_code(code=each, answers=answers(closed))
    services.round_transition(actor=city.office, round_=closed, to_status=RoundStatus.CLOSED)
    services.round_publish(actor=city.office, round_=closed, published=True)
    return c, code, open_round, closed


def test_axe_finds_no_serious_violation_on_public_and_main_signed_in_pages(
    browser, live_server, bcity, sign_in
):
    if not AXE.exists():
        message = f"{AXE} is missing: run npm install (make install)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    c, code, open_round, closed = _public_data(bcity)
    public = [
        "/wall/",
        f"/wall/c/{c.pk}/",
        f"/wall/org/{c.organisation_id}/",
        f"/p/orgs/{c.organisation_id}/",
        "/e/",
        f"/e/{code}/",
        "/e/check/",
        "/e/results/",
        f"/e/results/{closed.pk}/",
    ]
    found = {}
    for viewport in ({"width": 390, "height": 844}, {"width": 1280, "height": 900}):
        # bypass_csp: axe is injected by the test as an inline script, which the pages' CSP rightly refuses.
        context = browser.new_context(locale="zh-CN", viewport=viewport, bypass_csp=True)
        page = context.new_page()
        for path in public:
            page.goto(f"{live_server.url}{path}")
            found[(viewport["width"], path)] = _axe_violations(page)
        context.close()
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/e/{code}/")  # a refused sheet, with its error summary
    for _ in range(3):
        page.get_by_test_id("part-next").click()
    page.get_by_test_id("ballot-submit").click()
    expect(page.get_by_test_id("ballot-error")).to_be_visible()
    found["refused ballot"] = _axe_violations(page)
    context.close()
    signed_in = {
        "office": [
            "/dashboard/",
            "/commitments/",
            "/evaluations/",
            f"/evaluations/{open_round.pk}/",
            f"/evaluations/{closed.pk}/results/",
            "/plans/",
            "/campaigns/",
            "/orgs/",
            "/inbox/",
            "/records/",
        ],
        "secretary": ["/dashboard/", "/commitments/", f"/commitments/{c.pk}/", "/plans/", "/records/"],
        "member": ["/dashboard/", "/commitments/", "/evaluations/mine/"],
        "leader": ["/dashboard/", "/supervision/liaisons/"],
    }
    for username, paths in signed_in.items():
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        sign_in(page, username)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            found[(username, path)] = _axe_violations(page)
        context.close()
    assert {k: v for k, v in found.items() if v} == {}
