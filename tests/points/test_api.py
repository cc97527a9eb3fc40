"""The points API: the member's main path end to end, and bad input answered with a 4xx naming the field."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pacesetter.points.models import PointClaim, PointEntry, PointRule

from .conftest import TODAY, attended_meeting, fulfilled_commitment, png_bytes


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_member_path_through_the_api(city, camp, period, rules, client_for):
    office, member, secretary = (
        client_for(city.office),
        client_for(city.member_user),
        client_for(city.secretary),
    )
    attended_meeting(city)
    fulfilled_commitment(city, camp)
    r = office.post(f"/api/point-periods/{period.pk}/sweep")
    assert r.status_code == 200 and r.json() == {"written": 2}
    account = member.get("/api/point-account").json()
    assert account["total"] == 7
    assert sorted(e["event_type"] for e in account["entries"]) == ["commitment_fulfilled", "meeting_attended"]
    r = member.post(
        "/api/point-claims",
        {
            "rule_id": rules["service"].pk,
            "text": "义务理发",
            "occurred_on": TODAY.isoformat(),
            "evidence": SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"),
        },
    )
    assert r.status_code == 201, r.content
    claim = r.json()
    assert (claim["status"], claim["has_evidence"]) == ("submitted", True)
    assert [c["id"] for c in secretary.get("/api/point-claims?status=submitted").json()] == [claim["id"]]
    r = post(secretary, f"/api/point-claims/{claim['id']}/transitions", {"action": "approve"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert member.get("/api/point-account").json()["total"] == 10
    standing = member.get(f"/api/point-standings/members?org_id={city.school.pk}").json()
    assert (standing["sample"], standing["rows"][0]["points"], standing["rows"][0]["rank"]) == (1, 10, 1)
    orgs = office.get(f"/api/point-standings/orgs?org_id={city.city.pk}&depth={city.school.depth}").json()
    assert orgs["sample"] == 2 and orgs["rows"][0]["organisation_id"] == city.school.pk


def test_rules_through_the_api_refuse_bad_input(city, period, client_for):
    office = client_for(city.office)
    base = {
        "period_id": period.pk,
        "name": "服务",
        "event_type": "manual",
        "points": 3,
        "manual_by": "secretary",
    }
    for changes, field in (
        ({"points": "abc"}, "points"),
        ({"points": 10**30}, None),  # beyond an integer the schema accepts: a 422 either way
        ({"cap": "1"}, "cap"),
        ({"name": "x\u0000y"}, None),
        ({"event_type": "a/b"}, "event_type"),
    ):
        r = post(office, "/api/point-rules", {**base, **changes})
        assert r.status_code == 422, (changes, r.content)
        if field:
            assert r.json()["field"] == field
    assert PointRule.objects.count() == 0
    r = post(office, "/api/point-rules", base)
    assert r.status_code == 201
    pk = r.json()["id"]
    r = office.patch(f"/api/point-rules/{pk}", json.dumps({"cap": 9}), content_type="application/json")
    assert r.status_code == 200 and r.json()["cap"] == 9
    assert post(office, f"/api/point-rules/{pk}/transitions", {"action": "nonsense"}).status_code == 409


def test_award_api_refusals(city, period, rules, client_for):
    secretary = client_for(city.secretary)
    url = "/api/point-awards"
    data = {"rule_id": rules["service"].pk, "member_id": city.teacher.pk}
    assert post(secretary, url, {**data, "reason": ""}).json()["field"] == "reason"
    assert post(secretary, url, {**data, "reason": "x", "points": 99}).json()["field"] == "points"
    assert post(secretary, url, {**data, "member_id": 10**18, "reason": "x"}).status_code == 404
    assert post(secretary, url, {**data, "member_id": city.farmer.pk, "reason": "x"}).status_code == 404
    assert post(client_for(city.member_user), url, {**data, "reason": "x"}).status_code == 403
    assert PointEntry.objects.count() == 0
    assert post(secretary, url, {**data, "reason": "辅导"}).status_code == 201


@pytest.mark.parametrize(
    "query", ["org_id=1&depth=-1", "org_id=abc", "org_id=1&sector=moon", "org_id=1&depth=99"]
)
def test_org_standing_bad_query_is_422_or_404(city, period, client_for, query):
    r = client_for(city.office).get(f"/api/point-standings/orgs?{query}")
    assert r.status_code in (404, 422)


def test_claim_api_closed_period(city, period, rules, client_for):
    client_for(city.office).post(
        f"/api/point-periods/{period.pk}/transitions",
        json.dumps({"action": "close"}),
        content_type="application/json",
    )
    r = client_for(city.member_user).post("/api/point-claims", {"rule_id": rules["service"].pk, "text": "x"})
    assert r.status_code == 422 and r.json()["field"] == "rule"
    assert PointClaim.objects.count() == 0
