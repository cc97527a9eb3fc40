"""Paging of the organisation standing: ranks over the whole sample, a tie across the page boundary, bad pages."""

import pytest
from django.urls import reverse

from pacesetter.orgs.enums import OrgType, Sector
from pacesetter.orgs.models import Organisation
from pacesetter.points import selectors
from pacesetter.points.models import PointOrgTotal
from tests.factories import make_org


@pytest.fixture
def branches(city, period):
    """103 more branches under 城厢区委 (104 with the school): 支部000–098 at 1000−i points per member
    (ranks 1–99), 支部099 and 支部100 tied at 500 (rank 100, across the boundary of a 100-row page), 支部101
    at 400 (rank 102), then 支部102 and the school at 0 (rank 103)."""
    orgs = [make_org(f"支部{i:03d}", city.district, OrgType.BRANCH, Sector.SCHOOL) for i in range(103)]
    Organisation.objects.filter(pk__in=[o.pk for o in orgs]).update(member_count=1)
    points = [1000 - i for i in range(99)] + [500, 500, 400, 0]
    PointOrgTotal.objects.bulk_create(
        PointOrgTotal(period=period, organisation=o, total=p) for o, p in zip(orgs, points, strict=True)
    )
    return orgs


def test_second_page_continues_the_ranks_and_keeps_a_tie(city, period, branches):
    first = selectors.org_standing(city.district, period, limit=100)
    assert [(r.name, r.rank, r.tied) for r in first.rows[98:]] == [
        ("支部098", 99, False),
        ("支部099", 100, True),
    ]
    second = selectors.org_standing(city.district, period, limit=100, offset=100)
    assert [(r.name, r.rank, r.tied, r.per_member) for r in second.rows] == [
        ("支部100", 100, True, 500.0),
        ("支部101", 102, False, 400.0),
        ("城厢区实验小学党支部", 103, True, 0.0),
        ("支部102", 103, True, 0.0),
    ]
    assert (second.sample, second.ties) == (104, 3)
    assert selectors.org_standing(city.district, period, limit=100, offset=500).rows == []


def _page(client, city, query):
    r = client.get(f"{reverse('points:org-standing', args=[city.district.pk])}?{query}")
    assert r.status_code == 200
    return r.context["page"], [(row.rank, row.name) for row in r.context["standing"].rows]


def test_standing_page_two_shows_rank_101_on(city, period, branches, client_for):
    office = client_for(city.office)
    page, rows = _page(office, city, "page=2")
    assert (page.number, page.has_previous, page.has_next) == (2, True, False)
    assert rows[:2] == [(100, "支部100"), (102, "支部101")]
    first, rows = _page(office, city, "")
    assert (first.number, first.has_next, len(rows), rows[0]) == (1, True, 100, (1, "支部000"))
    html = office.get(
        f"{reverse('points:org-standing', args=[city.district.pk])}?sector=school"
    ).content.decode()
    assert 'href="?sector=school&amp;page=2" data-testid="next-page"' in html


@pytest.mark.parametrize(
    ("query", "number"),
    [("page=abc", 1), ("page=0", 1), ("page=-3", 1), ("page=3", 2), ("page=99999999999999999999", 2)],
)
def test_bad_standing_page_reads_first_or_last(city, period, branches, client_for, query, number):
    page, rows = _page(client_for(city.office), city, query)
    assert page.number == number
    assert rows[0] == ((1, "支部000") if number == 1 else (100, "支部100"))


def test_api_standing_pages_with_limit_and_offset(city, period, branches, client_for):
    office = client_for(city.office)
    url = f"/api/point-standings/orgs?org_id={city.district.pk}"
    body = office.get(f"{url}&limit=2&offset=99").json()
    assert [(r["name"], r["rank"], r["tied"]) for r in body["rows"]] == [
        ("支部099", 100, True),
        ("支部100", 100, True),
    ]
    assert body["sample"] == 104
    for bad in ("limit=0", "limit=1001", "offset=-1", "offset=1000001", "limit=abc"):
        r = office.get(f"{url}&{bad}")
        assert r.status_code == 422, bad
        assert r.json()["field"] == bad.split("=")[0]


def test_a_standing_page_is_two_queries(city, period, branches, django_assert_num_queries):
    # The sample's count and the ranked page, however deep the page.
    with django_assert_num_queries(2):
        s = selectors.org_standing(city.district, period, limit=100, offset=100)
    assert len(s.rows) == 4
