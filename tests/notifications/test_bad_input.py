"""Bad input to the inbox and the notification settings, by page and by API (#20): a clear refusal naming
the field, nothing changed, never a 500."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from pacesetter.core.services import token_create
from pacesetter.notifications.kinds import Channel, Kind
from pacesetter.notifications.models import Notification, Preference
from pacesetter.notifications.services import notify

PREFS = "/api/notifications/preferences"
READ = "/api/notifications/read"
HUGE = 10**30


@pytest.fixture
def api(city):
    _token, key = token_create(actor=city.secretary, name="test")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    c.put_json = lambda url, body: c.put(
        url, body if isinstance(body, str) else json.dumps(body), "application/json"
    )
    c.post_json = lambda url, body: c.post(
        url, body if isinstance(body, str) else json.dumps(body), "application/json"
    )
    return c


@pytest.fixture
def unread(city):
    return notify(recipients=[city.secretary], title="请审核", kind=Kind.PLAN_REVIEW) + notify(
        recipients=[city.secretary], title="又一条", kind=Kind.PLAN_REVIEW
    )


def _refused(r, field: str) -> dict:
    assert r.status_code == 422, (r.status_code, r.content[:300])
    body = r.json()
    assert body["code"] == "validation_error" and body["field"] == field, body
    return body


def test_api_preferences_change_and_read_back(city, api):
    r = api.put_json(PREFS, {"preferences": [{"kind": "plan.review", "channel": "sms", "enabled": True}]})
    assert r.status_code == 200 and r.json() == {"changed": 1}
    row = next(p for p in api.get(PREFS).json() if p["kind"] == "plan.review")
    assert row == {
        "kind": "plan.review",
        "label": "实施方案待审核",
        "inapp": True,
        "email": True,
        "sms": True,
        "digest": False,
    }


def _prefs(*items):
    return {"preferences": list(items)}


SMS_ON = {"kind": "plan.review", "channel": "sms", "enabled": True}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_prefs(SMS_ON, {**SMS_ON, "kind": "nope"}), "kind"),
        (_prefs({**SMS_ON, "channel": "fax"}), "preferences.0.channel"),
        (_prefs({**SMS_ON, "kind": "plan.review\u0000"}), "body"),
        (_prefs({"kind": "plan.review", "channel": "sms"}), "preferences.0.enabled"),
        (_prefs({**SMS_ON, "enabled": "maybe"}), "preferences.0.enabled"),
        (_prefs({**SMS_ON, "kind": 5}), "preferences.0.kind"),
        (_prefs({**SMS_ON, "kind": "x" * 100_000}), "kind"),
        ({"preferences": SMS_ON}, "preferences"),
        ({"preferences": None}, "preferences"),
        ({}, "preferences"),
        ([SMS_ON], "body"),
        ('{"not json', "body"),
    ],
    ids=[
        "unknown-kind",
        "unknown-channel",
        "nul",
        "missing-enabled",
        "bad-bool",
        "kind-not-text",
        "huge-kind",
        "object-not-list",
        "null",
        "missing",
        "bare-list",
        "not-json",
    ],
)
def test_api_preferences_bad_input_refused_naming_the_field_and_nothing_changed(city, api, body, field):
    body = _refused(api.put_json(PREFS, body), field)
    assert "\x00" not in body["message"] and len(body["message"]) < 300
    assert not Preference.objects.exists()


def test_api_preferences_too_many_items_refused_not_cut_short(city, api):
    items = [{"kind": k, "channel": c, "enabled": False} for k in Kind.values for c in Channel.values]
    r = api.put_json(PREFS, {"preferences": items * 2})
    assert "最多" in _refused(r, "preferences")["message"]
    assert not Preference.objects.exists()  # was: the first 200 saved, the rest dropped without a word


@pytest.mark.parametrize(
    ("body", "field"),
    [({"id": HUGE}, "id"), ({"id": -1}, "id"), ({"id": "abc"}, "id"), ([1], "body"), ({"id": 1.5}, "id")],
    ids=["huge", "negative", "text", "list", "float"],
)
def test_api_mark_read_bad_id_refused_and_nothing_marked(city, api, unread, body, field):
    _refused(api.post_json(READ, body), field)
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_api_mark_read_someone_elses_notice_is_404(city, api, unread):
    other = notify(recipients=[city.office], title="别人的", kind=Kind.PLAN_REVIEW)[0]
    r = api.post_json(READ, {"id": other.pk})
    assert r.status_code == 404
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    assert api.post_json(READ, {"id": unread[0].pk}).json() == {"marked": 1}
    assert api.post_json(READ, {}).json() == {"marked": 1}


@pytest.mark.parametrize(
    "value", [str(HUGE), "abc", "²", "-1", "1\u0000"], ids=["huge", "text", "superscript", "negative", "nul"]
)
def test_page_mark_read_bad_id_refused_and_nothing_marked(city, client_for, unread, value):
    r = client_for(city.secretary).post(reverse("notifications:mark-read"), {"id": value})
    assert r.status_code == 422
    assert "通知编号无效" in r.content.decode() and "\x00" not in r.content.decode()
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_page_mark_read_without_an_id_marks_all(city, client_for, unread):
    r = client_for(city.secretary).post(reverse("notifications:mark-read"), {"id": ""})
    assert r.status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_page_preferences_ignore_unknown_fields_and_refuse_nul(city, client_for):
    c = client_for(city.secretary)
    r = c.post(reverse("notifications:preferences"), {"nope__sms": "on", "plan.review__fax": "on"})
    assert r.status_code == 302  # only the form's own boxes count: unknown ones change nothing
    assert not Preference.objects.exists() or all(
        (p.kind, p.channel) != ("nope", "sms") for p in Preference.objects.all()
    )
    r = c.get(reverse("notifications:preferences"), {"kind": "a\u0000"})
    assert r.status_code == 400
