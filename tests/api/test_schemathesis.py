"""Schemathesis over the whole API, in-process against the WSGI app, so a new endpoint cannot bring a 500 back.

Each operation gets 25 generated requests (fixed seed: derandomize) as anonymous, with an office token and
with a secretary token, checked for: no server error, the response body matching its documented schema,
the status code being documented. Schemathesis' coverage phase is off: it sends a few hundred boundary
requests per operation (2.5× the run time), beyond the bound of ~25 examples; the boundaries it would try
(negative limit, huge offset, NUL, wrong JSON types) are pinned by tests/api/test_bad_input.py instead.

About 9,000 requests; measured 4 min 15 s wall, 2 min 50 s CPU on SQLite (on a shared 2-core machine). `-m "not fuzz"` leaves
it out of a quick run.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from pacesetter import wsgi
from pacesetter.core.services import token_create

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]

# Loaded once at collection (the document needs no database); schemathesis' from_fixture loader does not
# work with pytest 9, and the document does not depend on who asks for it.
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json",
    wsgi.application,
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}}),
)

pytestmark = pytest.mark.fuzz


@pytest.fixture
def keep_test_transaction():
    """As Django's test client does: the handler may not close the connection at the end of a request
    (on PostgreSQL that would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(city):
    return {
        role: token_create(actor=getattr(city, role), name="schemathesis")[1]
        for role in ("office", "secretary")
    }


@pytest.mark.parametrize("role", ["anonymous", "office", "secretary"])
@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    # the fixtures are per test, not per example, on purpose: one city and one token for 25 requests
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_openapi_document(case, role, tokens, keep_test_transaction):
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
    # Generated extra headers may include a random Host, which Django refuses (400, DisallowedHost) before
    # any route is reached: the server's rule, not the API's contract, so the request keeps the test host.
    if case.headers:
        case.headers = {k: v for k, v in case.headers.items() if k.lower() != "host"}
    case.call_and_validate(headers=headers, checks=CHECKS)
