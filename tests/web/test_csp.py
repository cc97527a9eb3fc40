"""The Content-Security-Policy header, and templates that need nothing it forbids."""

import re
from pathlib import Path

import pacesetter

TEMPLATES = sorted(Path(pacesetter.__file__).parent.glob("**/templates/**/*.html"))


def test_csp_header_allows_scripts_only_from_our_own_files(client, db):
    response = client.get("/accounts/login/")

    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def test_csp_templates_have_no_inline_script_handler_or_eval():
    assert len(TEMPLATES) > 50
    found = []
    for path in TEMPLATES:
        text = path.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"\son[a-z]+=[\"']",
            r"hx-on",
            r"javascript:",
            r"js:\{",
        ):
            found += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert found == []
