"""500 concurrent submissions with 100 codes, each used 5 times, against a live server: exactly 100 sheets.

On PostgreSQL the test runs against pytest-django's live server directly. SQLite's in-memory test
database is shared by every server thread through ONE connection, which would hide races, so on SQLite
the test re-runs itself in a subprocess with a file database (PACESETTER_TEST_SQLITE), where each server
thread has its own connection and IMMEDIATE transactions queue for the write lock.
"""

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from pacesetter.evaluations.models import Ballot, BallotCode, BallotSheet
from tests.file_sqlite import reran_on_file_sqlite

from .helpers import answers, codes, make_round

INNER = "PACESETTER_CONCURRENCY_INNER"


@pytest.mark.django_db(transaction=True)
def test_500_concurrent_submissions_spend_each_code_once(request, tmp_path):
    if reran_on_file_sqlite(request, tmp_path, INNER):
        return
    live_server = request.getfixturevalue("live_server")
    from tests.factories import City

    city = City()
    round_ = make_round(city)
    batch = codes(city, round_, "群众", 100)
    body = {c: json.dumps({"code": c, "answers": answers(round_, 60)}).encode() for c in batch}
    url = f"{live_server.url}/api/ballots"

    def submit(code):
        return _post_json(url, body[code])

    jobs = [c for c in batch for _ in range(5)]
    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = list(pool.map(submit, jobs))
    statuses = [s for s, _b in outcomes]
    assert statuses.count(201) == 100, sorted(set(statuses))
    assert sum(1 for s, b in outcomes if s == 409 and b.get("code") == "code_spent") == 400
    assert BallotSheet.objects.filter(round=round_).count() == 100
    assert Ballot.objects.filter(round=round_).count() == 400
    assert BallotCode.objects.filter(round=round_, spent=True).count() == 100
    receipts = {b["receipt"] for s, b in outcomes if s == 201}
    assert receipts == set(BallotSheet.objects.values_list("receipt", flat=True))


@pytest.mark.django_db(transaction=True)
def test_the_same_paper_file_uploaded_twice_at_once_is_stored_once(request, tmp_path):
    """Two clerks upload the same stack at the same moment: one upload stores it all, the other nothing."""
    if reran_on_file_sqlite(request, tmp_path, INNER):
        return
    import io

    from openpyxl import load_workbook

    from pacesetter.core.services import token_create
    from pacesetter.evaluations.paper_import import SHEET_TITLE, paper_template_xlsx
    from tests.factories import City

    live_server = request.getfixturevalue("live_server")
    city = City()
    round_ = make_round(city)
    batch = codes(city, round_, "群众", 30)
    wb = load_workbook(io.BytesIO(paper_template_xlsx(round_)))
    ws = wb[SHEET_TITLE]
    n_targets, first = round_.targets.count(), 3
    row = first
    for code in batch:
        for _t in range(n_targets):
            if row >= first + 10 * n_targets:  # past the template's pre-filled blocks: name the target
                ws.cell(row=row, column=2, value=ws.cell(row=row - 10 * n_targets, column=2).value)
            ws.cell(row=row, column=1, value=code)
            ws.cell(row=row, column=3, value="满意")
            row += 1
    out = io.BytesIO()
    wb.save(out)
    boundary = "----pacesetter-test"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="stack.xlsx"\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        ).encode()
        + out.getvalue()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    _token, key = token_create(actor=city.office, name="clerk")
    url = f"{live_server.url}/api/evaluations/rounds/{round_.pk}/paper-import"

    def upload(_i):
        req = urllib.request.Request(
            url,
            data=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Authorization": f"Bearer {key}",
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(upload, range(2)), key=lambda o: o[0])
    assert [s for s, _b in outcomes] == [201, 422], outcomes
    assert outcomes[0][1]["sheets"] == 30 and not outcomes[1][1]["ok"]
    assert BallotSheet.objects.filter(round=round_).count() == 30
    assert BallotCode.objects.filter(round=round_, spent=True).count() == 30


def _post_json(url: str, body: bytes) -> tuple[int, dict]:
    """POST JSON and return (status, answer).

    The test server's listen backlog is small: a connection it refuses (reset before any response) is tried
    again. A request the server did process cannot be retried into a second ballot: it would answer
    "already used", and the counts in the tests would be off.
    """
    for _attempt in range(5):
        req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")
        except (ConnectionResetError, urllib.error.URLError):
            time.sleep(0.05)
    return 0, {}


@pytest.mark.django_db(transaction=True)
def test_closing_while_ballots_arrive_leaves_every_stored_sheet_in_the_digest(request, tmp_path):
    """A sheet is either in the digest and the count published at close, or refused as "not open"."""
    if reran_on_file_sqlite(request, tmp_path, INNER):
        return
    from pacesetter.evaluations import services
    from pacesetter.evaluations.enums import RoundStatus
    from tests.factories import City

    live_server = request.getfixturevalue("live_server")
    city = City()
    round_ = make_round(city)
    batch = codes(city, round_, "群众", 240)
    url = f"{live_server.url}/api/ballots"
    body = {c: json.dumps({"code": c, "answers": answers(round_, 60)}).encode() for c in batch}
    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(_post_json, url, body[c]) for c in batch]
        deadline = time.monotonic() + 60
        while BallotSheet.objects.filter(round=round_).count() < 30 and time.monotonic() < deadline:
            time.sleep(0.005)
        services.round_transition(actor=city.office, round_=round_, to_status=RoundStatus.CLOSED)
        outcomes = [f.result() for f in futures]
    round_.refresh_from_db()
    stored = BallotSheet.objects.filter(round=round_).count()
    accepted = [b["receipt"] for s, b in outcomes if s == 201]
    refused = [b.get("code") for s, b in outcomes if s != 201]
    assert stored >= 30 and len(accepted) == stored and stored + len(refused) == 240
    assert round_.ballot_count == stored
    assert round_.digest == services.receipts_digest(round_)[0]
    assert set(refused) <= {"round_not_open"}
