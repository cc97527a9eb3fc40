"""One-time codes (ballot codes, rating slips): 12 characters from a 31-letter alphabet without look-alikes (≈ 59 bits).

Only a hash is stored. The hash needs no per-code salt: the code itself carries 59 random bits, so
guessing the hash input is as hard as guessing the code.
"""

import hashlib
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
LENGTH = 12
GROUP = 4


def code_generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalise(text: str) -> str:
    """Upper-case and drop spaces and dashes (slips print the code in groups of four)."""
    return (text or "").strip().upper().replace("-", "").replace(" ", "")


def code_display(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(c in ALPHABET for c in code)


def code_hash(code: str) -> str:
    return hashlib.sha256(b"pacesetter-ballot-code:" + code.encode()).hexdigest()
