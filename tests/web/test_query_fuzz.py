"""Every page that reads a query string survives hostile values: NUL, huge and negative numbers, "/"."""

import pytest

from tests.test_permissions import POST_ONLY, all_routes

# The parameters pages read (search, paging, ballot code, scope pickers, filters).
PARAMS = ("q", "page", "code", "org", "campaign", "status", "kind", "version", "progress", "state")
HOSTILE = ["\x00", "9" * 40, "-5", "a/b", "../..", "1e999"]
SKIP = POST_ONLY | {"logout", "login", "password_reset", "set_language"}

PAGES = sorted(
    (name, "/" + pattern)
    for name, pattern in all_routes().items()
    if "<" not in pattern and not pattern.startswith(("api/", "static", "djdt")) and name not in SKIP
)


@pytest.mark.parametrize("value", HOSTILE, ids=["nul", "huge", "negative", "slash", "dots", "float"])
def test_query_string_never_gives_a_server_error(city, client_for, value):
    office = client_for(city.office)
    anonymous = client_for(None)
    query = {name: value for name in PARAMS}
    errors = []
    for name, url in PAGES:
        for client in (office, anonymous):
            status = client.get(url, query).status_code
            if status >= 500:
                errors.append((name, url, status))
    assert errors == []
    assert len(PAGES) > 20
