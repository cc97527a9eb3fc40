import datetime as dt

from pacesetter.supervision.models import Review
from tests.supervision.test_rectification import issue


def test_api_review_flow(sup, client_for):
    leader = client_for(sup.leader)
    r = leader.post(
        "/api/supervision/reviews",
        {
            "organisation_id": sup.school.pk,
            "achievements": "好",
            "problems": "差距",
            "direction": "方向",
            "rating": "good",
            "remarks": [{"commitment_id": sup.commitment.pk, "remark": "抓紧", "flagged": True}],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["items"] == [
        {
            "commitment_id": sup.commitment.pk,
            "title": sup.commitment.title,
            "progress": 40,
            "remark": "抓紧",
            "flagged": True,
        }
    ]
    pk = body["id"]
    r = leader.post(
        "/api/supervision/rectifications",
        {"review_id": pk, "problem": "p", "measures_required": "m", "working_days": 5},
        content_type="application/json",
    )
    assert r.status_code == 201
    order_id = r.json()["id"]
    sec = client_for(sup.secretary)
    assert (
        sec.post(
            f"/api/supervision/reviews/{pk}/respond", {"text": "收到"}, content_type="application/json"
        ).json()["status"]
        == "responded"
    )
    assert (
        sec.post(
            f"/api/supervision/rectifications/{order_id}/report",
            {"text": "已改"},
            content_type="application/json",
        ).json()["status"]
        == "reported"
    )
    r = sec.post(
        f"/api/supervision/rectifications/{order_id}/verify",
        {"decision": "close"},
        content_type="application/json",
    )
    assert r.status_code == 403
    r = leader.post(
        f"/api/supervision/rectifications/{order_id}/verify",
        {"decision": "close"},
        content_type="application/json",
    )
    assert r.json()["status"] == "closed"
    r = leader.post(
        f"/api/supervision/rectifications/{order_id}/verify",
        {"decision": "close"},
        content_type="application/json",
    )
    assert r.status_code == 409
    assert (
        client_for(sup.town_secretary).get(f"/api/supervision/rectifications/{order_id}").status_code == 404
    )
    r = client_for(sup.leader).post(
        "/api/supervision/reviews",
        {
            "organisation_id": sup.village.pk,
            "achievements": "a",
            "problems": "b",
            "direction": "c",
            "rating": "good",
        },
        content_type="application/json",
    )
    assert r.status_code in (403, 404)
    assert (
        client_for(sup.leader).get("/api/supervision/liaisons?mine=true").json()[0]["organisation_id"]
        == sup.school.pk
    )


def test_api_draw_and_notice(sup, client_for):
    office = client_for(sup.office)
    r = office.post(
        "/api/supervision/draws",
        {"organisation_id": sup.city.pk, "title": "抽查", "n": 2, "public_value": "v"},
        content_type="application/json",
    )
    assert r.status_code == 201
    draw = r.json()
    public = client_for(None).get(f"/api/supervision/draws/{draw['id']}").json()
    assert public["chosen_ids"] == draw["chosen_ids"] and public["seed"] == draw["seed"]
    r = office.post(
        "/api/supervision/notices", {"organisation_id": sup.city.pk}, content_type="application/json"
    )
    assert r.status_code == 201
    nid = r.json()["id"]
    assert (
        office.patch(
            f"/api/supervision/notices/{nid}", {"title": "新标题"}, content_type="application/json"
        ).json()["title"]
        == "新标题"
    )
    assert office.post(f"/api/supervision/notices/{nid}/issue").json()["status"] == "issued"


def test_list_pages_have_fixed_query_counts_and_export(sup, client_for, django_assert_max_num_queries):
    for _ in range(3):
        issue(sup)
    client = client_for(sup.office)
    client.get("/supervision/rectifications/")  # warm session and grants
    with django_assert_max_num_queries(12):
        r = client.get("/supervision/rectifications/")
    assert r.status_code == 200 and r.content.decode().count("/supervision/rectifications/") >= 3
    for _ in range(3):
        issue(sup)
    with django_assert_max_num_queries(12):
        client.get("/supervision/rectifications/")
    with django_assert_max_num_queries(12):
        assert client.get("/supervision/reviews/").status_code == 200
    x = client.get("/supervision/rectifications/?status=open&export=xlsx")
    assert x["Content-Type"].startswith("application/vnd.openxmlformats") and x.content[:2] == b"PK"
    for url in (
        "/supervision/",
        "/supervision/liaisons/?export=xlsx",
        "/supervision/inspections/?export=xlsx",
        "/supervision/notices/?export=xlsx",
        "/supervision/draws/?export=xlsx",
        "/supervision/teams/?export=xlsx",
    ):
        assert client.get(url).status_code == 200, url


def test_review_pages_flow(sup, client_for):
    leader = client_for(sup.leader)
    assert leader.get(f"/supervision/reviews/orgs/{sup.village.pk}/new/").status_code == 404
    r = leader.post(
        f"/supervision/reviews/orgs/{sup.school.pk}/new/",
        {
            "achievements": "a",
            "problems": "b",
            "direction": "c",
            "rating": "good",
            f"remark_{sup.commitment.pk}": "慢",
            f"flag_{sup.commitment.pk}": "on",
        },
    )
    assert r.status_code == 302
    review = Review.objects.get()
    assert review.items.get().flagged is True
    r = leader.post(
        f"/supervision/reviews/{review.pk}/rectify/",
        {"problem": "p", "measures_required": "m", "working_days": 5},
    )
    assert r.status_code == 302
    assert client_for(sup.town_secretary).get(f"/supervision/reviews/{review.pk}/").status_code == 404
    assert dt.date.today()  # keep the import used
