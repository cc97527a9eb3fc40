"""The API's shared pieces (api._common, the schema bases in api.schemas) keep each route's contract."""

import datetime
import json

import pytest
from django.test import Client

from pacesetter.api._common import campaign_or_first, window
from pacesetter.core.errors import NotFoundError
from pacesetter.core.paging import MAX_OFFSET
from pacesetter.core.services import token_create


@pytest.fixture
def api(city):
    def make(user):
        _token, key = token_create(actor=user, name="test")
        c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        c.json = lambda method, url, data=None: getattr(c, method)(
            url, json.dumps(data or {}), content_type="application/json"
        )
        return c

    return make


def test_window_is_limit_rows_from_the_offset_clamped():
    assert window(0, 200) == slice(0, 200)
    assert window(30, 100) == slice(30, 130)
    assert window(-5, 10) == slice(0, 10)
    assert window(MAX_OFFSET + 7, 10) == slice(MAX_OFFSET, MAX_OFFSET + 10)


class _Candidates:
    def __init__(self, first):
        self._first = first

    def first(self):
        return self._first


def test_campaign_or_first_uses_the_getter_only_for_a_named_campaign():
    asked = []

    def get_for(user, pk):
        asked.append((user, pk))
        return f"campaign {pk}"

    assert campaign_or_first(get_for, "u", 7, _Candidates("nearest"), "none") == "campaign 7"
    assert campaign_or_first(get_for, "u", None, _Candidates("nearest"), "none") == "nearest"
    assert asked == [("u", 7)]
    with pytest.raises(NotFoundError) as refused:
        campaign_or_first(get_for, "u", None, _Candidates(None), "没有进行中的活动")
    assert str(refused.value.message) == "没有进行中的活动"


def test_audit_filters_reach_the_selector(city, api):
    c = api(city.office)
    r = c.json("patch", f"/api/orgs/{city.town.pk}", {"name": "审计筛选镇党委"})
    assert r.status_code == 200, r.content
    rows = c.get(
        f"/api/audit?action=org.update&object_type=orgs.organisation&object_id={city.town.pk}"
    ).json()
    assert rows and {(row["action"], row["object_id"]) for row in rows} == {("org.update", str(city.town.pk))}
    assert c.get("/api/audit?action=org.update&date_to=2000-01-01").json() == []
    today = datetime.date.today().isoformat()
    assert c.get(f"/api/audit?action=org.update&date_from={today}&actor={city.office.username}").json()


def test_audit_bad_date_is_a_422_naming_it(city, api):
    r = api(city.office).get("/api/audit?date_from=yesterday")
    assert r.status_code == 422 and r.json()["field"] == "date_from"


def test_openapi_keeps_the_inherited_fields_of_the_public_bodies(db, client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]

    def fields(name):
        return set(schemas[name]["properties"]), set(schemas[name].get("required", []))

    assert fields("CaseFileIn") == (
        {
            "subject_type",
            "subject_id",
            "member_name",
            "category",
            "text",
            "real_name",
            "name",
            "phone",
            "code",
        },
        {"subject_type", "category", "text"},
    )
    assert fields("HonourObjectionIn") == (
        {"nomination_id", "text", "real_name", "name", "phone", "code"},
        {"nomination_id", "text"},
    )
    assert fields("HonourRecommendIn") == ({"phone", "code", "slip"}, set())
    assert fields("PublicRatingIn") == ({"level", "comment", "phone", "code", "slip"}, {"level"})
    assert fields("PlanConsultCommentIn") == ({"body", "phone", "code", "slip"}, {"body"})
    assert fields("FollowIn") == (
        {"subject_type", "subject_id", "phone", "code", "email"},
        {"subject_type", "subject_id"},
    )
    for name in (
        "RecordCheckIn",
        "HonourReviewIn",
        "PublicityTransitionIn",
        "CommitmentTransitionIn",
        "PointActionIn",
    ):
        assert fields(name) == ({"action", "comment"}, {"action"})
    assert fields("CastIn") == ({"code", "answers", "suggestion"}, {"code", "answers"})
    assert fields("PaperIn") == ({"code", "answers", "channel", "suggestion"}, {"code", "answers"})
    assert fields("PhotoOut") == ({"id", "caption", "content_type", "size", "url"},) * 2
    assert fields("HonourPhotoOut") == ({"id", "name", "content_type", "size", "url"},) * 2
