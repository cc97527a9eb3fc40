"""One-time codes (ballot codes, rating slips): 12 characters from a 31-letter alphabet without look-alikes (≈ 59 bits).

Only a hash is stored. The hash needs no per-code salt: the code itself carries 59 random bits, so
guessing the hash input is as hard as guessing the code.
"""

import hashlib
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
LENGTH = 12
GROUP = 4


def code_generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalise(text: str) -> str:
    """The code as typed, reduced to what a code can hold: full-width letters (a Chinese input method) made
    ASCII, upper-cased, and everything but letters and digits dropped — the dashes and spaces a slip prints
    between groups of four, and any "/" or "." that would otherwise end up in the ballot's URL path.
    Cut at twice a code's length, enough to show a mistyped code back to its rater."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(c for c in text if c.isascii() and c.isalnum())[: 2 * LENGTH]


def code_display(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(c in ALPHABET for c in code)


def code_hash(code: str) -> str:
    return hashlib.sha256(b"pacesetter-ballot-code:" + code.encode()).hexdigest()
