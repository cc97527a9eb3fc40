"""Campaign API: happy paths and clear 403/404/409/422 errors."""

import json

import pytest
from django.test import Client

from pacesetter.campaigns.models import Campaign, CriteriaSet, Step
from pacesetter.core.services import token_create

from .conftest import at


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


def test_create_layout_activate_and_read(city, api):
    c = api(city.office)
    r = c.json(
        "post",
        "/api/campaigns",
        {
            "name": "2010—2012年创先争优活动",
            "organisation_id": city.city.pk,
            "starts_on": "2010-04-01",
            "ends_on": "2012-12-31",
            "plan_deadline": "2010-06-01",
        },
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "draft" and r.json()["organisation_name"] == "示范市委"
    r = c.json(
        "post",
        f"/api/campaigns/{pk}/stages",
        {"name": "第一阶段：迎接建党90周年", "starts_on": "2010-04-01", "ends_on": "2011-07-01"},
    )
    assert r.status_code == 201, r.content
    stage_id = r.json()["id"]
    r = c.json("post", f"/api/stages/{stage_id}/layout")
    assert r.status_code == 201 and [s["kind"] for s in r.json()][:2] == ["mobilise", "commit"]
    r = c.json("post", f"/api/campaigns/{pk}/status", {"status": "active"})
    assert r.json()["status"] == "active"
    r = c.get(f"/api/campaigns/{pk}")
    data = r.json()
    assert data["stages"][0]["name"] == "第一阶段：迎接建党90周年" and len(data["stages"][0]["steps"]) == 7
    assert data["stages"][0]["steps"][0]["kind_label"] == "动员部署"
    r = c.json("post", f"/api/campaigns/{pk}/status", {"status": "draft"})
    assert r.status_code == 409 and r.json()["code"] == "invalid_state"
    assert [x["id"] for x in api(city.secretary).get("/api/campaigns").json()] == [pk]
    assert api(city.outsider).get("/api/campaigns").status_code == 403


def test_secretary_cannot_create(city, api):
    r = api(city.secretary).json(
        "post",
        "/api/campaigns",
        {
            "name": "x",
            "organisation_id": city.district.pk,
            "starts_on": "2010-04-01",
            "ends_on": "2010-05-01",
        },
    )
    assert r.status_code == 403
    assert Campaign.objects.count() == 0


def test_window_query(city, active, api):
    c = api(city.secretary)
    r = c.get(f"/api/campaigns/{active.pk}/window?capability=plans&org_id={city.school.pk}")
    assert r.status_code == 200 and r.json()["is_open"] is True
    r = c.get(f"/api/campaigns/{active.pk}/window?capability=commitments&org_id={city.school.pk}")
    body = r.json()
    assert body["is_open"] is False and "将于" in body["message"] and body["opens_at"]
    r = c.get(f"/api/campaigns/{active.pk}/window?capability=nope&org_id={city.school.pk}")
    assert r.status_code == 422 and r.json()["field"] == "capability"
    r = c.get(f"/api/campaigns/{active.pk}/window?capability=plans&org_id={city.village.pk}")
    assert r.status_code == 404


def test_step_patch_and_extension(city, active, api):
    c = api(city.office)
    step = Step.objects.get(kind="mobilise")
    r = c.json("patch", f"/api/steps/{step.pk}", {"capabilities": ["plans", "records"]})
    assert r.status_code == 200 and r.json()["capabilities"] == ["plans", "records"]
    r = c.json(
        "post",
        f"/api/steps/{step.pk}/extensions",
        {"org_id": city.district.pk, "closes_at": at(1).isoformat(), "reason": "防汛"},
    )
    assert r.status_code == 422 and r.json()["field"] == "closes_at"
    r = c.json(
        "post",
        f"/api/steps/{step.pk}/extensions",
        {"org_id": city.district.pk, "closes_at": at(9).isoformat(), "reason": "防汛"},
    )
    assert r.status_code == 201 and r.json()["organisation_id"] == city.district.pk
    r = api(city.secretary).json("patch", f"/api/steps/{step.pk}", {"capabilities": []})
    assert r.status_code == 403


def test_criteria_read_update(city, active, api):
    cset = CriteriaSet.objects.get(campaign=active, name="五带头")
    r = api(city.member_user).get(f"/api/campaigns/{active.pk}/criteria")
    assert [s["name"] for s in r.json()] == ["五个好", "五带头"]
    items = r.json()[1]["items"]
    assert items[0]["indicators"] == ["比学习", "看履职"]
    items[0]["weight"] = 40
    r = api(city.office).json("put", f"/api/criteria/{cset.pk}", {"items": items})
    assert r.status_code == 422 and "必须等于 100" in r.json()["message"]
    items[1]["weight"] = 0
    items = [i for i in items if i["weight"]]
    r = api(city.office).json("put", f"/api/criteria/{cset.pk}", {"items": items})
    assert r.status_code == 200 and [i["weight"] for i in r.json()["items"]] == [40, 20, 20, 20]
    cset.locked = True
    cset.save()
    r = api(city.office).json("put", f"/api/criteria/{cset.pk}", {"items": items})
    assert r.status_code == 409


def test_theme_and_group(city, active, api):
    c = api(city.secretary)
    url = f"/api/campaigns/{active.pk}/orgs/{city.school.pk}/theme"
    assert c.get(url).json() == {
        "organisation_id": city.school.pk,
        "theme": "爱岗敬业先锋",
        "carriers": [],
        "is_default": True,
    }
    r = c.json("put", url, {"theme": "育人先锋", "carriers": ["党员示范岗"]})
    assert r.json()["is_default"] is False and r.json()["carriers"] == ["党员示范岗"]
    r = c.json("put", f"/api/campaigns/{active.pk}/orgs/{city.village.pk}/theme", {"theme": "x"})
    assert r.status_code == 404
    r = c.json(
        "put",
        f"/api/campaigns/{active.pk}/orgs/{city.school.pk}/group",
        {"rows": [{"name": "张书记", "position": "head"}, {"name": "李", "position": "boss"}]},
    )
    assert r.status_code == 422 and r.json()["field"] == "position"
    r = c.json(
        "put",
        f"/api/campaigns/{active.pk}/orgs/{city.school.pk}/group",
        {
            "rows": [
                {"name": "张书记", "position": "head"},
                {"position": "member", "member_id": city.teacher.pk},
            ]
        },
    )
    assert [row["name"] for row in r.json()] == ["张书记", "林老师"]


def test_pairings(city, active, api):
    c = api(city.office)
    r = c.json(
        "post",
        f"/api/campaigns/{active.pk}/pairings",
        {"helper_id": city.school.pk, "helped_id": city.village.pk, "kind": "fixed_contact", "goal": "共建"},
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    r = api(city.town_secretary).json(
        "post", f"/api/pairings/{pid}/notes", {"date": "2010-05-01", "text": "x"}
    )
    assert r.status_code == 422  # before the pairing started (today)
    r = c.get(f"/api/campaigns/{active.pk}/pairings?kind=fixed_contact")
    assert [p["helped_name"] for p in r.json()] == ["八一村党支部"]
    assert c.get(f"/api/campaigns/{active.pk}/pairings?kind=one_to_one").json() == []
    r = api(city.secretary).json(
        "post",
        f"/api/campaigns/{active.pk}/pairings",
        {"helper_id": city.school.pk, "helped_id": city.district.pk, "kind": "one_to_one"},
    )
    assert r.status_code == 403
