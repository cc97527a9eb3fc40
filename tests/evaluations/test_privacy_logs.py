"""Nothing a log keeps ties a ballot code (or the rater's address and time) to the published receipt."""

import re

from django.test import Client

from pacesetter.cli import ACCESS_LOG_FORMAT, gunicorn_args
from pacesetter.evaluations.models import BallotSheet
from pacesetter.evaluations.selectors import ballot_form

from .helpers import codes, make_round

RECEIPT_SHOWN = re.compile(r'data-testid="receipt">([0-9a-f]{64})<')


def _post_answers(round_, score="100"):
    form = ballot_form(round_)
    return {f"t{t.id}_q{q.position}": score for t in form.targets for q in form.questions}


def test_cast_redirect_location_carries_no_receipt_and_no_code(city, client):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    resp = client.post(f"/e/{code}/", _post_answers(r))
    receipt = BallotSheet.objects.get().receipt
    assert resp.status_code == 302
    assert resp["Location"] == "/e/check/?cast=1"
    assert receipt not in resp["Location"] and code not in resp["Location"]
    cookie = resp.cookies["ballot_receipt"]
    assert cookie["path"] == "/e/check/"
    assert cookie["max-age"] == 600
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax" and cookie["secure"] == ""


def test_cast_receipt_shown_once_then_gone(city, client):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    location = client.post(f"/e/{code}/", _post_answers(r))["Location"]
    receipt = BallotSheet.objects.get().receipt
    first = client.get(location)
    body = first.content.decode()
    assert RECEIPT_SHOWN.findall(body) == [receipt]
    assert body.count(receipt) == 1 and code not in body
    assert 'data-testid="ballot-done"' in body
    assert first.cookies["ballot_receipt"].value == ""  # dropped
    again = client.get(location).content.decode()
    assert receipt not in again and 'data-testid="ballot-done"' not in again
    assert RECEIPT_SHOWN.findall(again) == []


def test_check_page_with_tampered_cookie_shows_plain_form(city, client):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    client.post(f"/e/{code}/", _post_answers(r))
    receipt = BallotSheet.objects.get().receipt
    client.cookies["ballot_receipt"] = receipt  # unsigned
    body = client.get("/e/check/?cast=1").content.decode()
    assert receipt not in body and 'data-testid="ballot-done"' not in body
    assert 'data-testid="receipt-result"' not in body


def _private(response) -> bool:
    return response["Referrer-Policy"] == "no-referrer" and response["X-Robots-Tag"] == "noindex, nofollow"


def test_ballot_pages_send_no_referrer_and_noindex(city, client):
    r = make_round(city)
    [code, other] = codes(city, r, n=2)
    assert _private(client.get(f"/e/{code}/"))
    refused = client.post(f"/e/{code}/", {})
    assert refused.status_code == 422 and _private(refused)
    cast = client.post(f"/e/{code}/", _post_answers(r))
    assert cast.status_code == 302 and _private(cast)
    spent = client.get(f"/e/{code}/")
    assert spent.status_code == 409 and _private(spent)
    unknown = client.get("/e/ZZZZZZZZZZZZ/")
    assert unknown.status_code == 422 and _private(unknown)
    assert _private(client.get("/e/check/?cast=1"))
    assert _private(client.get(f"/e/?code={other}"))
    assert _private(client.get("/e/results/"))


def _csrf_client(path):
    """A browser on a no-referrer page: its token from the page, and `Origin: null` on every POST."""
    c = Client(enforce_csrf_checks=True, headers={"Origin": "null"})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', c.get(path).content.decode())[1]
    return c, token


def test_ballot_from_a_no_referrer_page_cast_by_its_token(city):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    c, token = _csrf_client(f"/e/{code}/")
    assert c.post(f"/e/{code}/", _post_answers(r)).status_code == 403  # no token: refused
    assert BallotSheet.objects.count() == 0
    cast = c.post(f"/e/{code}/", {**_post_answers(r), "csrfmiddlewaretoken": token})
    assert cast.status_code == 302 and BallotSheet.objects.count() == 1


def test_receipt_check_and_language_switch_from_a_no_referrer_page(db):
    c, token = _csrf_client("/e/check/")
    assert c.post("/e/check/", {"receipt": "0" * 64}).status_code == 403
    assert c.post("/e/check/", {"receipt": "0" * 64, "csrfmiddlewaretoken": token}).status_code == 200
    switch = {"language": "en", "next": "/e/check/"}
    assert c.post("/i18n/setlang/", switch).status_code == 403
    switched = c.post("/i18n/setlang/", {**switch, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302 and switched.cookies["django_language"].value == "en"


def test_other_origins_still_refused_with_a_token(city):
    c, token = _csrf_client("/e/check/")
    refused = c.post(
        "/e/check/",
        {"receipt": "0" * 64, "csrfmiddlewaretoken": token},
        headers={"Origin": "https://evil.example"},
    )
    assert refused.status_code == 403


def test_receipt_check_by_post_finds_stored_and_reports_unknown(city):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    Client().post(f"/e/{code}/", _post_answers(r))
    receipt = BallotSheet.objects.get().receipt
    checker = Client(enforce_csrf_checks=True)
    page = checker.get("/e/check/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    found = checker.post("/e/check/", {"receipt": receipt.upper(), "csrfmiddlewaretoken": token})
    assert found.status_code == 200
    assert re.findall(r'data-testid="receipt-result">([^<]+)<', found.content.decode()) == [
        f"已收到：该回执属于“{r.name}”，评议结束后将公布回执汇总摘要和全部选票文件。"
    ]
    unknown = checker.post("/e/check/", {"receipt": "0" * 64, "csrfmiddlewaretoken": token})
    assert re.findall(r'data-testid="receipt-result">([^<]+)<', unknown.content.decode()) == [
        "未找到该回执。请核对是否抄录完整（64 位，0–9 和 a–f）。"
    ]


def test_receipt_check_old_get_links_still_work(city, client):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    client.post(f"/e/{code}/", _post_answers(r))
    receipt = BallotSheet.objects.get().receipt
    body = client.get(f"/e/check/?receipt={receipt}").content.decode()
    assert "已收到" in body and 'data-testid="ballot-done"' not in body


def test_gunicorn_access_log_format_has_no_query_and_no_referer():
    args = gunicorn_args(8123)
    assert args[args.index("--access-logformat") + 1] == ACCESS_LOG_FORMAT
    assert ACCESS_LOG_FORMAT == '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'
    for atom in ("%(r)s", "%(q)s", "%(f)s"):
        assert atom not in ACCESS_LOG_FORMAT
    assert args[args.index("-b") + 1] == "127.0.0.1:8123"
