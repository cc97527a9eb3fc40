"""The public rating API: the same one-person-one-count as the page (phone code or slip; else unverified)."""

import json
import re

import pytest
from django.test import Client

from pacesetter import onecount
from pacesetter.commitments.enums import CommitmentStatus as S
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


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_api_phone_code_then_rating_counts_once(published, texts):
    c = Client()
    base = f"/api/wall/{published.pk}"
    r = _post(c, f"{base}/phone-code", {"phone": PHONE})
    assert (r.status_code, r.json()) == (202, {"sent_to": "138****5678"})
    code = re.search(r"\d{6}", texts[-1][1]).group(0)
    r = _post(c, f"{base}/ratings", {"level": "satisfied", "phone": PHONE, "code": code})
    assert r.status_code == 201
    body = r.json()
    assert (body["verification"], body["counted"], body["moderation"]) == ("phone", True, "none")
    assert _post(Client(), f"{base}/phone-code", {"phone": PHONE}).status_code == 202
    code = re.search(r"\d{6}", texts[-1][1]).group(0)
    r = _post(Client(), f"{base}/ratings", {"level": "unsatisfied", "phone": PHONE, "code": code})
    assert r.status_code == 409
    assert r.json()["message"] == "该手机号已经评价过这项承诺，每人只能评价一次"
    r = _post(Client(), f"{base}/ratings", {"level": "basic"})
    assert (r.status_code, r.json()["counted"], r.json()["verification"]) == (201, False, "none")
    assert c.get(f"{base}/ratings").json() == {
        "satisfied": 1,
        "basic": 0,
        "unsatisfied": 0,
        "satisfaction_rate": None,
        "unverified": 1,
    }


def test_api_slip_rating_once(city, published):
    code = onecount.slip_sheet_create(actor=city.secretary, org=city.school, count=1).codes[0]
    url = f"/api/wall/{published.pk}/ratings"
    assert _post(Client(), url, {"level": "basic", "slip": code}).json()["verification"] == "slip"
    r = _post(Client(), url, {"level": "basic", "slip": code})
    assert (r.status_code, r.json()["code"]) == (409, "invalid_state")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"phone": "123"}, 422, "phone"),
        ({"phone": "\u0000"}, 422, None),  # the NUL guard answers first
        ({}, 422, None),
    ],
)
def test_api_phone_code_bad_input_is_422(published, texts, body, status, field):
    r = _post(Client(), f"/api/wall/{published.pk}/phone-code", body)
    assert r.status_code == status
    if field:
        assert r.json()["field"] == field
    assert texts == []


def test_api_rating_wrong_code_and_unknown_commitment(published, texts):
    r = _post(
        Client(), f"/api/wall/{published.pk}/ratings", {"level": "basic", "phone": PHONE, "code": "000000"}
    )
    assert (r.status_code, r.json()["field"]) == (422, "code")
    assert _post(Client(), "/api/wall/999999/ratings", {"level": "basic"}).status_code == 404


def test_api_phone_code_daily_limit_is_429(published, texts, settings):
    settings.ONECOUNT_TEXTS_PER_ADDRESS_PER_DAY = 1
    assert _post(Client(), f"/api/wall/{published.pk}/phone-code", {"phone": PHONE}).status_code == 202
    r = _post(Client(), f"/api/wall/{published.pk}/phone-code", {"phone": "13912345678"})
    assert (r.status_code, r.json()["code"]) == (429, "rate_limited")
    assert r.json()["message"] == "您所在的网络今天获取验证码的次数已达上限，请明天再试"
