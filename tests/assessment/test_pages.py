"""Assessment pages and API: the office sets up, computes, adjusts with a reason, publishes; who sees what."""

import json

from django.test import Client

from pacesetter.assessment.models import Scheme, Score
from pacesetter.core.services import token_create

from .conftest import END, START, add_commitments, add_records, compute, org_scheme


def _post_scheme(c, campaign, **over):
    data = {
        "campaign": campaign.pk,
        "name": "2026年度基层党组织考核",
        "period_start": START.isoformat(),
        "period_end": END.isoformat(),
        "line_good": "90",
        "line_fairly_good": "75",
        "line_fair": "60",
    }
    from pacesetter.assessment.sources import sources_for

    for src in sources_for("org"):
        data[f"weight_{src.key}"] = "0"
        data[f"min_{src.key}"] = "1"
    data["weight_commitments_on_time"] = "60"
    data["weight_records_checked"] = "40"
    data.update(over)
    return c.post("/assessment/new/?subject=org", data)


def test_office_creates_scheme_bad_weights_shown_on_form(city, campaign, client_for):
    c = client_for(city.office)
    r = _post_scheme(c, campaign, weight_records_checked="30")
    assert r.status_code == 200
    assert "权重之和必须为 100，现为 90" in r.content.decode()
    assert Scheme.objects.count() == 0
    r = _post_scheme(c, campaign)
    scheme = Scheme.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/assessment/{scheme.pk}/"
    assert {s.key: s.weight for s in scheme.sources.all()} == {
        "commitments_on_time": 60,
        "records_checked": 40,
    }
    page = c.get(f"/assessment/{scheme.pk}/").content.decode()
    assert 'data-testid="scheme-compute"' in page


def test_secretary_cannot_create_schemes(city, campaign, client_for):
    assert client_for(city.secretary).get("/assessment/new/").status_code == 403


def test_scorecard_page_adjust_publish_and_secretary_view(city, campaign, client_for):
    add_commitments(campaign, city.school, on_time=3, late=1)
    add_records(city.school, checked=4, unchecked=1)
    scheme = org_scheme(city, campaign)
    sc = compute(city, scheme)
    school = Score.objects.get(scorecard=sc, organisation=city.school)
    office = client_for(city.office)
    page = office.get(f"/assessment/scorecards/{sc.pk}/").content.decode()
    assert 'data-testid="scorecard-publish"' in page and "77.00" in page
    # The unpublished scorecard is the office's (and the assessing organisation's) only.
    assert client_for(city.school_secretary).get(f"/assessment/scorecards/{sc.pk}/").status_code == 404
    r = office.post(f"/assessment/scores/{school.pk}/adjust/", {"grade": "good", "reason": ""})
    assert r.status_code == 200 and "请填写调整理由" in r.content.decode()
    r = office.post(f"/assessment/scores/{school.pk}/adjust/", {"grade": "good", "reason": "获省级表彰"})
    assert r.status_code == 302
    office.post(f"/assessment/scorecards/{sc.pk}/publish/")
    sc.refresh_from_db()
    assert sc.status == "published"
    # The branch secretary sees the branch's scorecard with the evidence and the adjustment.
    sec = client_for(city.school_secretary)
    page = sec.get(f"/assessment/scores/{school.pk}/").content.decode()
    assert "获省级表彰" in page and 'data-testid="evidence-link"' in page and "已调整" in page
    assert 'data-testid="adjust-form"' not in page
    # ... but not the village's.
    village = Score.objects.get(scorecard=sc, organisation=city.village)
    assert sec.get(f"/assessment/scores/{village.pk}/").status_code == 404
    # Published organisation grades are on the public notice board.
    public = Client().get(f"/p/orgs/{city.school.pk}/").content.decode()
    assert "2026年度基层党组织考核" in public and "好" in public
    r = office.get(f"/assessment/scorecards/{sc.pk}/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_api_scorecard_adjust_and_score(city, campaign):
    add_commitments(campaign, city.school, on_time=3, late=1)
    add_records(city.school, checked=4, unchecked=1)
    scheme = org_scheme(city, campaign)
    sc = compute(city, scheme)
    school = Score.objects.get(scorecard=sc, organisation=city.school)
    _t, key = token_create(actor=city.office, name="t")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = c.get(f"/api/assessment/scorecards/{sc.pk}").json()
    assert body["status"] == "computed"
    assert {s["organisation_id"]: s["total"] for s in body["scores"]}[city.school.pk] == "77.00"
    r = c.post(
        f"/api/assessment/scores/{school.pk}/adjust",
        json.dumps({"grade": "good", "reason": ""}),
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = c.post(
        f"/api/assessment/scores/{school.pk}/adjust",
        json.dumps({"grade": "good", "reason": "获省级表彰"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["adjusted"] is True
    assert c.post(f"/api/assessment/scorecards/{sc.pk}/publish").json()["status"] == "published"
    ev = c.get(f"/api/assessment/scores/{school.pk}").json()["evidence"]
    assert [e["key"] for e in ev] == ["commitments_on_time", "records_checked"]
    assert [s["id"] for s in c.get("/api/assessment/schemes").json()] == [scheme.pk]
