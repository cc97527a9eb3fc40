"""core.people: how a user is named in the rows a write leaves behind."""

from django.contrib.auth.models import AnonymousUser, User

from pacesetter.core.people import SYSTEM, acting_user, actor_name, display_name


def test_display_name_prefers_the_full_name():
    assert display_name(User(username="li", first_name="四", last_name="李")) in {"四 李", "李 四"}
    assert display_name(User(username="li")) == "li"


def test_no_one_signed_in_is_named_by_the_caller():
    for nobody in (None, AnonymousUser()):
        assert acting_user(nobody) is None
        assert actor_name(nobody) == SYSTEM == "系统"
        assert actor_name(nobody, nobody="") == ""


def test_a_signed_in_actor_is_stored_with_their_name():
    user = User(username="wang")
    assert acting_user(user) is user
    assert actor_name(user, nobody="") == "wang"
