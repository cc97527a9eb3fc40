"""Receipts, the digest and the public ballot file: anyone can check a receipt and recompute totals."""

import hashlib
import json

import pytest

from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundStatus
from pacesetter.evaluations.models import BallotSheet
from pacesetter.evaluations.results import round_results

from .helpers import answers, codes, make_round


@pytest.fixture
def closed_round(city):
    r = make_round(city, k_min=3)
    receipts = [
        services.ballot_cast_code(code=c, answers=answers(r, s))
        for c, s in zip(codes(city, r, "群众", 4), (100, 60, 0, 100), strict=True)
    ]
    receipts.append(services.ballot_cast_code(code=codes(city, r, "代表", 1)[0], answers=answers(r, 0)))
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    r.refresh_from_db()
    return r, receipts


def test_digest_is_over_sorted_receipts(closed_round):
    r, receipts = closed_round
    assert r.ballot_count == 5
    assert r.digest == hashlib.sha256("".join(x + "\n" for x in sorted(receipts)).encode()).hexdigest()


def test_ballot_file_verifies_and_recomputes(closed_round, client):
    r, receipts = closed_round
    response = client.get(f"/e/results/{r.pk}/ballots.jsonl")
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    header, sheets = json.loads(lines[0]), [json.loads(x) for x in lines[1:]]
    assert header["digest"] == r.digest and header["sheets"] == 5
    assert [s["receipt"] for s in sheets] == sorted(receipts)
    for s in sheets:
        content = json.dumps(
            {"round": s["round"], "ballots": s["ballots"]}, separators=(",", ":"), ensure_ascii=False
        )
        assert hashlib.sha256((s["nonce"] + content).encode()).hexdigest() == s["receipt"]
    digest = hashlib.sha256("".join(s["receipt"] + "\n" for s in sheets).encode()).hexdigest()
    assert digest == r.digest
    # the single 代表 sheet is under k: its group is withheld in the file
    assert sorted(str(s["group"]) for s in sheets).count("*") == 1
    # recompute one target's score from the file (only 群众 has ≥ k sheets)
    target = header["targets"][0][0]
    vals = [b[1][0] for s in sheets if s["group"] != "*" for b in s["ballots"] if b[0] == target]
    assert round_results(r).targets[0].score == pytest.approx(sum(vals) / len(vals))


def test_receipt_check_page(closed_round, client):
    r, receipts = closed_round
    page = client.get("/e/check/", {"receipt": receipts[0]}).content.decode()
    assert "已计入" in page and r.digest in page
    page = client.get("/e/check/", {"receipt": "0" * 64}).content.decode()
    assert "未找到该回执" in page


def test_tampered_sheet_no_longer_matches_receipt(closed_round):
    r, _receipts = closed_round
    sheet = BallotSheet.objects.filter(round=r).first()
    ballots = [(b.target_id, [b.a1]) for b in sheet.ballots.order_by("target_id")]
    assert services.receipt_for(sheet.nonce, services.canonical_content(r.pk, ballots)) == sheet.receipt
    ballots[0] = (ballots[0][0], [0 if ballots[0][1][0] else 100])
    assert services.receipt_for(sheet.nonce, services.canonical_content(r.pk, ballots)) != sheet.receipt
