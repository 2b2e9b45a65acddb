"""Tracking codes (查询码): ten letters and digits a person can read out on the phone, none of them
mistaken for another (no I, L, O, 0 or 1); kept only as a hash."""

from __future__ import annotations

import hashlib
import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10


def code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_clean(typed: str) -> str:
    """What someone typed, as issued: capitals, without spaces or dashes."""
    return re.sub(r"[^0-9A-Z]", "", typed.upper())


def code_hash(code: str) -> str:
    return hashlib.sha256(code_clean(code).encode()).hexdigest()


def code_shown(code: str) -> str:
    """ABCDE-FGHJK: two halves are easier to copy down."""
    code = code_clean(code)
    return f"{code[:5]}-{code[5:]}"
