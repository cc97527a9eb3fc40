"""The JSON API: token authentication, the same services and scope as the pages, clear errors."""

import json

import pytest
from django.test import Client

from pacesetter.core.models import AuditEntry
from pacesetter.core.services import token_create
from pacesetter.orgs.models import Organisation
from tests.factories import make_id_number


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


def test_openapi_document_is_public(db, client):
    spec = client.get("/api/openapi.json").json()
    assert "/api/orgs" in spec["paths"] and "/api/members" in spec["paths"]
    assert client.get("/api/docs").status_code == 200


def test_me(city, api):
    data = api(city.secretary).get("/api/me").json()
    assert data["roles"] == ["secretary"] and "person.pii" in data["capabilities"]


def test_create_update_move_deactivate_org(city, api):
    c = api(city.office)
    r = c.json(
        "post",
        "/api/orgs",
        {"parent_id": city.town.pk, "name": "富民村党支部", "org_type": "branch", "sector": "village"},
    )
    assert r.status_code == 201, r.content
    org_id = r.json()["id"]
    r = c.json("patch", f"/api/orgs/{org_id}", {"name": "富民村党总支", "org_type": "general_branch"})
    assert r.json()["name"] == "富民村党总支" and r.json()["org_type"] == "general_branch"
    r = c.json("post", f"/api/orgs/{org_id}/move", {"new_parent_id": city.district.pk})
    assert r.json()["parent_id"] == city.district.pk
    r = c.json("post", f"/api/orgs/{org_id}/deactivate")
    assert r.json()["is_active"] is False
    actions = list(
        AuditEntry.objects.filter(object_id=str(org_id)).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["org.create", "org.update", "org.move", "org.deactivate"]


def test_bad_input_gets_422_with_message_and_changes_nothing(city, api):
    c = api(city.office)
    before = Organisation.objects.count()
    r = c.json(
        "post",
        "/api/orgs",
        {"parent_id": city.school.pk, "name": "x", "org_type": "branch", "sector": "school"},
    )
    assert r.status_code == 422
    assert r.json() == {"code": "validation_error", "message": "党支部下不能再设下级组织", "field": "parent"}
    r = c.json(
        "post",
        "/api/orgs",
        {"parent_id": city.town.pk, "name": "y", "org_type": "nonsense", "sector": "village"},
    )
    assert r.status_code == 422 and r.json()["field"] == "org_type"
    assert Organisation.objects.count() == before


def test_state_error_is_409(city, api):
    r = api(city.office).json("post", f"/api/orgs/{city.village.pk}/deactivate")
    assert r.status_code == 409
    assert "在册党员" in r.json()["message"]


def test_secretary_cannot_create_org_via_api(city, api):
    r = api(city.secretary).json(
        "post",
        "/api/orgs",
        {"parent_id": city.district.pk, "name": "z", "org_type": "branch", "sector": "school"},
    )
    assert r.status_code == 403


def test_member_create_via_api_by_secretary_in_scope_only(city, api):
    c = api(city.secretary)
    payload = {
        "name": "周强",
        "gender": "M",
        "birth_date": "1980-05-17",
        "organisation_id": city.school.pk,
        "id_number": make_id_number(),
        "phone": "13512345678",
    }
    r = c.json("post", "/api/members", payload)
    assert r.status_code == 201, r.content
    assert r.json()["phone"] == "13512345678"  # the secretary may see it in clear
    payload.update(organisation_id=city.village.pk, id_number=make_id_number())
    assert c.json("post", "/api/members", payload).status_code == 404


def test_grant_via_api(city, api):
    c = api(city.office)
    r = c.json(
        "post", "/api/grants", {"username": "outsider", "role": "leader", "organisation_id": city.town.pk}
    )
    assert r.status_code == 201
    assert api(city.outsider).get("/api/me").json()["roles"] == ["leader"]
    r = c.json(
        "post", "/api/grants", {"username": "ghost", "role": "leader", "organisation_id": city.town.pk}
    )
    assert r.status_code == 422 and "ghost" in r.json()["message"]


def test_session_post_requires_csrf(city):
    c = Client(enforce_csrf_checks=True)
    c.force_login(city.office)
    r = c.post(
        "/api/orgs",
        json.dumps({"parent_id": city.town.pk, "name": "n", "org_type": "branch", "sector": "village"}),
        content_type="application/json",
    )
    assert r.status_code in (401, 403)
    assert not Organisation.objects.filter(name="n").exists()


def test_audit_api_masks_pii(city, api):
    r = api(city.office).get(f"/api/audit?object_type=orgs.member&object_id={city.teacher.pk}")
    assert r.status_code == 200
    assert city.teacher.id_number not in r.content.decode()


def test_nul_character_in_json_is_refused_before_the_database(city, api):
    r = api(city.office).json(
        "post",
        "/api/orgs",
        {"parent_id": city.town.pk, "name": "坏\x00名字", "org_type": "branch", "sector": "village"},
    )
    assert r.status_code == 422 and "控制字符" in r.json()["message"]
    assert not Organisation.objects.filter(name__startswith="坏").exists()


def test_member_id_number_masked_by_default_and_revealed_with_audit(city, client_for):
    from pacesetter.core.models import AuditEntry

    c = client_for(city.secretary)
    body = c.get(f"/api/members/{city.teacher.pk}").json()
    assert body["id_number"] == city.teacher.id_number_masked and body["phone"] == "13912345678"
    assert city.teacher.id_number not in c.get("/api/members").content.decode()
    body = c.get(f"/api/members/{city.teacher.pk}?reveal=id_number").json()
    assert body["id_number"] == city.teacher.id_number
    assert AuditEntry.objects.filter(action="pii.reveal", object_id=str(city.teacher.pk)).count() == 1
    assert client_for(city.leader).get(f"/api/members/{city.teacher.pk}?reveal=id_number").status_code == 403
