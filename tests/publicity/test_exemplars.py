import datetime

import pytest

from pacesetter.core.errors import PermissionDeniedError, StateError, ValidationError
from pacesetter.orgs.enums import Role, Sector
from pacesetter.publicity import exemplars, search, selectors
from pacesetter.publicity.enums import CultivationLevel
from tests.factories import make_user

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def district_office(city):
    return make_user("district_office", Role.OFFICE, city.district)


def _register(city, actor=None):
    return exemplars.exemplar_register(
        actor=actor or city.secretary,
        organisation=city.school,
        member=city.teacher,
        trade="教育",
        post="班主任",
        summary="林老师扎根乡村教育二十年，践行“五带头”。",
    )


def test_exemplar_registered_then_promoted_level_by_level_by_the_office_at_that_level(city, district_office):
    e = _register(city)
    assert (e.kind, e.name, e.sector, e.level) == (
        "member",
        "林老师",
        Sector.SCHOOL,
        CultivationLevel.CULTIVATING,
    )
    assert search.search_public("林老师") == []  # 培育 models are not public yet
    with pytest.raises(PermissionDeniedError):  # the city office does not award 县级
        exemplars.exemplar_promote(actor=city.office, exemplar=e, level=CultivationLevel.COUNTY)
    with pytest.raises(PermissionDeniedError):  # a secretary awards nothing
        exemplars.exemplar_promote(actor=city.secretary, exemplar=e, level=CultivationLevel.COUNTY)
    e = exemplars.exemplar_promote(actor=district_office, exemplar=e, level=CultivationLevel.COUNTY)
    assert [h.object_id for h in search.search_public("林老师")] == [e.pk]
    with pytest.raises(PermissionDeniedError):  # the district office does not award 市级
        exemplars.exemplar_promote(actor=district_office, exemplar=e, level=CultivationLevel.CITY)
    e = exemplars.exemplar_promote(
        actor=city.office, exemplar=e, level=CultivationLevel.CITY, document="示办〔2026〕3号"
    )
    history = [(h.from_level, h.to_level, h.awarded_by.name) for h in e.history.all()]
    assert history == [
        ("", "cultivating", "城厢区实验小学党支部"),
        ("cultivating", "county", "城厢区委"),
        ("county", "city", "示范市委"),
    ]


def test_exemplar_levels_cannot_be_skipped_or_repeated(city, district_office):
    e = _register(city)
    with pytest.raises(StateError):
        exemplars.exemplar_promote(actor=city.office, exemplar=e, level=CultivationLevel.CITY)
    exemplars.exemplar_promote(actor=district_office, exemplar=e, level=CultivationLevel.COUNTY)
    with pytest.raises(StateError):
        exemplars.exemplar_promote(actor=district_office, exemplar=e, level=CultivationLevel.COUNTY)
    with pytest.raises(ValidationError):
        exemplars.exemplar_promote(actor=city.office, exemplar=e, level="galactic")
    with pytest.raises(ValidationError) as err:  # 省级 is recorded from the province's document
        exemplars.exemplar_promote(
            actor=city.office,
            exemplar=e,
            level=CultivationLevel.CITY,
            awarded_on=TODAY + datetime.timedelta(days=3),
        )
    assert err.value.field == "awarded_on"


def test_province_level_needs_a_document(city, district_office):
    e = _register(city)
    exemplars.exemplar_promote(actor=district_office, exemplar=e, level=CultivationLevel.COUNTY)
    exemplars.exemplar_promote(actor=city.office, exemplar=e, level=CultivationLevel.CITY)
    with pytest.raises(ValidationError) as err:
        exemplars.exemplar_promote(actor=city.office, exemplar=e, level=CultivationLevel.PROVINCE)
    assert err.value.field == "document"


def test_register_outside_scope_refused(city):
    with pytest.raises(PermissionDeniedError):
        _register(city, actor=city.town_secretary)


def test_find_a_model_like_me_closest_first(city, district_office):
    teacher = _register(city)
    village = exemplars.exemplar_register(
        actor=city.office, organisation=city.village, summary="强村富民", trade="农业", post="村党支部书记"
    )
    exemplars.exemplar_promote(actor=district_office, exemplar=teacher, level=CultivationLevel.COUNTY)
    town_office = make_user("town_office", Role.OFFICE, city.town)
    exemplars.exemplar_promote(actor=town_office, exemplar=village, level=CultivationLevel.COUNTY)
    assert [e.pk for e in selectors.exemplars_like(sector=Sector.SCHOOL, post="班主任")] == [teacher.pk]
    assert [e.pk for e in selectors.exemplars_like(sector=Sector.VILLAGE)] == [village.pk]
    assert {e.pk for e in selectors.exemplars_like()} == {teacher.pk, village.pk}


def test_public_exemplar_pages(city, district_office, client):
    e = _register(city)
    assert client.get(f"/news/models/{e.pk}/").status_code == 404
    exemplars.exemplar_promote(actor=district_office, exemplar=e, level=CultivationLevel.COUNTY)
    r = client.get(f"/news/models/{e.pk}/")
    assert r.status_code == 200 and "林老师" in r.content.decode() and "县级" in r.content.decode()
    r = client.get("/news/models/", {"sector": "school", "post": "班主任"})
    assert "林老师" in r.content.decode()
