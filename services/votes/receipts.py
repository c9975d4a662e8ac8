"""Ballot receipt codes: seven characters a voter can read out and check against the
published protocol; the last one is a check character, so a mistyped code is caught."""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
BODY = 6


def _check(body: str) -> str:
    total = sum((i + 1) * ALPHABET.index(c) for i, c in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY))
    return body + _check(body)


def normalize(text: str) -> str:
    return text.strip().upper().replace("-", "").replace(" ", "")


def valid(text: str) -> bool:
    code = normalize(text)
    if len(code) != BODY + 1 or any(c not in ALPHABET for c in code):
        return False
    return _check(code[:BODY]) == code[BODY]


def shown(code: str) -> str:
    """As printed: 'K7Q-4M2X'."""
    return f"{code[:3]}-{code[3:]}"
