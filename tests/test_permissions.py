"""Walk every URL pattern and API route with every role and compare with the declared policy.

A page or endpoint added without a rule in pacesetter.policy.POLICY fails here; a rule that the
middleware does not enforce fails here too.
"""

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver

from pacesetter.core.services import token_create
from pacesetter.orgs.enums import ROLE_CAPS, Role
from pacesetter.orgs.models import ImportBatch, Liaison, RoleGrant
from pacesetter.policy import LOGIN, POLICY, PUBLIC, rule_for
from tests.factories import make_sector_guide

# POST-only views (require_POST) are requested with POST; everything else with GET, plus the API's
# declared write methods.
POST_ONLY = {
    "orgs:org-deactivate",
    "orgs:org-activate",
    "orgs:member-deactivate",
    "orgs:member-activate",
    "orgs:member-reveal",
    "records:meeting-attendance-all",
    "orgs:grant-revoke",
    "orgs:liaison-remove",
    "orgs:import-confirm",
    "orgs:import-rollback",
    "web:token-revoke",
    "web:task-retry",
    "notifications:mark-read",
    "logout",
    "set_language",
}


def all_routes():
    def walk(patterns, prefix="", ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(
                    p.url_patterns, prefix + str(p.pattern), ns + p.namespace + ":" if p.namespace else ns
                )
            else:
                yield ns + (p.name or ""), prefix + str(p.pattern)

    seen = {}
    for name, pattern in walk(get_resolver().url_patterns):
        seen.setdefault(name, pattern)
    return seen


def test_every_route_has_a_declared_rule():
    missing = sorted(name for name in all_routes() if name not in POLICY)
    assert missing == [], f"routes without a rule in pacesetter.policy.POLICY: {missing}"


def test_policy_names_exist():
    stale = sorted(set(POLICY) - set(all_routes()))
    assert stale == []


def _fill(pattern: str, ids: dict) -> str:
    url = "/" + pattern
    for key, value in ids.items():
        url = (
            url.replace(f"<int:{key}>", str(value))
            .replace(f"<{key}>", str(value))
            .replace(f"<str:{key}>", str(value))
        )
    assert "<" not in url, url
    return url


# One test per role, so that pytest-xdist spreads the walk over its workers (the whole walk is ~7 minutes).
ROLES = ["office", "secretary", "leader", "inspector", "member", "outsider", "anonymous", "sector_guide"]


def test_the_walk_covers_every_role_of_the_city(city):
    assert sorted(ROLES) == sorted([*city.users(), "sector_guide"])


# The policy, not the database, decides each answer: .ci/run walks it once, in the SQLite stage.
@pytest.mark.one_engine
@pytest.mark.django_db
@pytest.mark.parametrize("role_name", ROLES)
def test_every_route_enforces_the_policy_for_every_role(city, client_for, role_name):
    grant = RoleGrant.objects.get(user=city.secretary)
    liaison = Liaison.objects.create(leader=city.leader, organisation=city.school)
    batch = ImportBatch.objects.create(
        kind="members", filename="x.xlsx", file=b"", scope=city.city, created_by=city.office
    )
    token, _key = token_create(actor=city.office, name="walk")
    ids_by_name = {
        "orgs:member-detail": {"pk": city.teacher.pk},
        "orgs:member-edit": {"pk": city.teacher.pk},
        "orgs:member-deactivate": {"pk": city.teacher.pk},
        "orgs:member-activate": {"pk": city.teacher.pk},
        "orgs:member-account": {"pk": city.teacher.pk},
        "orgs:member-reveal": {"pk": city.teacher.pk, "field": "id_number"},
        "orgs:grant-revoke": {"pk": grant.pk},
        "orgs:liaison-remove": {"pk": liaison.pk},
        "web:token-revoke": {"pk": token.pk},
    }
    default_ids = {
        "pk": city.school.pk,
        "org_id": city.school.pk,
        "member_id": city.teacher.pk,
        "grant_id": grant.pk,
        "kind": "members",
        "certificate_no": "2011-001-0001",
        "nomination_pk": 1,
    }
    for prefix in ("orgs:import-",):
        for name in POLICY:
            if name.startswith(prefix):
                ids_by_name.setdefault(name, {"pk": batch.pk})

    failures = []
    users = {**city.users(), "sector_guide": make_sector_guide(city)}  # 条块结合: a sector line
    user = users[role_name]
    for name, pattern in sorted(all_routes().items()):
        rule = POLICY[name]
        methods = list(rule) if isinstance(rule, dict) else ["POST" if name in POST_ONLY else "GET"]
        url = _fill(pattern, {**default_ids, **ids_by_name.get(name, {})})
        for method in methods:
            client = client_for(user)
            kwargs = (
                {"content_type": "application/json"} if method in ("POST", "PATCH") and "/api/" in url else {}
            )
            with transaction.atomic():  # each request starts from the same data
                response = getattr(client, method.lower())(url, **kwargs)
                transaction.set_rollback(True)
            allowed = expected_allowed(user, rule_for(name, method))
            denied_codes = {401, 403} | ({302} if user is None and not url.startswith("/api/") else set())
            if user is None and response.status_code == 302 and allowed is False:
                assert "/accounts/login/" in response["Location"]
            got_denied = response.status_code in denied_codes and not (
                response.status_code == 302 and "/accounts/login/" not in response.get("Location", "")
            )
            if allowed and got_denied and rule_for(name, method) != PUBLIC:
                failures.append(
                    f"{role_name} {method} {url} ({name}) expected allowed, got {response.status_code}"
                )
            if not allowed and not got_denied:
                failures.append(
                    f"{role_name} {method} {url} ({name}) expected denied, got {response.status_code}"
                )
    assert failures == []


def expected_allowed(user, rule) -> bool:
    """The policy's meaning, computed here independently of the middleware's code."""
    if rule is None:
        return False
    if rule == PUBLIC:
        return True
    if user is None:
        return False
    if rule == LOGIN:
        return True
    roles = RoleGrant.objects.filter(user=user, revoked_at__isnull=True).values_list("role", flat=True)
    return any(rule in ROLE_CAPS[r] for r in roles)


def test_roles_are_distinct_in_policy():
    # Sanity: the policy grants office more than member somewhere, so the walk above is not vacuous.
    assert ROLE_CAPS[Role.OFFICE] > ROLE_CAPS[Role.MEMBER]
