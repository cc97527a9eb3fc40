"""民主评议行风政风 in Chromium: a citizen answers on a phone with a 意见建议; the office reviews and releases it."""

import pytest
from playwright.sync_api import expect

from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundKind
from pacesetter.evaluations.models import Suggestion
from tests.evaluations.helpers import answers, codes, make_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_citizen_suggests_on_phone_office_releases_after_close(
    phone, page, live_server, bcity, sign_in, settings
):
    settings.EVALUATION_SUGGESTION_K = 3
    round_ = make_round(bcity, kind=RoundKind.CONDUCT, name="2011年度民主评议行风政风", k_min=3)
    mine, *others = codes(bcity, round_, "群众", 3)

    # A citizen on a phone: four windows, the four usual questions each, then a suggestion.
    phone.goto(f"{live_server.url}/e/{mine}/")
    expect(phone.get_by_test_id("ballot-title")).to_have_text("2011年度民主评议行风政风")
    expect(phone.get_by_test_id("suggestion")).to_be_hidden()  # it comes after the last window
    questions = phone.get_by_test_id("question")
    expect(questions.first).to_contain_text("服务态度")
    for i in range(questions.count()):
        if not questions.nth(i).is_visible():
            phone.get_by_test_id("part-next").click()
        questions.nth(i).locator("label").first.click()
    suggestion = phone.get_by_test_id("suggestion")
    expect(suggestion).to_be_visible()
    suggestion.fill("周末也开一个窗口就好了")
    phone.get_by_test_id("ballot-submit").click()
    expect(phone.get_by_test_id("ballot-done")).to_be_visible()
    assert Suggestion.objects.get().text == "周末也开一个窗口就好了"

    for code in others:
        services.ballot_cast_code(code=code, answers=answers(round_, 60), suggestion="材料一次讲清了")

    # The office: nothing to read while the round runs; after the close it reviews, then releases.
    page.on("dialog", lambda dialog: dialog.accept())  # the close and the release each ask first
    sign_in(page, "office")
    page.goto(f"{live_server.url}/evaluations/{round_.pk}/")
    page.get_by_test_id("suggestions-link").click()
    expect(page.get_by_test_id("suggestions-sealed")).to_contain_text("评议进行中")
    page.goto(f"{live_server.url}/evaluations/{round_.pk}/")
    page.get_by_test_id("to-closed").click()
    expect(page.get_by_test_id("round-status")).to_have_text("已结束")
    page.get_by_test_id("suggestions-link").click()
    expect(page.get_by_test_id("suggestion-row")).to_have_count(3)
    expect(page.get_by_test_id("suggestions-pending")).to_contain_text("待审阅 3 条")
    expect(page.get_by_test_id("release")).to_be_disabled()
    for box in page.locator("input[name=ids]").all():
        box.check()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("suggestions-pending")).to_contain_text("待审阅 0 条")
    page.get_by_test_id("release").click()
    expect(page.get_by_test_id("suggestions-released")).to_be_visible()
    expect(page.get_by_test_id("suggestion-table")).to_contain_text("周末也开一个窗口就好了")
    expect(page.locator("input[name=ids]")).to_have_count(0)
