"""Receipts, the digest and the public ballot file: anyone can check a receipt and recompute totals."""

import hashlib
import json
import random
from collections import defaultdict

import pytest

from pacesetter.campaigns.models import CriteriaSet
from pacesetter.evaluations import services
from pacesetter.evaluations.enums import RoundStatus
from pacesetter.evaluations.models import BallotSheet, RaterGroup
from pacesetter.evaluations.results import round_results
from pacesetter.evaluations.selectors import ballot_form

from .helpers import answers, codes, make_campaign, make_round


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


def _file(client, r):
    response = client.get(f"/e/results/{r.pk}/ballots.jsonl")
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    return json.loads(lines[0]), [json.loads(x) for x in lines[1:]]


def recompute(header, sheets, channel=None):
    """Every target's (score, satisfaction) from the public file alone, by the rule printed on /e/check/."""
    weights_q = {p: w for p, _t, w in header["questions"]}
    weights_g = {g: w for g, _n, w in header["groups"]}
    positive = {int(s) for s, label in header["scale"].items() if label in ("满意", "基本满意", "好", "较好")}
    cells = defaultdict(list)
    for s in sheets:
        if channel is not None and s["channel"] != channel:
            continue
        for target, row in s["ballots"]:
            if row != "*" and any(a is not None for a in row):
                cells[(target, s["group"])].append(row)
    out = {}
    for target, _name, _sector in header["targets"]:
        per_group = {}
        for g in weights_g:
            rows = cells[(target, g)]
            if len(rows) < header["k"]:
                continue
            num = den = pos = ans = 0
            for i, p in enumerate(weights_q):
                vals = [row[i] for row in rows if row[i] is not None]
                if vals:
                    num, den = num + weights_q[p] * sum(vals) / len(vals), den + weights_q[p]
                pos, ans = pos + sum(v in positive for v in vals), ans + len(vals)
            per_group[g] = (num / den, 100 * pos / ans)
        total = sum(weights_g[g] for g in per_group)
        out[target] = (
            (
                sum(weights_g[g] * sc for g, (sc, _s) in per_group.items()) / total,
                sum(weights_g[g] * sa for g, (_sc, sa) in per_group.items()) / total,
            )
            if total
            else (None, None)
        )
    return out


def assert_same(got: dict, want: dict):
    assert got.keys() == want.keys()
    for key, pair in want.items():
        assert [None if v is None else pytest.approx(v) for v in pair] == list(got[key]), key


def test_ballot_file_verifies_and_recomputes(closed_round, client, city):
    r, receipts = closed_round
    services.round_publish(actor=city.office, round_=r)
    header, sheets = _file(client, r)
    assert header["digest"] == r.digest and header["sheets"] == 5
    assert [s["receipt"] for s in sheets] == sorted(receipts)
    verifiable = [s for s in sheets if all(b[1] != "*" for b in s["ballots"])]
    for s in verifiable:
        content = json.dumps(
            {"round": s["round"], "ballots": s["ballots"]}, separators=(",", ":"), ensure_ascii=False
        )
        assert hashlib.sha256((s["nonce"] + content).encode()).hexdigest() == s["receipt"]
    digest = hashlib.sha256("".join(s["receipt"] + "\n" for s in sheets).encode()).hexdigest()
    assert digest == r.digest
    # the single 代表 sheet is under k: its answers are withheld, it still counts in the digest
    [hidden] = [s for s in sheets if s not in verifiable]
    assert hidden["group"] == RaterGroup.objects.get(round=r, name="代表").pk
    assert {b[1] for b in hidden["ballots"]} == {"*"}
    results = {t.target_id: (t.score, t.satisfaction) for t in round_results(r).targets}
    assert_same(recompute(header, sheets), results)


def test_every_figure_recomputes_from_the_file_with_paper_and_dont_know(city, client):
    """Random sheets over four groups and three channels: the file gives back every total and channel figure."""
    cset = CriteriaSet.objects.get(campaign=make_campaign(city), subject="org")
    r = make_round(city, k_min=3, criteria=cset, scale="grade4")
    form = ballot_form(r)
    rng = random.Random(11)
    scores = [o.score for o in form.options]

    def rand():  # 五个好: five questions, one answer in ten 不了解
        return {
            str(t.id): {
                str(q.position): None if rng.random() < 0.1 else rng.choice(scores) for q in form.questions
            }
            for t in form.targets
        }

    for name, web, paper, assisted in (("领导班子", 5, 3, 0), ("代表", 4, 1, 0), ("群众", 9, 0, 2)):
        group_codes = codes(city, r, name, web + paper + assisted)
        for code in group_codes[:web]:
            services.ballot_cast_code(code=code, answers=rand())
        for code in group_codes[web : web + paper]:
            services.ballot_enter_paper(actor=city.office, round_=r, code=code, answers=rand())
        for code in group_codes[web + paper :]:
            services.ballot_enter_paper(
                actor=city.office, round_=r, code=code, answers=rand(), channel="assisted"
            )
    services.round_transition(actor=city.office, round_=r, to_status=RoundStatus.CLOSED)
    services.round_publish(actor=city.office, round_=r)
    r.refresh_from_db()
    header, sheets = _file(client, r)
    results = round_results(r)
    # 代表 has one paper sheet and 群众 two assisted ones: both leave the channel split, and the file hides
    # their sheets' channels; 领导班子 (5 web, 3 paper) stays in it
    assert results.channel_withheld == ["代表", "群众"]
    assert {
        s["channel"] for s in sheets if s["group"] != RaterGroup.objects.get(round=r, name="领导班子").pk
    } == {"*"}
    assert_same(recompute(header, sheets), {t.target_id: (t.score, t.satisfaction) for t in results.targets})
    for ch in ("web", "paper", "assisted"):
        assert_same(
            recompute(header, sheets, ch),
            {t.target_id: (t.by_channel[ch].score, t.by_channel[ch].satisfaction) for t in results.targets},
        )
    assert any(t.by_channel["paper"].score is not None for t in results.targets)


def test_ballot_file_is_public_only_once_results_are(closed_round, client, city):
    r, _receipts = closed_round
    assert client.get(f"/e/results/{r.pk}/ballots.jsonl").status_code == 404
    services.round_publish(actor=city.office, round_=r)
    assert client.get(f"/e/results/{r.pk}/ballots.jsonl").status_code == 200


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
