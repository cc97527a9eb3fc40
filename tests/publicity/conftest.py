import pytest

from pacesetter.orgs.enums import Role
from tests.factories import make_user


@pytest.fixture
def editor(city):
    return make_user("editor", Role.EDITOR, city.city)


@pytest.fixture
def school_secretary(city):
    return make_user("school_secretary", Role.SECRETARY, city.school)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
