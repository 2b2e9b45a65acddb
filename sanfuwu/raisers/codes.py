"""Tracking codes (查询码): ten letters and digits a person can read out on the phone, none of them
mistaken for another (no I, L, O, 0 or 1); kept only as a hash."""

from __future__ import annotations

import re
import secrets

from django.utils.crypto import salted_hmac

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10


def code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_clean(typed: str) -> str:
    """What someone typed, as issued: capitals, without spaces or dashes."""
    return re.sub(r"[^0-9A-Z]", "", typed.upper())


def code_hash(code: str) -> str:
    """Keyed with the site's secret: a copy of the database alone does not give the codes back, however
    many guesses a graphics card makes (ten characters of 31 are about 2^50)."""
    return salted_hmac("sanfuwu.raisers.code", code_clean(code), algorithm="sha256").hexdigest()


def code_shown(code: str) -> str:
    """ABCDE-FGHJK: two halves are easier to copy down."""
    code = code_clean(code)
    return f"{code[:5]}-{code[5:]}"
