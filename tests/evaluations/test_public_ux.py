"""Public pages as a citizen uses them on a phone: the code kept after a refusal, translated answers, a
plain CSRF page, the collapsed technical section, links between the public pages, the favicon, the receipt
download."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client

from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundStatus, Scale
from pacesetter.evaluations.selectors import ballot_form

from .helpers import answers, codes, make_round

CODE_INPUT = re.compile(
    r'<input class="form-control form-control-lg mb-2" id="code" name="code" value="([^"]*)"'
)
NAV_LINKS = re.compile(
    r'<a class="d-inline-block py-2( fw-bold)?" href="([^"]+)"( aria-current="page")?>([^<]+)</a>'
)
FAVICON = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _labels(body: str, name: str) -> list[str]:
    return re.findall(rf'for="{name}_[^"]+">([^<]+)</label>', body)


def _first_question(round_) -> str:
    form = ballot_form(round_)
    return f"t{form.targets[0].id}_q{form.questions[0].position}"


def _published_round(city):
    round_ = make_round(city, k_min=3)
    for code in codes(city, round_, "群众", 3):
        services.ballot_cast_code(code=code, answers=answers(round_, 100))
    services.round_transition(actor=city.office, round_=round_, to_status=RoundStatus.CLOSED)
    services.round_publish(actor=city.office, round_=round_)
    return round_


def test_entry_unknown_code_kept_in_box_grouped(city, client):
    make_round(city)
    resp = client.get("/e/?code=abcd-efgh-jkm n", follow=True)
    body = resp.content.decode()
    assert resp.redirect_chain == [("/e/ABCDEFGHJKMN/", 302)]
    assert resp.status_code == 422
    assert re.findall(r'data-testid="code-error">([^<]+)<', body) == ["评议码无效，请核对后重新输入"]
    assert CODE_INPUT.findall(body) == ["ABCD-EFGH-JKMN"]
    assert body.count("ABCD-EFGH-JKMN") == 1  # in the box, nowhere else


def test_entry_spent_code_kept_in_box(city, client):
    round_ = make_round(city)
    [code] = codes(city, round_, n=1)
    services.ballot_cast_code(code=code, answers=answers(round_, 100))
    resp = client.get(f"/e/{code}/")
    assert resp.status_code == 409
    assert CODE_INPUT.findall(resp.content.decode()) == [f"{code[:4]}-{code[4:8]}-{code[8:]}"]


def test_entry_code_with_markup_reduced_to_letters_and_digits(city, client):
    resp = client.get('/e/"><script>alert(1)</')
    body = resp.content.decode()
    assert resp.status_code == 422
    assert CODE_INPUT.findall(body) == ["SCRI-PTAL-ERT1"]  # 12 characters: shown in groups like a code
    assert "<SCRIPT>ALERT" not in body and "<script>alert" not in body


@pytest.mark.parametrize(
    ("typed", "path"),
    [
        ("a/b", "/e/AB/"),
        ("../..", None),
        ("ａｂｃｄ－ｅｆｇｈ", "/e/ABCDEFGH/"),
        ("x" * 5000, "/e/" + "X" * 24 + "/"),
    ],
)
def test_entry_code_with_slash_dots_full_width_or_length_is_normalised(city, client, typed, path):
    resp = client.get("/e/", {"code": typed}, follow=True)
    assert resp.redirect_chain == ([(path, 302)] if path else [])
    assert resp.status_code == (422 if path else 200)


def test_entry_first_visit_box_empty(client):
    assert CODE_INPUT.findall(client.get("/e/").content.decode()) == [""]


def test_ballot_answer_labels_chinese_by_default(city, client):
    round_ = make_round(city)
    [code] = codes(city, round_, n=1)
    body = client.get(f"/e/{code}/").content.decode()
    assert _labels(body, _first_question(round_)) == ["满意", "基本满意", "不满意", "不了解"]


def test_ballot_answer_labels_translated_in_english(city, client):
    satisfaction = make_round(city)
    grade = make_round(city, name="2011年度党员评议", scale=Scale.GRADE4)
    [code] = codes(city, satisfaction, n=1)
    [code_grade] = codes(city, grade, n=1)
    client.cookies["django_language"] = "en"
    body = client.get(f"/e/{code}/").content.decode()
    assert _labels(body, _first_question(satisfaction)) == [
        "Satisfied",
        "Fairly satisfied",
        "Dissatisfied",
        "Do not know",
    ]
    body = client.get(f"/e/{code_grade}/").content.decode()
    assert _labels(body, _first_question(grade)) == ["Good", "Fairly good", "Fair", "Poor", "Do not know"]


def test_ballot_answer_buttons_finger_sized(city, client):
    round_ = make_round(city)
    [code] = codes(city, round_, n=1)
    body = client.get(f"/e/{code}/").content.decode()
    name = _first_question(round_)
    styles = re.findall(rf'<label class="btn [^"]*" style="([^"]+)" for="{name}_', body)
    assert styles == ["min-height: 2.75rem; min-width: 3.5rem"] * 4
    assert "btn-sm" not in re.findall(r"<fieldset.*?</fieldset>", body, re.S)[0]


def test_csrf_failure_page_plain_and_mobile(db):
    resp = Client(enforce_csrf_checks=True).post("/e/check/", {"receipt": "0" * 64})
    body = resp.content.decode()
    assert resp.status_code == 403
    assert VIEWPORT in body and FAVICON in body
    assert re.findall(r"<h1 class=\"h5\">([^<]+)</h1>", body) == ["提交没有成功"]
    alert = re.findall(r'data-testid="csrf-failure">(.*?)</div>', body, re.S)[0]
    assert re.findall(r"<p[^>]*>([^<]+)</p>", alert) == [
        "可能是页面打开的时间太长了，或者浏览器禁用了 Cookie。",
        "请返回上一页，刷新页面后再提交一次。",
    ]
    assert re.findall(r'<a href="([^"]+)" class="btn [^"]+"[^>]*>([^<]+)</a>', body) == [
        ("#", "返回上一页"),
        ("/", "首页"),
    ]
    assert "CSRF verification failed" not in body


def test_check_page_technical_section_collapsed(db, client):
    body = client.get("/e/check/").content.decode()
    details = re.findall(r"<details([^>]*)>\s*<summary[^>]*>([^<]+)</summary>(.*?)</details>", body, re.S)
    assert [(attrs, summary) for attrs, summary, _ in details] == [
        (' class="mt-4" data-testid="how-to-verify"', "技术说明：如何自行核算（供核查人员使用）")
    ]
    inside = details[0][2]
    assert inside.count("<li>") == 6
    assert re.findall(r"<pre ([^>]*)>import hashlib, json", inside) == [
        'class="small bg-light p-2 border rounded mw-100" style="overflow-x: auto" tabindex="0"'
    ]
    assert body.count("<pre") == 1
    assert 'data-testid="receipt-submit"' in body


def test_public_pages_link_to_each_other(city, client):
    round_ = _published_round(city)
    everywhere = ["/e/", "/e/check/", "/e/results/"]
    for path, current in [
        ("/e/", "/e/"),
        ("/e/check/", "/e/check/"),
        ("/e/results/", "/e/results/"),
        (f"/e/results/{round_.pk}/", None),
    ]:
        resp = client.get(path)
        assert resp.status_code == 200
        links = NAV_LINKS.findall(resp.content.decode())
        assert [href for _, href, _, _ in links] == everywhere, path
        assert [text for _, _, _, text in links] == ["输入评议码", "核对回执", "已公开的评议结果"]
        assert [href for bold, href, aria, _ in links if bold and aria] == ([current] if current else [])


def test_public_results_page_still_shows_results(city, client):
    round_ = _published_round(city)
    body = client.get(f"/e/results/{round_.pk}/").content.decode()
    assert len(re.findall(r'data-testid="target-row"', body)) == 4
    assert 'data-testid="publish"' not in body and 'data-testid="unpublish"' not in body


def test_favicon_linked_on_every_base_and_served(city, client, client_for):
    round_ = make_round(city)
    [code] = codes(city, round_, n=1)
    for page in ["/e/", f"/e/{code}/", "/e/check/", f"/p/orgs/{city.school.pk}/"]:
        assert client.get(page).content.decode().count(FAVICON) == 1, page
    assert client_for(city.office).get("/dashboard/").content.decode().count(FAVICON) == 1
    found = Path(finders.find("favicon.svg"))
    assert found.parts[-3:] == ("web", "static", "favicon.svg")  # an app static dir: collected and packaged
    resp = client.get("/static/favicon.svg")
    assert resp.status_code == 200 and resp["Content-Type"] == "image/svg+xml"
    assert b"".join(resp.streaming_content) == found.read_bytes()


def test_receipt_page_download_button_rows_and_checks_by_post(rf):
    """The peer receipt page: one row per peer, a download of them all, and checks that POST (no receipt
    in any URL, so in no access log)."""
    request = rf.get("/evaluations/1/peer/")
    receipts = [("王大伯", "ab" * 32), ("张老师", "cd" * 32)]
    html = render_to_string(
        "evaluations/receipt.html",
        {"round": {"name": "党员互评"}, "receipts": receipts, "public": False, "trial": False},
        request,
    )
    assert re.findall(r'<button type="button" ([^>]*)>([^<]+)</button>', html) == [
        (
            'class="btn btn-outline-secondary w-100 mb-3" data-testid="receipt-download" '
            'data-filename="党员互评-投票回执.txt" hidden',
            "下载全部回执（文本文件）",
        )
    ]
    rows = re.findall(
        r'<tr data-receipt-row><td class="text-nowrap" data-receipt-name>([^<]+)</td>\s*'
        r'<td class="font-monospace text-break small" data-testid="receipt">([0-9a-f]{64})</td>',
        html,
    )
    assert rows == receipts
    assert html.count('data-testid="receipt-check"') == 2
    assert "?receipt=" not in html
    assert re.findall(r'<form method="post" action="([^"]+)">', html) == ["/e/check/", "/e/check/"]
    for _name, receipt in receipts:
        assert f'<input type="hidden" name="receipt" value="{receipt}">' in html


def test_favicon_ico_redirects_to_the_svg(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 301 and resp["Location"].endswith("/favicon.svg")


def test_ballot_question_groups_named_with_their_target(city, client):
    round_ = make_round(city)
    [code] = codes(city, round_, n=1)
    body = client.get(f"/e/{code}/").content.decode()
    form = ballot_form(round_)
    legends = re.findall(r'<legend class="fs-6 mb-1">(.*?)</legend>', body, re.S)
    assert legends == [
        f'<span class="visually-hidden">{t.name}：</span>{q.text}'
        for t in form.targets
        for q in form.questions
    ]


def test_refused_ballot_error_summary_links_each_missing_question(city, client):
    round_ = make_round(city)
    [code] = codes(city, round_, n=1)
    form = ballot_form(round_)
    first, third = form.targets[0], form.targets[2]
    post = {
        f"t{t.id}_q{q.position}": "dk"
        for t in form.targets
        for q in form.questions
        if not (t in (first, third) and q.position == 1)
    }
    refused = client.post(f"/e/{code}/", post)
    body = refused.content.decode()
    assert refused.status_code == 422
    assert '<div class="alert alert-danger" role="alert" tabindex="-1" id="error-summary"' in body
    links = re.findall(r'<li><a class="alert-link" href="#(f-[^"]+)">([^<]+)</a></li>', body)
    assert links == [
        (f"f-t{first.id}_q1", f"{first.name}：{form.questions[0].text}"),
        (f"f-t{third.id}_q1", f"{third.name}：{form.questions[0].text}"),
    ]
    for anchor, _text in links:
        assert f'id="{anchor}" data-testid="question" data-missing>' in body


def test_ballot_parts_drawn_by_the_server_first_missing_part_shown(city, client):
    round_ = make_round(city)
    [code] = codes(city, round_, n=1)
    hidden = re.compile(r'<section class="card mb-3" data-testid="ballot-target" data-part [^>]*?( hidden)?>')
    body = client.get(f"/e/{code}/").content.decode()
    assert [bool(h) for h in hidden.findall(body)] == [False, True, True, True]
    assert 'data-testid="ballot-submit" hidden>' in body and "ballot-noscript" in body
    form = ballot_form(round_)
    post = {f"t{t.id}_q1": "dk" for t in form.targets[:2]}  # the third and fourth left blank
    body = client.post(f"/e/{code}/", post).content.decode()
    assert [bool(h) for h in hidden.findall(body)] == [True, True, False, True]
    assert "第 3 / 4 个对象" in body
