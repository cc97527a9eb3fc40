"""The district ranking's 评议参与率 and 举报按时办结率 (#14): values per child subtree, no data, query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pacesetter.assessment.selectors import district_ranking
from pacesetter.complaints import stats
from pacesetter.complaints.selectors import close_on_time_by_child
from pacesetter.evaluations.enums import GroupKind, GroupMode, RoundKind, RoundStatus, Scale, Subject
from pacesetter.evaluations.models import BallotCode, MemberParticipation, RaterGroup, Round, RoundTarget
from pacesetter.evaluations.results import turnout_by_child
from tests.factories import make_member, make_org, make_user

from .conftest import START, TODAY


def add_round(campaign, org, *, status=RoundStatus.CLOSED, codes=(0, 0), name="群众评议"):
    """A round organised by `org` with one code group: codes = (spent, issued)."""
    now = timezone.now()
    r = Round.objects.create(
        name=f"{org.name}{name}",
        organisation=org,
        campaign=campaign,
        kind=RoundKind.PUBLIC_REVIEW,
        subject=Subject.ORGANISATION,
        scale=Scale.SATISFACTION,
        opens_at=now - datetime.timedelta(days=20),
        closes_at=now - datetime.timedelta(days=5),
        status=status,
    )
    g = RaterGroup.objects.create(round=r, name="群众", kind=GroupKind.PUBLIC, weight=100)
    spent, issued = codes
    BallotCode.objects.bulk_create(
        BallotCode(round=r, group=g, code_hash=f"{r.pk}-{i}", spent=i < spent) for i in range(issued)
    )
    return r


def add_cases(org, *, in_time: int, late: int, received=0, month=None):
    month = (month or TODAY).replace(day=1)
    stats.add(
        month,
        org.path,
        {"received": received or in_time + late, "close_in_time": in_time, "close_late": late},
    )


def by_org(rows):
    return {r["org"].pk: r for r in rows}


def test_turnout_counts_codes_and_members_of_closed_rounds(city, campaign):
    add_round(campaign, city.school, codes=(3, 10))  # under 城厢区委
    add_round(campaign, city.district, codes=(1, 10))
    add_round(campaign, city.school, status=RoundStatus.OPEN, codes=(10, 10))  # open: not counted
    add_round(campaign, city.city, codes=(10, 10))  # the parent's own round: no child's
    # A member group in the town: the village's two members with accounts are eligible, one took part.
    r = add_round(campaign, city.town, codes=(0, 0))
    g = RaterGroup.objects.create(
        round=r, name="党员", kind=GroupKind.MEMBERS, weight=50, mode=GroupMode.MEMBERS
    )
    voter = make_user("villager", org=city.village)
    city.farmer.user = voter
    city.farmer.save()
    other = make_member(city.village, "李大姐")
    other.user = make_user("villager2", org=city.village)
    other.save()
    target = RoundTarget.objects.create(
        round=r, organisation=city.village, name="八一村党支部", sector="village"
    )
    target2 = RoundTarget.objects.create(round=r, organisation=city.town, name="和林镇党委", sector="agency")
    MemberParticipation.objects.create(round=r, group=g, voter=voter, target=target)
    MemberParticipation.objects.create(round=r, group=g, voter=voter, target=target2)  # one member, once

    assert turnout_by_child(campaign, city.city) == {city.district.pk: (4, 20), city.town.pk: (1, 2)}
    values = by_org(district_ranking(campaign=campaign, org=city.city))
    assert values[city.district.pk]["values"]["turnout"] == 20.0
    assert values[city.town.pk]["values"]["turnout"] == 50.0


def test_turnout_no_closed_round_is_no_data(city, campaign):
    add_round(campaign, city.school, codes=(3, 4))
    add_round(campaign, city.village, status=RoundStatus.OPEN, codes=(3, 4))
    assert turnout_by_child(campaign, city.city) == {city.district.pk: (3, 4)}
    rows = by_org(district_ranking(campaign=campaign, org=city.city))
    assert rows[city.district.pk]["values"]["turnout"] == 75.0
    assert rows[city.town.pk]["values"]["turnout"] is None
    # Left out of the town's mean: its other indicators alone decide its score.
    town = rows[city.town.pk]
    present = [v for v in town["values"].values() if v is not None]
    assert town["score"] == round(sum(present) / len(present), 1)


def test_reports_closed_on_time_per_child_in_the_campaign_period(city, campaign):
    add_cases(city.school, in_time=3, late=1)
    add_cases(city.district, in_time=1, late=0, received=2)  # one still open, before its deadline
    add_cases(city.village, in_time=0, late=2)
    add_cases(
        city.village, in_time=5, late=0, month=START - datetime.timedelta(days=40)
    )  # before the campaign
    add_cases(city.city, in_time=0, late=9)  # the city's own cases are no child's

    got = close_on_time_by_child(city.city, campaign.starts_on, campaign.ends_on)
    assert got == {city.district.pk: (4, 5), city.town.pk: (0, 2)}
    rows = by_org(district_ranking(campaign=campaign, org=city.city))
    assert rows[city.district.pk]["values"]["reports"] == 80.0
    assert rows[city.town.pk]["values"]["reports"] == 0.0


def test_reports_without_cases_due_is_no_data(city, campaign):
    add_cases(city.school, in_time=0, late=0, received=3)  # received, none due yet
    assert close_on_time_by_child(city.city, campaign.starts_on, campaign.ends_on) == {}
    rows = district_ranking(campaign=campaign, org=city.city)
    assert [r["values"]["reports"] for r in rows] == [None, None]


def test_both_indicators_on_the_page_and_in_the_api(city, campaign, client_for):
    add_round(campaign, city.school, codes=(1, 4))
    add_cases(city.village, in_time=1, late=1)
    c = client_for(city.office)
    page = c.get(f"/assessment/districts/?campaign={campaign.pk}").content.decode()
    assert "评议参与率" in page and "举报按时办结" in page
    assert 'data-testid="district-col-turnout"' in page and 'data-testid="district-notes"' in page
    assert "复核申请" in page  # the footnote: the rollup counts every case kind
    body = c.get(f"/api/assessment/districts?campaign={campaign.pk}").json()
    values = {r["organisation_id"]: r["values"] for r in body}
    assert values[city.district.pk]["turnout"] == 25.0 and values[city.district.pk]["reports"] is None
    assert values[city.town.pk]["turnout"] is None and values[city.town.pk]["reports"] == 50.0


@pytest.mark.parametrize("n", [6])
def test_district_ranking_query_count_is_fixed(city, campaign, django_assert_num_queries, n):
    add_round(campaign, city.school, codes=(1, 2))
    add_cases(city.village, in_time=1, late=0)
    with CaptureQueriesContext(connection) as two:
        assert len(district_ranking(campaign=campaign, org=city.city)) == 2
    for i in range(n - 2):
        child = make_org(f"新区{i}委", city.city)
        add_round(campaign, make_org(f"新区{i}支部", child), codes=(1, 2), name=f"评议{i}")
        add_cases(child, in_time=1, late=1)
    with django_assert_num_queries(len(two.captured_queries)):
        rows = district_ranking(campaign=campaign, org=city.city)
    assert len(rows) == n
    assert sum(r["values"]["turnout"] is not None for r in rows) == n - 1
