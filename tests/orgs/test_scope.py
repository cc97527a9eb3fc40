"""A role covers its organisation's subtree and nothing else, on pages and through the API."""

import pytest

from pacesetter.core.services import token_create
from pacesetter.orgs.enums import Role
from pacesetter.orgs.services import role_grant
from tests.factories import make_user


def test_secretary_of_district_cannot_open_town_member_page(city, client_for):
    c = client_for(city.secretary)
    assert c.get(f"/members/{city.teacher.pk}/").status_code == 200
    response = c.get(f"/members/{city.farmer.pk}/")
    assert response.status_code == 404
    assert "王大伯" not in response.content.decode()


def test_secretary_member_list_excludes_other_subtree(city, client_for):
    html = client_for(city.secretary).get("/members/").content.decode()
    assert "林老师" in html
    assert "王大伯" not in html


def test_secretary_cannot_filter_list_by_foreign_org(city, client_for):
    assert client_for(city.secretary).get(f"/members/?org={city.town.pk}").status_code == 404


def test_secretary_api_denied_other_subtree(city, client):
    _token, key = token_create(actor=city.secretary, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(f"/api/members/{city.farmer.pk}", **auth).status_code == 404
    names = [m["name"] for m in client.get("/api/members?limit=500", **auth).json()]
    assert names == ["林老师"]
    assert client.get(f"/api/orgs/{city.town.pk}", **auth).status_code == 404
    orgs = {o["name"] for o in client.get("/api/orgs", **auth).json()}
    assert orgs == {"城厢区委", "城厢区实验小学党支部"}


def test_union_of_roles(city, client_for):
    role_grant(actor=city.office, user=city.secretary, role=Role.LEADER, organisation=city.town)
    html = client_for(city.secretary).get("/members/").content.decode()
    assert "林老师" in html and "王大伯" in html


def test_leader_sees_members_masked_secretary_may_reveal(city, client_for):
    leader_html = client_for(city.leader).get(f"/members/{city.teacher.pk}/").content.decode()
    assert "139****5678" in leader_html
    assert city.teacher.id_number not in leader_html
    assert city.teacher.id_number_masked in leader_html
    secretary_html = client_for(city.secretary).get(f"/members/{city.teacher.pk}/").content.decode()
    # 身份证号 masked by default even for person.pii, revealed per field (tests/orgs/test_pages.py)
    assert city.teacher.id_number not in secretary_html and city.teacher.id_number_masked in secretary_html
    assert f"/members/{city.teacher.pk}/reveal/id_number/" in secretary_html
    assert "13912345678" in secretary_html


def test_member_sees_own_record_masked_but_not_list(city, client_for):
    c = client_for(city.member_user)
    page = c.get(f"/members/{city.teacher.pk}/").content.decode()
    assert city.teacher.id_number not in page and city.teacher.id_number_masked in page
    assert "/reveal/" not in page  # revealing is for a role with the personal-data capability
    assert c.post(f"/members/{city.teacher.pk}/reveal/id_number/").status_code == 403
    assert c.get("/members/").status_code == 403


def test_api_masks_pii_for_leader(city, client):
    _token, key = token_create(actor=city.leader, name="t")
    data = client.get(f"/api/members/{city.teacher.pk}", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert data["phone"] == "139****5678"
    assert data["id_number"] == city.teacher.id_number_masked


def test_invalid_token_is_refused(db, client):
    response = client.get("/api/me", HTTP_AUTHORIZATION="Bearer ps_nonsense")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_token_of_outsider_sees_nothing(city, client):
    _token, key = token_create(actor=city.outsider, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/me", **auth).json()["roles"] == []
    assert client.get("/api/orgs", **auth).status_code == 403


@pytest.mark.parametrize("username", ["office", "inspector"])
def test_office_and_inspector_see_everything_below_city(city, client_for, username):
    user = getattr(city, username)
    html = client_for(user).get("/members/").content.decode()
    assert "林老师" in html and "王大伯" in html


def test_revoked_grant_loses_access(city, client_for):
    from pacesetter.orgs.models import RoleGrant
    from pacesetter.orgs.services import role_revoke

    role_revoke(actor=city.office, grant=RoleGrant.objects.get(user=city.secretary))
    assert client_for(city.secretary).get(f"/members/{city.teacher.pk}/").status_code == 404


def test_user_without_role_gets_clear_403(db, client_for):
    user = make_user("nobody")
    response = client_for(user).get("/orgs/")
    assert response.status_code == 403
    assert "您没有权限访问此页面" in response.content.decode()
