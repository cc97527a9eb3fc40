"""复核 requests (a case of the case engine, within 5 working days) and the district ranking."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.assessment import services
from pacesetter.assessment.models import Score
from pacesetter.assessment.selectors import district_ranking
from pacesetter.complaints.enums import CaseKind
from pacesetter.complaints.models import Case
from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.core.workdays import add_working_days

from .conftest import add_commitments, add_records, compute, org_scheme


@pytest.fixture
def published(city, campaign):
    add_commitments(campaign, city.school, on_time=3, late=1)
    add_records(city.school, checked=4, unchecked=1)
    sc = compute(city, org_scheme(city, campaign))
    services.scorecard_publish(actor=city.office, scorecard=sc)
    return Score.objects.get(scorecard=sc, organisation=city.school)


def test_the_assessed_secretary_requests_review_as_a_case(city, published):
    with pytest.raises(PermissionDeniedError):  # the district assessed the school: it does not ask
        services.review_request(actor=city.secretary, score=published, text="请复核")
    with pytest.raises(ValidationError) as exc:
        services.review_request(actor=city.school_secretary, score=published, text=" ")
    assert exc.value.field == "text"
    case = services.review_request(
        actor=city.school_secretary, score=published, text="承诺逾期系客观原因，已提交延期审批材料"
    )
    assert (case.kind, case.owner_id, case.source_id) == (
        CaseKind.REVIEW_REQUEST,
        city.district.pk,
        str(published.pk),
    )
    with pytest.raises(StateError):
        services.review_request(actor=city.school_secretary, score=published, text="再次申请")
    assert Case.objects.filter(kind=CaseKind.REVIEW_REQUEST).count() == 1


def test_review_refused_after_five_working_days(city, published):
    deadline = services.review_deadline(published)
    assert deadline == add_working_days(timezone.localdate(published.scorecard.published_at), 5)
    with pytest.raises(StateError) as exc:
        services.review_request(
            actor=city.school_secretary,
            score=published,
            text="x",
            today=deadline + datetime.timedelta(days=1),
        )
    assert deadline.isoformat() in exc.value.message
    assert not Case.objects.exists()


def test_review_page(city, published, client_for):
    c = client_for(city.school_secretary)
    assert 'data-testid="review-form"' in c.get(f"/assessment/scores/{published.pk}/").content.decode()
    r = c.post(
        f"/assessment/scores/{published.pk}/review/", {"text": "承诺逾期系客观原因，已提交延期审批材料"}
    )
    assert r.status_code == 302
    assert Case.objects.filter(kind=CaseKind.REVIEW_REQUEST).count() == 1


def test_district_ranking_ranks_children_with_ties(city, campaign, client_for):
    rows = district_ranking(campaign=campaign, org=city.city)
    # Nothing done anywhere yet: both children tie.
    assert [(r["org"].pk, r["rank"]) for r in rows] == [(city.district.pk, 1), (city.town.pk, 1)]
    # The school (under 城厢区委) logs a record: half of 城厢区委's two organisations have records.
    add_records(city.school, checked=1, unchecked=0, campaign=campaign)
    rows = district_ranking(campaign=campaign, org=city.city)
    assert [(r["org"].pk, r["rank"]) for r in rows] == [(city.district.pk, 1), (city.town.pk, 2)]
    assert rows[0]["values"]["records"] == 50.0 and rows[1]["values"]["records"] == 0.0
    page = client_for(city.office).get(f"/assessment/districts/?campaign={campaign.pk}").content.decode()
    assert "城厢区委" in page and "和林镇党委" in page
