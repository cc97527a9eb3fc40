"""The OpenAPI document describes what is sent: one name per schema, every refusal documented."""

from collections import defaultdict

import pydantic

from pacesetter.api.urls import api


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_schema_names_are_unique():
    # django-ninja names a component after its class, so two classes of one name describe one of them wrongly
    modules = defaultdict(set)
    for cls in _subclasses(pydantic.BaseModel):
        if cls.__module__.startswith("pacesetter."):
            modules[cls.__name__].add(cls.__module__)
    assert {name: sorted(m) for name, m in modules.items() if len(m) > 1} == {}


def _ok_schema(spec, path, status=200):
    ref = spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]["$ref"]
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_the_three_progress_bodies_are_documented_apart():
    spec = api.get_openapi_schema()
    assert set(_ok_schema(spec, "/api/progress")["properties"]) == {
        "campaign_id",
        "org_id",
        "org_name",
        "totals",
        "children",
        "sectors",
        "sector",  # the sector line the figures count (条块结合), "" for a whole subtree
    }
    assert set(_ok_schema(spec, "/api/plans/progress")["properties"]) == {
        "campaign_id",
        "root_id",
        "counts",
        "items",
    }
    entry = spec["paths"]["/api/commitments/{pk}/progress"]["get"]["responses"][200]["content"]
    assert (
        entry["application/json"]["schema"]["items"]["$ref"] == "#/components/schemas/CommitmentProgressOut"
    )


def test_refusals_are_documented_by_what_an_operation_has():
    paths = api.get_openapi_schema()["paths"]
    # 429 everywhere: an address that sent too many bad tokens is refused whatever it asks (core.lockouts)
    assert sorted(paths["/api/me"]["get"]["responses"]) == [200, 401, 403, 422, 429]
    assert sorted(paths["/api/orgs/{org_id}"]["patch"]["responses"]) == [200, 401, 403, 404, 409, 422, 429]
    assert sorted(paths["/api/ballots"]["post"]["responses"]) == [201, 401, 404, 409, 422, 429]
    assert sorted(paths["/api/wall"]["get"]["responses"]) == [200, 401, 404, 422, 429]
    ballots_429 = paths["/api/ballots"]["post"]["responses"][429]["description"]
    assert ballots_429 != paths["/api/me"]["get"]["responses"][429]["description"]
    error = paths["/api/me"]["get"]["responses"][403]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}


def test_a_route_own_refusal_body_is_kept_beside_the_shared_one():
    op = api.get_openapi_schema()["paths"]["/api/evaluations/rounds/{pk}/paper-import"]["post"]
    assert op["responses"][422]["content"]["application/json"]["schema"] == {
        "anyOf": [{"$ref": "#/components/schemas/PaperImportOut"}, {"$ref": "#/components/schemas/Error"}]
    }
    assert 429 in op["responses"]
    assert "x-pacesetter-rate-limited" not in op


def test_limit_and_offset_bounds_are_documented():
    params = {
        p["name"]: p["schema"] for p in api.get_openapi_schema()["paths"]["/api/orgs"]["get"]["parameters"]
    }
    assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, 500)
    assert (params["offset"]["minimum"], params["offset"]["maximum"]) == (0, 1_000_000)
