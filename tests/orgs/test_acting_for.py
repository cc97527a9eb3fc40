"""Who acts for an organisation (cases, nominations, rectification orders): the secretaries on the nearest
organisation at or above it, else the office holders on the nearest one — not everyone up to the city (#20)."""

from pacesetter.orgs.enums import Role
from pacesetter.orgs.selectors import nearest_holders
from pacesetter.orgs.services import acting_for
from tests.factories import make_user


def _names(users) -> list[str]:
    return sorted(u.username for u in users)


def test_acting_for_prefers_the_organisations_own_secretaries(city):
    assert _names(acting_for(city.town)) == ["town_secretary"]
    assert acting_for(None) == []


def test_acting_for_without_a_secretary_asks_the_nearest_level_only(city):
    make_user("district_office", Role.OFFICE, city.district)
    make_user("city_secretary", Role.SECRETARY, city.city)
    # the school branch has no account: its committee's secretary (was the district and city offices)
    assert _names(acting_for(city.school)) == ["secretary"]
    assert _names(acting_for(city.village)) == ["town_secretary"]  # was the city office
    assert _names(acting_for(city.city)) == ["city_secretary"]


def test_acting_for_asks_the_nearest_office_when_no_secretary_is_above(city):
    make_user("district_office", Role.OFFICE, city.district)
    city.secretary.role_grants.update(revoked_at="2026-01-01T00:00Z")
    assert _names(acting_for(city.school)) == ["district_office"]  # was the city office too


def test_acting_for_leaves_out_the_person_named_and_then_looks_further(city):
    assert _names(acting_for(city.town, exclude=city.town_secretary.pk)) == ["office"]  # was nobody
    make_user("city_secretary", Role.SECRETARY, city.city)
    assert _names(acting_for(city.town, exclude=city.town_secretary.pk)) == ["city_secretary"]


def test_nearest_holders_stops_at_the_first_level_with_anyone(city):
    make_user("city_secretary", Role.SECRETARY, city.city)
    assert _names(nearest_holders(city.school, [Role.SECRETARY])) == ["secretary"]
    assert _names(nearest_holders(city.district, [Role.SECRETARY])) == ["secretary"]
    assert _names(nearest_holders(city.city, [Role.SECRETARY])) == ["city_secretary"]
    assert _names(nearest_holders(city.school, [Role.INSPECTOR])) == ["inspector"]
    assert nearest_holders(city.school, [Role.GUIDE]) == []
