"""Receipts: the hashed content of a sheet, its receipt, and the digest published when a round closes."""

import hashlib
import json

from ..models import (
    BallotSheet,
    Round,
)


def canonical_content(round_id: int, ballots: list[tuple[int, list[int | None]]]) -> str:
    """The hashed ballot content: round and, per target in id order, the answers in question order."""
    return json.dumps(
        {"round": round_id, "ballots": [[t, answers] for t, answers in sorted(ballots)]},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def receipt_for(nonce: str, content: str) -> str:
    return hashlib.sha256((nonce + content).encode()).hexdigest()


def receipts_digest(round_: Round) -> tuple[str, int]:
    """sha256 over the round's receipts, sorted, one per line: reveals nothing about order of casting."""
    h = hashlib.sha256()
    n = 0
    for receipt in (
        BallotSheet.objects.filter(round=round_)
        .order_by("receipt")
        .values_list("receipt", flat=True)
        .iterator(chunk_size=5000)
    ):
        h.update(receipt.encode() + b"\n")
        n += 1
    return h.hexdigest(), n
