"""orgs.selectors.in_or_above_q: a subtree and the chain of ancestors above it."""

from pacesetter.orgs.models import Organisation
from pacesetter.orgs.selectors import in_or_above_q


def test_in_or_above_reaches_ancestors_and_descendants_not_siblings(city):
    found = set(Organisation.objects.filter(in_or_above_q([city.district.path])))
    assert found == {city.city, city.district, city.school}
    both = Organisation.objects.filter(in_or_above_q([city.school.path, city.village.path]))
    assert set(both) == {city.city, city.district, city.school, city.town, city.village}
    assert not Organisation.objects.filter(in_or_above_q([])).exists()
