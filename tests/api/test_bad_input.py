"""Input of the wrong shape is a 422 naming what was wrong, never a 200 that ignored it and never a 500."""

import pytest
from django.test import Client

from pacesetter.api.urls import api as ninja_api
from pacesetter.core.services import token_create

JSON_BODY_OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in ninja_api.get_openapi_schema()["paths"].items()
    for method, operation in item.items()
    if "application/json" in operation.get("requestBody", {}).get("content", {})
)


@pytest.fixture
def office_client(city):
    _token, key = token_create(actor=city.office, name="bad-input")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.mark.parametrize("body", ["[null]", "false", '"text"', "1", "null"])
@pytest.mark.parametrize(("method", "path"), JSON_BODY_OPERATIONS)
def test_json_body_of_the_wrong_type_is_422(city, office_client, method, path, body):
    client = office_client
    if "guidance" in path:  # 行业指导点评 is the sector guide's alone (the office does not hold it)
        from tests.factories import make_sector_guide

        _token, key = token_create(actor=make_sector_guide(city), name="bad-input")
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = path.replace("{pk}", "1").replace("{org_id}", "1").replace("{", "").replace("}", "")
    r = client.generic(method, url, body, content_type="application/json")
    assert r.status_code == 422, (r.status_code, r.content[:300])
    assert r.json()["code"] == "validation_error"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("limit=-1", "limit", "“limit”无效：不能小于 1"),
        ("limit=0", "limit", "“limit”无效：不能小于 1"),
        ("limit=501", "limit", "“limit”无效：不能大于 500"),
        ("offset=-5", "offset", "“offset”无效：不能小于 0"),
        ("offset=100000000000000000000", "offset", "“offset”无效：不能大于 1000000"),
        ("limit=abc", "limit", "“limit”无效：应为整数"),
    ],
)
def test_paging_out_of_bounds_is_422_naming_the_parameter(office_client, query, field, message):
    r = office_client.get(f"/api/orgs?{query}")
    assert r.status_code == 422
    body = r.json()
    assert (body["code"], body["field"], body["message"]) == ("validation_error", field, message)


def test_paging_at_its_bounds_is_an_empty_page(office_client):
    r = office_client.get("/api/orgs?limit=500&offset=1000000")
    assert r.status_code == 200 and r.json() == []


def test_page_number_past_its_bound_is_422(city, client):
    r = client.get("/api/wall?page=100001")
    assert r.status_code == 422 and r.json()["field"] == "page"


@pytest.mark.parametrize("url", ["/api/wall?sector=%00", "/api/wall?sector=a%00b", "/api/orgs?q%00=1"])
def test_nul_in_an_api_query_string_is_422(office_client, url):
    r = office_client.get(url)
    assert r.status_code == 422
    assert r.json()["message"] == "请求中含有无法保存的控制字符（NUL），请删除后重试"


def test_nul_in_a_page_query_string_is_a_plain_400_page(city, client_for):
    r = client_for(city.office).get("/members/?q=%00")
    assert r.status_code == 400
    assert "请求中含有无法保存的控制字符（NUL），请删除后重试" in r.content.decode()


def test_body_that_is_not_json_is_422(office_client):
    r = office_client.generic("POST", "/api/orgs", b"{not json", content_type="application/json")
    assert r.status_code == 422
    assert r.json() == {"code": "validation_error", "message": "请求体不是有效的 JSON", "field": "body"}


def test_body_of_the_wrong_json_type_says_an_object_is_expected(office_client):
    r = office_client.generic("PATCH", "/api/orgs/1", "[null]", content_type="application/json")
    assert r.json() == {"code": "validation_error", "message": "请求体应为 JSON 对象（{…}）", "field": "body"}


def test_missing_body_field_is_422_naming_it(office_client, city):
    r = office_client.post("/api/orgs", {"parent_id": city.town.pk}, content_type="application/json")
    body = r.json()
    assert r.status_code == 422 and body["field"] == "name" and body["message"] == "“name”无效：必须提供"


@pytest.mark.parametrize("path", ["/api/cases", "/api/cases/triage", "/api/public/honours"])
def test_an_offset_past_what_a_database_can_address_is_422_on_every_list(office_client, path):
    # /api/cases?offset=27540804237393707008 was a server error (the fuzz run found it): every list's
    # offset is bounded by core.paging.offset_param.
    r = office_client.get(f"{path}?offset=27540804237393707008")
    assert r.status_code == 422
    assert r.json()["field"] == "offset"
