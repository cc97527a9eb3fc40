"""The `may` template filter answers from the same policy that guards the URLs (fail closed)."""

from django.template import Context, Template
from django.test import RequestFactory

TEMPLATE = Template("{% load pacesetter %}{% if request|may:name %}yes{% else %}no{% endif %}")


def _may(user, name):
    request = RequestFactory().get("/")
    if user is not None:
        request.user = user
    return TEMPLATE.render(Context({"request": request, "name": name}))


def test_may_follows_the_policy_for_each_role(city):
    assert _may(city.office, "supervision:draw-create") == "yes"
    assert _may(city.inspector, "supervision:draw-create") == "no"
    assert _may(city.inspector, "supervision:draw-list") == "yes"
    assert _may(city.member_user, "orgs:member-list") == "no"
    assert _may(city.member_user, "web:dashboard") == "yes"


def test_may_fails_closed_on_unknown_routes_and_without_a_user(city):
    assert _may(city.office, "supervision:no-such-route") == "no"
    assert _may(None, "web:dashboard") == "no"
    assert _may(None, "web:home") == "yes"
