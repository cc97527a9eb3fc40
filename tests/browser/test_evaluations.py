"""Evaluations in Chromium: a public rater on a phone, a member evaluating peers, the office publishing."""

import pytest
from playwright.sync_api import expect

from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundStatus
from tests.evaluations.helpers import answers, codes, make_round

pytestmark = pytest.mark.django_db(transaction=True)


def _fill_all(page, option_index=0):
    questions = page.get_by_test_id("question")
    for i in range(questions.count()):
        questions.nth(i).locator("label").nth(option_index).click()


def test_public_rater_casts_on_phone_and_verifies_receipt(phone, live_server, bcity):
    round_ = make_round(bcity, k_min=3)
    [code] = codes(bcity, round_, n=1)
    phone.goto(f"{live_server.url}/e/")
    phone.fill("#code", code.lower())
    phone.get_by_role("button", name="打开测评表").click()
    expect(phone.get_by_test_id("ballot-title")).to_have_text("2011年度群众评议")
    expect(phone.get_by_test_id("ballot-target")).to_have_count(4)
    # one target at a time; leave the last question blank: the page names it and keeps the other answers
    questions = phone.get_by_test_id("question")
    for i in range(questions.count() - 1):
        questions.nth(i).locator("label").first.click()
        phone.get_by_test_id("part-next").click()
    phone.get_by_test_id("ballot-submit").click()
    expect(phone.get_by_test_id("ballot-error")).to_contain_text("八一村党支部 · 总体满意度")
    expect(questions.nth(0).locator("input").first).to_be_checked()
    phone.get_by_test_id("question").last.get_by_text("不了解").click()
    phone.get_by_test_id("ballot-submit").click()
    expect(phone.get_by_test_id("ballot-done")).to_be_visible()
    receipt = phone.get_by_test_id("receipt").inner_text().strip()
    assert len(receipt) == 64
    assert code not in phone.content()
    # the same code again
    phone.goto(f"{live_server.url}/e/{code}/")
    expect(phone.get_by_test_id("code-error")).to_contain_text("已使用")
    # later, after the round closes, the rater checks the receipt on the public page
    services.round_transition(actor=bcity.office, round_=round_, to_status=RoundStatus.CLOSED)
    phone.goto(f"{live_server.url}/e/check/")
    phone.fill("input[name=receipt]", receipt)
    phone.get_by_test_id("receipt-submit").click()
    expect(phone.get_by_test_id("receipt-result")).to_contain_text("已计入")
    round_.refresh_from_db()
    expect(phone.get_by_test_id("digest")).to_have_text(round_.digest)


def test_member_evaluates_peers(page, live_server, bcity, sign_in):
    from tests.factories import make_member

    colleague = make_member(bcity.school, "张老师")
    round_ = make_round(bcity, members=True, name="党员互评", extra_members=[colleague])
    sign_in(page, "member")
    page.goto(f"{live_server.url}/evaluations/mine/")
    page.get_by_test_id(f"peer-{round_.pk}").click()
    targets = page.get_by_test_id("ballot-target")
    expect(targets).to_have_count(2)
    expect(page.get_by_test_id("ballot-form")).not_to_contain_text("林老师")
    _fill_all(page)
    page.get_by_test_id("ballot-submit").click()
    # one sheet, so one receipt, per peer: a sheet "for everyone but me" would name its rater
    receipts = page.get_by_test_id("receipt")
    expect(receipts).to_have_count(2)
    expect(page.get_by_role("row").filter(has_text="张老师")).to_have_count(1)
    first = receipts.first.inner_text().strip()
    page.get_by_test_id("receipt-check").first.click()
    expect(page.get_by_test_id("receipt-result")).to_contain_text("已收到")
    assert first not in page.url
    page.goto(f"{live_server.url}/evaluations/{round_.pk}/peer/")
    expect(page.get_by_test_id("all-done")).to_be_visible()


def test_office_publishes_results_and_small_group_shows_insufficient(page, live_server, bcity, sign_in):
    round_ = make_round(bcity, k_min=3)
    for code in codes(bcity, round_, "群众", 3):
        services.ballot_cast_code(code=code, answers=answers(round_, 100))
    services.ballot_cast_code(code=codes(bcity, round_, "代表", 1)[0], answers=answers(round_, 0))
    sign_in(page, "office")
    page.goto(f"{live_server.url}/evaluations/{round_.pk}/")
    page.get_by_test_id("to-closed").click()
    expect(page.get_by_test_id("round-status")).to_have_text("已结束")
    page.get_by_test_id("results-link").click()
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("published")).to_be_visible()
    page.goto(f"{live_server.url}/e/results/{round_.pk}/")
    first = page.get_by_test_id("target-row").first
    expect(first).to_contain_text("100.0")
    expect(first.get_by_test_id("dropped")).to_contain_text("党员、代表")
    expect(page.get_by_test_id("insufficient").first).to_contain_text("样本不足")


def test_office_edits_questions_moves_the_deadline_then_a_clerk_enters_an_assisted_ballot(
    page, live_server, bcity, sign_in
):
    round_ = make_round(bcity, k_min=3, status=RoundStatus.DRAFT)
    [code] = codes(bcity, round_, n=1)
    sign_in(page, "office")
    page.goto(f"{live_server.url}/evaluations/{round_.pk}/")
    page.get_by_test_id("questions-link").click()
    page.get_by_test_id("q1-text").fill("服务群众")
    page.get_by_test_id("q2-text").fill("作风建设")
    page.get_by_test_id("q2-weight").fill("很重要")
    page.get_by_test_id("questions-save").click()
    expect(page.get_by_test_id("questions-error")).to_contain_text("第 2 项“作风建设”的权重必须是整数")
    page.get_by_test_id("q2-weight").fill("40")
    page.get_by_test_id("questions-save").click()
    expect(page.locator("ol.small li")).to_have_count(2)
    page.get_by_test_id("to-open").click()
    expect(page.get_by_test_id("round-status")).to_have_text("进行中")
    # the meeting runs late: the deadline moves (only the deadline can, now that it is open)
    page.get_by_test_id("edit-link").click()
    expect(page.get_by_test_id("open-only")).to_be_visible()
    expect(page.locator("#id_name")).to_be_disabled()
    page.fill("#id_closes_at", "2099-12-31T18:00")
    page.get_by_test_id("round-edit-save").click()
    expect(page.locator(".alert-success")).to_contain_text("评议设置已保存")
    expect(page.get_by_text("2099-12-31 18:00")).to_be_visible()
    page.get_by_test_id("paper-link").click()
    page.get_by_test_id("channel-assisted").check()
    page.fill("#code", code)
    _fill_all(page, 1)
    page.get_by_test_id("paper-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("已协助录入一份测评表")
    expect(page.get_by_test_id("channel-assisted")).to_be_checked()
    from pacesetter.evaluations.models import BallotSheet

    sheet = BallotSheet.objects.get()
    assert (sheet.channel, sheet.entered_by.username) == ("assisted", "office")


def test_clerk_downloads_the_template_and_uploads_a_stack_of_paper_ballots(
    page, live_server, bcity, sign_in, tmp_path
):
    from openpyxl import load_workbook

    from pacesetter.evaluations.models import BallotSheet

    round_ = make_round(bcity, k_min=3)
    issued = codes(bcity, round_, n=3)
    sign_in(page, "office")
    page.goto(f"{live_server.url}/evaluations/{round_.pk}/paper/")
    page.get_by_test_id("paper-batch-link").get_by_role("link", name="上传").click()
    with page.expect_download() as download:
        page.get_by_test_id("paper-template-link").click()
    path = tmp_path / "template.xlsx"
    download.value.save_as(path)
    wb = load_workbook(path)
    ws = wb["纸质测评表"]
    rows = [r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value]
    first = rows[1]  # rows[0] is the header
    n_targets = 4
    for block, code in enumerate(issued):
        for row in range(first + block * n_targets, first + (block + 1) * n_targets):
            ws.cell(row=row, column=1, value=code)
            ws.cell(row=row, column=3, value="满意")
    ws.cell(row=first + n_targets, column=3, value="很满意")  # the second sheet's first answer: not an option
    wb.save(path)
    page.get_by_test_id("paper-upload-file").set_input_files(str(path))
    page.get_by_test_id("paper-upload-submit").click()
    expect(page.get_by_test_id("paper-upload-refused")).to_be_visible()
    expect(page.get_by_test_id("paper-upload-report")).to_contain_text("很满意")
    expect(page.get_by_test_id("paper-upload-report")).to_contain_text(str(first + n_targets))
    assert BallotSheet.objects.count() == 0
    ws.cell(row=first + n_targets, column=3, value="基本满意")
    wb.save(path)
    page.get_by_test_id("paper-upload-file").set_input_files(str(path))
    page.get_by_test_id("paper-upload-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("已录入 3 份纸质测评表")
    assert BallotSheet.objects.filter(channel="paper").count() == 3


def test_member_on_phone_taps_finger_sized_answers_and_downloads_all_receipts(
    phone, live_server, bcity, sign_in, tmp_path
):
    from tests.factories import make_member

    colleague = make_member(bcity.school, "张老师")
    round_ = make_round(bcity, members=True, name="党员互评", extra_members=[colleague])
    sign_in(phone, "member")
    phone.goto(f"{live_server.url}/evaluations/{round_.pk}/peer/")
    answers_ = phone.get_by_test_id("question").first.locator("label")
    expect(answers_).to_have_text(["满意", "基本满意", "不满意", "不了解"])
    assert min(answers_.nth(i).bounding_box()["height"] for i in range(4)) >= 44
    _fill_all(phone)
    phone.get_by_test_id("ballot-submit").click()
    expect(phone.get_by_test_id("receipt")).to_have_count(2)
    rows = phone.locator("tr[data-receipt-row]")
    shown = [
        (
            rows.nth(i).locator("td").first.inner_text().strip(),
            rows.nth(i).get_by_test_id("receipt").inner_text(),
        )
        for i in range(2)
    ]
    assert sorted(name for name, _ in shown) == ["张老师", "王大伯"]
    with phone.expect_download() as download:
        phone.get_by_test_id("receipt-download").click()
    assert download.value.suggested_filename == "党员互评-投票回执.txt"
    path = tmp_path / "receipts.txt"
    download.value.save_as(path)
    expected = "\ufeff" + "".join(f"{name}\t{receipt.strip()}\r\n" for name, receipt in shown)
    assert path.read_bytes() == expected.encode()


@pytest.fixture(autouse=True)
def dialogs(request):
    """The round page asks (confirm()) before changing a round's status: press OK, keep what was asked."""
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    for name in ("page", "phone"):
        if name in request.fixturenames:
            request.getfixturevalue(name).on("dialog", accept)
    return asked


def test_office_downloads_slips_sees_the_count_then_closes_after_confirming(
    page, live_server, bcity, sign_in, dialogs
):
    round_ = make_round(bcity, k_min=3)
    crowd = round_.groups.get(name="群众")
    sign_in(page, "office")
    page.goto(f"{live_server.url}/evaluations/{round_.pk}/")
    with page.expect_download() as download:
        page.get_by_test_id(f"codes-{crowd.pk}").click()
    assert download.value.suggested_filename == f"ballot-codes-{round_.pk}-{crowd.pk}.docx"
    expect(page.get_by_test_id(f"codes-status-{crowd.pk}")).to_have_text(
        "纸条已生成，正在下载……页面稍后刷新，显示新的发放数量。"
    )
    # the page reloads by itself: the new codes are counted and the message says what was made
    expect(page.locator(".alert-success")).to_contain_text("已为“群众”生成 50 个评议码", timeout=5_000)
    expect(page.get_by_test_id("group-table").get_by_role("row").filter(has_text="群众")).to_contain_text(
        "0 / 50"
    )
    for code in codes(bcity, round_, "群众", 3):
        services.ballot_cast_code(code=code, answers=answers(round_, 100))
    page.get_by_test_id("to-closed").click()
    expect(page.get_by_test_id("round-status")).to_have_text("已结束")
    assert dialogs == ["结束后不能再投票，将公布回执汇总摘要并标出满意度过低的对象。确定结束？"]
    expect(page.get_by_test_id("closed-info")).to_contain_text("回执汇总摘要共含 3 份回执")
    page.get_by_test_id("results-link").click()
    expect(page.get_by_test_id("sector-row")).to_have_text(["机关", "学校", "村(居)"])
    expect(page.get_by_test_id("target-row").nth(0)).to_contain_text("城厢区委")
