"""The lean WSGI path for POST /api/ballots: same behaviour as through the full middleware chain."""

import io
import json

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from pacesetter import wsgi
from pacesetter.evaluations.models import BallotSheet

from .helpers import answers, codes, make_round


def call(method, path, body=b"", **headers):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "198.51.100.7",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        **{f"HTTP_{k.upper()}": v for k, v in headers.items()},
    }
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(response_headers)

    # As Django's test client does: the test's transaction must outlive the request, so the handler may not
    # close the database connection at the end of it (on PostgreSQL that would end the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = wsgi.application(environ, start_response)
        content = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return seen["status"], seen["headers"], content


def test_cast_takes_the_lean_chain_and_stores_the_sheet(city, monkeypatch):
    used = []
    monkeypatch.setattr(
        wsgi._ballots, "get_response", lambda r, f=wsgi._ballots.get_response: used.append(1) or f(r)
    )
    r = make_round(city)
    [code] = codes(city, r, n=1)
    status, headers, content = call(
        "POST", "/api/ballots", json.dumps({"code": code, "answers": answers(r)}).encode()
    )
    assert status == 201 and used == [1]
    assert json.loads(content)["receipt"] == BallotSheet.objects.get().receipt
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_refusals_keep_their_language_and_the_nul_guard(city):
    r = make_round(city)
    [code] = codes(city, r, n=1)
    body = json.dumps({"code": code, "answers": answers(r)}).encode()
    assert call("POST", "/api/ballots", body)[0] == 201
    status, _h, content = call("POST", "/api/ballots", body, accept_language="en")
    assert status == 409 and json.loads(content)["message"] == (
        "This ballot code has already been used; each ballot code can only be used to vote once"
    )
    status, _h, content = call("POST", "/api/ballots", b'{"code": "A\\u0000", "answers": {}}')
    assert status == 422 and "NUL" in json.loads(content)["message"]
    assert BallotSheet.objects.count() == 1


def test_everything_else_takes_the_full_chain(city):
    status, headers, _c = call("GET", "/api/ballots")  # not a cast: the site's own chain (and 405)
    assert status == 405 and headers["X-Frame-Options"] == "DENY"
    assert call("GET", "/e/")[0] == 200
