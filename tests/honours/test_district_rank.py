"""先进县(市、区)党委 candidates from the district ranking (#15): the `district_rank` rule refuses a nominee
outside the top N or without a rank, the category form's field, the 候选组织 card on the programme page."""

import datetime

import pytest
from django.utils import timezone

from pacesetter.campaigns import tallies
from pacesetter.core.errors import ValidationError
from pacesetter.honours import eligibility, services
from pacesetter.honours.enums import Rule, Subject
from pacesetter.honours.models import Category, Nomination
from pacesetter.records.models import ActivityRecord

from .conftest import DEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_cat(city, programme):
    """先进县(市、区)党委: organisations ranked first among their siblings."""
    return services.category_save(
        actor=city.office,
        programme=programme,
        name="先进县(市、区)党委",
        subject=Subject.ORGANISATION,
        quota=3,
        rules=[{"rule": Rule.DISTRICT_RANK, "top": 1}],
    )


def _record(org, campaign):
    ActivityRecord.objects.create(
        organisation=org,
        campaign=campaign,
        kind="study",
        title="学习",
        occurred_on=timezone.localdate() - datetime.timedelta(days=3),
        content="学习",
        check_status="checked",
    )
    tallies.rebuild()  # written past the services that keep the dashboard's counters


def _nominate(city, cat, org):
    return services.nomination_create(
        actor=city.office,
        category=cat,
        nominator=city.city,
        subject_org=org,
        summary="抓创先争优活动成绩显著，群众满意。",
        deed=DEED,
    )


def test_district_rank_nominee_in_the_top_n_is_eligible(city, programme, campaign, county_cat):
    # the school (under 城厢区委) logs a record: 城厢区委 50%, 和林镇党委 0% of their organisations
    _record(city.school, campaign)
    assert eligibility.district_rank(city.district, campaign=campaign) == 1
    n = _nominate(city, county_cat, city.district)
    assert n.subject_org == city.district and n.category == county_cat


def test_district_rank_nominee_outside_the_top_n_is_refused_with_its_rank(
    city, programme, campaign, county_cat
):
    _record(city.school, campaign)
    with pytest.raises(ValidationError) as e:
        _nominate(city, county_cat, city.town)
    assert e.value.field == "subject"
    assert str(e.value.message) == "不符合评选条件：在活动开展情况排名中列第 2 名，本类别要求前 1 名"
    assert not Nomination.objects.filter(category=county_cat).exists()


def test_district_rank_nominee_without_a_rank_is_refused(city, programme, campaign, county_cat):
    # the commending organisation itself has no siblings to be ranked among
    assert eligibility.district_rank(city.city, campaign=campaign) is None
    with pytest.raises(ValidationError) as e:
        _nominate(city, county_cat, city.city)
    assert "在活动开展情况排名中没有名次" in str(e.value.message) and "本类别要求前 1 名" in str(
        e.value.message
    )
    assert not Nomination.objects.filter(category=county_cat).exists()


@pytest.mark.parametrize(
    "rule",
    [
        {"rule": "district_rank"},
        {"rule": "district_rank", "top": 0},
        {"rule": "district_rank", "top": -3},
        {"rule": "district_rank", "top": 51},
        {"rule": "district_rank", "top": 10**30},
        {"rule": "district_rank", "top": "3"},
        {"rule": "district_rank", "top": True},
    ],
)
def test_district_rank_rule_parameter_out_of_range_is_refused(rule):
    with pytest.raises(ValidationError) as e:
        eligibility.validate_rules([rule], Subject.ORGANISATION)
    assert e.value.field == "rules" and "1 至 50" in str(e.value.message)


def test_district_rank_rule_is_for_collective_categories_only():
    with pytest.raises(ValidationError) as e:
        eligibility.validate_rules([{"rule": "district_rank", "top": 3}], Subject.MEMBER)
    assert "只适用于集体类别" in str(e.value.message)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("abc", "输入整数"),
        ("-1", "1"),
        ("0", "1"),
        ("51", "50"),
        ("99999999999999999999999999999", "50"),
        ("2.5", "输入整数"),
    ],
)
def test_district_rank_form_bad_input_is_a_field_error(city, programme, client_for, value, error):
    r = client_for(city.office).post(
        f"/honours/{programme.pk}/categories/",
        {"name": "先进县(市、区)党委", "subject": "org", "quota": "3", "district_top": value},
    )
    assert r.status_code == 422
    assert "district_top" in r.context["category_form"].errors
    assert error in str(r.context["category_form"].errors["district_top"])
    assert not Category.objects.filter(name="先进县(市、区)党委").exists()


def test_district_rank_form_refuses_it_on_a_member_category(city, programme, client_for):
    r = client_for(city.office).post(
        f"/honours/{programme.pk}/categories/",
        {"name": "优秀县委书记", "subject": "member", "quota": "3", "district_top": "3"},
    )
    assert r.status_code == 422
    assert "只适用于集体类别" in str(r.context["category_form"].errors["district_top"])


def test_district_rank_form_stores_the_rule_and_the_page_shows_the_candidates(
    city, programme, campaign, client_for
):
    _record(city.school, campaign)
    c = client_for(city.office)
    r = c.post(
        f"/honours/{programme.pk}/categories/",
        {"name": "先进县(市、区)党委", "subject": "org", "quota": "3", "district_top": "1"},
    )
    assert r.status_code == 302
    cat = Category.objects.get(programme=programme, name="先进县(市、区)党委")
    assert cat.rules == [{"rule": "district_rank", "top": 1}]
    page = c.get(f"/honours/{programme.pk}/").content.decode()
    card = page.split('data-testid="district-candidates"')[1].split("</table>")[0]
    assert "候选组织：先进县(市、区)党委" in card
    assert "<td>1</td><td>城厢区委</td><td>25.0</td>" in card
    assert "和林镇党委" not in card  # second: outside the top 1
    assert "在活动开展情况排名中列前 1 名。以下为示范市委所辖组织" in page


# ---------------------------------------------------------------- the same list through the API


def _api_get(user, url):
    from django.test import Client

    from pacesetter.core.services import token_create

    _token, key = token_create(actor=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(url)


def test_api_candidates_are_the_cards_list(city, programme, campaign, county_cat, client_for):
    _record(city.school, campaign)
    url = f"/api/honours/programmes/{programme.pk}/candidates?category={county_cat.pk}"
    r = _api_get(city.office, url)
    assert r.status_code == 200, r.content
    assert r.json() == [
        {"rank": 1, "organisation_id": city.district.pk, "organisation": "城厢区委", "score": 25.0}
    ]
    # whoever sees the programme page sees its card: the district's secretary too
    assert _api_get(city.secretary, url).json() == r.json()
    card = client_for(city.office).get(f"/honours/{programme.pk}/").content.decode()
    assert "<td>1</td><td>城厢区委</td><td>25.0</td>" in card
    services.category_save(
        actor=city.office,
        programme=programme,
        category=county_cat,
        name=county_cat.name,
        subject=Subject.ORGANISATION,
        quota=3,
        rules=[{"rule": Rule.DISTRICT_RANK, "top": 2}],
    )
    assert [(row["rank"], row["organisation"]) for row in _api_get(city.office, url).json()] == [
        (1, "城厢区委"),
        (2, "和林镇党委"),
    ]


def test_api_candidates_of_a_category_without_the_rule_is_a_422(city, programme):
    cat = programme.categories.get(name="先进基层党组织")
    r = _api_get(city.office, f"/api/honours/programmes/{programme.pk}/candidates?category={cat.pk}")
    assert r.status_code == 422
    assert r.json() == {
        "code": "validation_error",
        "message": "该表彰类别没有“活动开展情况排名前 N 名”的评选条件，没有候选组织",
        "field": "category",
    }


@pytest.mark.parametrize("category", ["99999999999999999999999", "9223372036854775808", "0", "-1"])
def test_api_candidates_huge_or_unknown_category_is_a_422(city, programme, category):
    r = _api_get(city.office, f"/api/honours/programmes/{programme.pk}/candidates?category={category}")
    assert r.status_code == 422, r.content
    assert r.json()["field"] == "category"


def test_api_candidates_category_of_another_programme_is_a_422(city, programme, campaign, county_cat):
    other = services.programme_create(
        actor=city.office,
        campaign=campaign,
        organisation=city.city,
        title="2012年表彰",
        issuer_name="中共示范市委",
        year=programme.year,
        nominate_until=programme.nominate_until,
    )
    r = _api_get(city.office, f"/api/honours/programmes/{other.pk}/candidates?category={county_cat.pk}")
    assert r.status_code == 422 and r.json()["field"] == "category"


def test_api_candidates_out_of_scope_is_a_404(city, programme, county_cat):
    from pacesetter.orgs.enums import Role
    from tests.factories import make_org, make_user

    stranger = make_user("other_city_secretary", Role.SECRETARY, make_org("邻市委"))
    url = f"/api/honours/programmes/{programme.pk}/candidates?category={county_cat.pk}"
    assert _api_get(stranger, url).status_code == 404
    assert _api_get(city.outsider, url).status_code in (403, 404)
    huge = "/api/honours/programmes/99999999999999999999999/candidates?category=1"
    assert _api_get(city.office, huge).status_code == 404
