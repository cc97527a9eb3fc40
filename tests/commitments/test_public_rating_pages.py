"""The public commitment page: phone -> code -> rate on one page, a slip's address, refusals as messages."""

import re

import pytest
from django.test import Client

from pacesetter import onecount
from pacesetter.commitments.enums import CommitmentStatus as S
from pacesetter.commitments.enums import RatingVerification
from pacesetter.commitments.models import Rating
from pacesetter.notifications import sms

from .conftest import advance, org_commitment

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


@pytest.fixture
def published(city, camp):
    return advance(city, org_commitment(city, camp), S.PUBLISHED)


@pytest.fixture
def texts(settings):
    settings.PACESETTER_SMS_BACKEND = "pacesetter.notifications.sms.LocmemBackend"
    settings.ONECOUNT_RESEND_SECONDS = 0
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _code(texts) -> str:
    return re.search(r"\d{6}", texts[-1][1]).group(0)


def test_page_offers_phone_code_and_slip(published):
    html = Client().get(f"/wall/c/{published.pk}/").content.decode()
    for testid in ("rating-form", "phone", "send-code", "code", "slip", "rate"):
        assert f'data-testid="{testid}"' in html
    assert "<script>" not in html.split('data-testid="rating-form"')[1].split("</form>")[0]


def test_phone_code_then_rate_counts_once_and_is_remembered(published, texts):
    c = Client()
    c.get(f"/wall/c/{published.pk}/")
    r = c.post(
        f"/wall/c/{published.pk}/rate/code/", {"phone": "138 1234 5678", "level": "basic", "comment": "好"}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "验证码已发送至 138****5678" in html
    assert 'value="138 1234 5678"' in html and 'value="basic" required checked' in html
    r = c.post(
        f"/wall/c/{published.pk}/rate/",
        {"phone": "138 1234 5678", "code": _code(texts), "level": "basic", "comment": ""},
        follow=True,
    )
    assert "感谢您的评价！" in r.content.decode()
    rating = Rating.objects.get()
    assert rating.verification == RatingVerification.PHONE
    # the same browser: the page says this phone has rated
    html = c.get(f"/wall/c/{published.pk}/").content.decode()
    assert "手机 138****5678 已评价过这项承诺，每人只能评价一次" in html
    assert 'data-testid="rating-form"' not in html
    # a fresh browser with the same phone: refused once the phone's code is confirmed
    fresh = Client()
    r = fresh.post(f"/wall/c/{published.pk}/rate/code/", {"phone": PHONE, "level": "satisfied"})
    assert r.status_code == 200
    r = fresh.post(
        f"/wall/c/{published.pk}/rate/", {"phone": PHONE, "code": _code(texts), "level": "unsatisfied"}
    )
    assert r.status_code == 409
    assert "该手机号已经评价过这项承诺，每人只能评价一次" in r.content.decode()
    assert Rating.objects.count() == 1


def test_wrong_code_keeps_what_was_typed(published, texts):
    c = Client()
    c.post(f"/wall/c/{published.pk}/rate/code/", {"phone": PHONE})
    wrong = f"{(int(_code(texts)) + 1) % 10**6:06d}"
    r = c.post(f"/wall/c/{published.pk}/rate/", {"phone": PHONE, "code": wrong, "level": "satisfied"})
    assert r.status_code == 422
    html = r.content.decode()
    assert "验证码不正确，请核对短信后重新输入" in html
    assert f'value="{PHONE}"' in html
    assert not Rating.objects.exists()


@pytest.mark.parametrize("phone", ["", "12345", "\x00", "1" * 500])
def test_bad_phone_is_a_message_not_an_error(published, texts, phone):
    r = Client().post(f"/wall/c/{published.pk}/rate/code/", {"phone": phone})
    assert r.status_code == 422
    assert "请输入 11 位手机号码" in r.content.decode()
    assert texts == []


def test_rate_without_level_is_refused(published):
    r = Client().post(f"/wall/c/{published.pk}/rate/", {"phone": PHONE})
    assert r.status_code == 422
    assert "请选择满意、基本满意或不满意" in r.content.decode()


def test_slip_address_remembers_the_code_and_prefills_the_form(city, published):
    code = onecount.slip_sheet_create(actor=city.secretary, org=city.school, count=1).codes[0]
    c = Client()
    r = c.get("/wall/slip/", {"code": code.lower()})
    assert r.status_code == 302 and r["Location"] == f"/wall/org/{city.school.pk}/"
    shown = onecount.slip_display(code)
    assert f'value="{shown}"' in c.get(f"/wall/c/{published.pk}/").content.decode()
    c.post(f"/wall/c/{published.pk}/rate/", {"slip": shown, "level": "satisfied"})
    c.post(f"/wall/c/{published.pk}/rate/", {"slip": shown, "level": "satisfied"})
    assert list(Rating.objects.values_list("verification", flat=True)) == [RatingVerification.SLIP]


@pytest.mark.parametrize("code", ["a/b", "%00", "X" * 12, ""])
def test_slip_address_with_a_bad_code_shows_the_form(code):
    r = Client().get("/wall/slip/", {"code": code})
    assert r.status_code == 200
    assert 'data-testid="slip-form"' in r.content.decode()
