"""The spot-check draw (随机抽查) algorithm: pure functions anyone can re-run from the published data.

1. Candidates are the organisations matching the filter, ordered by their tree path; the published list
   names each as (id, path, name). Digest: sha256 of the ids joined with "," (e.g. "12,15,40").
2. Seed: sha256 (hex) of the public value the office entered (e.g. "2026-03-05 福彩3D 123"); without one,
   64 random hex digits from `secrets`, recorded before the draw.
3. Each candidate id gets the rank key sha256(f"{seed}:{id}") (hex); the n smallest keys are chosen, in
   key order. This uses no language-specific random generator, so any tool can verify it.
"""

import hashlib
import secrets

ALGORITHM = "sha256-rank-v1"

VERIFY_SNIPPET = """import hashlib
seed = "{seed}"
candidates = {candidates}  # ids in path order, as published
n = {n}
assert hashlib.sha256(",".join(map(str, candidates)).encode()).hexdigest() == "{digest}"
key = lambda i: hashlib.sha256(f"{{seed}}:{{i}}".encode()).hexdigest()
print(sorted(candidates, key=key)[:n])  # → {chosen}
"""


def seed_from_public_value(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return secrets.token_hex(32)
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def candidate_digest(candidate_ids: list[int]) -> str:
    return hashlib.sha256(",".join(str(i) for i in candidate_ids).encode()).hexdigest()


def rank_key(seed: str, candidate_id: int) -> str:
    return hashlib.sha256(f"{seed}:{candidate_id}".encode()).hexdigest()


def draw_select(seed: str, candidate_ids: list[int], n: int) -> list[int]:
    """The n candidates with the smallest sha256(seed:id), in that order (all of them if n ≥ len)."""
    return sorted(candidate_ids, key=lambda i: rank_key(seed, i))[: max(n, 0)]


def verify_snippet(*, seed: str, candidate_ids: list[int], n: int, digest: str, chosen: list[int]) -> str:
    return VERIFY_SNIPPET.format(seed=seed, candidates=candidate_ids, n=n, digest=digest, chosen=chosen)
