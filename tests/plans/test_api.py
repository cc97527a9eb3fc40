"""The plans API: the same services, scope and errors as the pages."""

import json

import pytest
from django.test import Client

from pacesetter.core.services import token_create
from pacesetter.plans.models import Plan

from .conftest import BODY, make_campaign


@pytest.fixture
def api():
    def make(user):
        _token, key = token_create(actor=user, name="test")
        c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
        c.json = lambda method, url, data=None: getattr(c, method)(
            url, json.dumps(data or {}), content_type="application/json"
        )
        return c

    return make


def test_put_submit_return_resubmit_approve(campaign, city, school_secretary, api):
    c = api(school_secretary)
    assert c.get(f"/api/plans/orgs/{city.school.pk}").status_code == 404
    r = c.json(
        "put", f"/api/plans/orgs/{city.school.pk}", {"title": "实验小学方案", "body": "第一段\n第二段"}
    )
    assert r.status_code == 200, r.content
    data = r.json()
    assert (data["status"], data["body"], data["version"], data["versions"]) == (
        "draft",
        "<p>第一段</p><p>第二段</p>",
        None,
        [],
    )
    pk = data["id"]
    r = c.post(f"/api/plans/{pk}/submit")
    assert r.status_code == 201 and r.json()["status"] == "submitted" and r.json()["version"] == 1
    r = c.post(f"/api/plans/{pk}/submit")
    assert r.status_code == 409 and r.json() == {
        "code": "invalid_state",
        "message": "方案当前状态为“已报送”，不能报送",
    }
    reviewer = api(city.secretary)
    queue = reviewer.get("/api/plans/review-queue").json()
    assert [(p["id"], p["organisation_name"]) for p in queue] == [(pk, "城厢区实验小学党支部")]
    r = reviewer.json("post", f"/api/plans/{pk}/decide", {"decision": "return"})
    assert r.status_code == 422 and r.json()["field"] == "comment"
    r = reviewer.json("post", f"/api/plans/{pk}/decide", {"decision": "return", "comment": "请细化"})
    assert r.json()["status"] == "returned"
    c.json(
        "put",
        f"/api/plans/orgs/{city.school.pk}?campaign_id={campaign.pk}",
        {"title": "修改稿", "body": BODY},
    )
    c.post(f"/api/plans/{pk}/submit")
    r = reviewer.json("post", f"/api/plans/{pk}/decide", {"decision": "approve"})
    data = r.json()
    assert data["status"] == "approved"
    assert [(v["number"], v["title"], [d["decision"] for d in v["decisions"]]) for v in data["versions"]] == [
        (1, "实验小学方案", ["return"]),
        (2, "修改稿", ["approve"]),
    ]
    assert data["versions"][0]["decisions"][0]["comment"] == "请细化"


def test_api_scope_and_permissions(campaign, city, school_secretary, api):
    r = api(city.town_secretary).json("put", f"/api/plans/orgs/{city.school.pk}", {"title": "t"})
    assert r.status_code == 404
    r = api(city.member_user).json("put", f"/api/plans/orgs/{city.school.pk}", {"title": "t"})
    assert r.status_code == 403
    r = api(school_secretary).json("put", f"/api/plans/orgs/{city.school.pk}", {"title": "t", "body": BODY})
    pk = r.json()["id"]
    api(school_secretary).post(f"/api/plans/{pk}/submit")
    r = api(school_secretary).json("post", f"/api/plans/{pk}/decide", {"decision": "approve"})
    assert (
        r.status_code == 403 and r.json()["message"] == "只有上级组织可以审核“城厢区实验小学党支部”的实施方案"
    )
    assert api(city.town_secretary).get(f"/api/plans/{pk}").status_code == 404
    assert Plan.objects.get().status == "submitted"


def test_api_window_closed(city, school_secretary, api):
    campaign = make_campaign(city.city, opens_days=3, closes_days=9)
    c = api(school_secretary)
    pk = c.json(
        "put", f"/api/plans/orgs/{city.school.pk}?campaign_id={campaign.pk}", {"title": "t", "body": BODY}
    ).json()["id"]
    r = c.post(f"/api/plans/{pk}/submit")
    assert r.status_code == 409 and "开放" in r.json()["message"] and "现在还不能操作" in r.json()["message"]


def test_api_progress(city, school_secretary, api):
    campaign = make_campaign(city.city, deadline_days=-1)
    r = api(city.town_secretary).get(f"/api/plans/progress?campaign_id={campaign.pk}&progress=overdue")
    data = r.json()
    assert data["root_id"] == city.town.pk
    assert data["counts"]["overdue"] == 2 and data["counts"]["total"] == 2
    assert [(i["organisation_name"], i["progress"]) for i in data["items"]] == [
        ("和林镇党委", "overdue"),
        ("八一村党支部", "overdue"),
    ]
    assert api(city.member_user).get("/api/plans/progress").status_code == 403
