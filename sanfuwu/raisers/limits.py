"""How much the public channel takes from one address or one device before it refuses politely,
counted from the attempts it recorded (so every server process counts the same), and the
human check that stands in for a captcha service: a sum to work out, a field only robots fill,
and a form that cannot be sent back faster than a person reads it."""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sanfuwu.raisers.models import Attempt, Outcome, SpentCheck, Step

# (step, window, most per address, most per device)
LIMITS = (
    (Step.RAISE, timedelta(hours=1), 5, 3),
    (Step.RAISE, timedelta(days=1), 20, 10),
    (Step.RATE, timedelta(hours=1), 10, 10),
)
# Wrong codes tried from one address: past this, look-ups are refused for the hour.
WRONG_CODES_PER_HOUR = 20
# Forms that failed the human check, or came back incomplete, from one address: past this, its
# submissions wait an hour (and nobody probes which enterprises are served for free).
FAILED_CHECKS_PER_HOUR = 20
# However many addresses a flood comes from: the channel takes at most this many an hour in all.
ALL_PER_HOUR = 300
# The limits look back a day; the staff page a week; a quarter is kept for an inquiry.
KEEP = timedelta(days=90)
FASTEST_HUMAN = 3  # seconds from opening the form to sending it
CHECK_MAX_AGE = 2 * 3600
SALT = "sanfuwu.raisers.check"


def address_of(raw: str | None) -> str | None:
    """The address a limit counts: an IPv6 address as its /64 (one subscriber's whole block), an
    IPv4 address as it is."""
    if not raw:
        return None
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def too_many(*, step: str, address: str | None, device: str) -> bool:
    """Whether one more `step` from this address or device would pass a limit. A request without
    the device mark counts as one device per address, the strictest there is."""
    now = timezone.now()
    hour = now - timedelta(hours=1)
    if step == Step.TRACK:
        wrong = Attempt.objects.filter(
            step=Step.TRACK, outcome=Outcome.UNKNOWN_CODE, address=address, at__gte=hour
        )
        return address is not None and wrong.count() >= WRONG_CODES_PER_HOUR
    if step == Step.RAISE:
        if (
            Attempt.objects.filter(step=Step.RAISE, outcome=Outcome.ACCEPTED, at__gte=hour).count()
            >= ALL_PER_HOUR
        ):
            return True
        if address is not None:
            failed = Attempt.objects.filter(
                step=Step.RAISE,
                outcome__in=[Outcome.FAILED_CHECK, Outcome.INVALID],
                address=address,
                at__gte=hour,
            )
            if failed.count() >= FAILED_CHECKS_PER_HOUR:
                return True
    for limited, window, per_address, per_device in LIMITS:
        if limited != step:
            continue
        done = Attempt.objects.filter(step=step, outcome=Outcome.ACCEPTED, at__gte=now - window)
        if address is not None and done.filter(address=address).count() >= per_address:
            return True
        mine = done.filter(device=device) if device else done.filter(device="", address=address)
        if (device or address is not None) and mine.count() >= per_device:
            return True
    return False


@contextmanager
def slot(*, address: str | None, device: str) -> Iterator[None]:
    """One submission at a time per address and device, from its count to its write: run the check
    and the write inside, and a burst of requests cannot all pass the count before any is written.
    On SQLite the transaction is IMMEDIATE (it holds the database); on PostgreSQL an advisory lock
    per address and per device, taken in one order."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            keys = sorted({_lock_key(f"a:{address}"), _lock_key(f"d:{device or address}")})
            with connection.cursor() as cursor:
                for key in keys:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        yield


def _lock_key(text: str) -> int:
    return int.from_bytes(hashlib.sha256(f"sanfuwu.raisers:{text}".encode()).digest()[:8], "big", signed=True)


def attempt_record(
    *, step: str, outcome: str, address: str | None, device: str, issue_id: int | None = None
) -> None:
    Attempt.objects.create(step=step, outcome=outcome, address=address, device=device[:32], issue_id=issue_id)


def attempts_forget(*, now: datetime | None = None) -> int:
    """Attempts older than KEEP, deleted in batches so that a flood's rows never lock the table long."""
    now = now or timezone.now()
    old = Attempt.objects.filter(at__lt=now - KEEP)
    gone = 0
    while ids := list(old.values_list("pk", flat=True)[:5000]):
        gone += Attempt.objects.filter(pk__in=ids).delete()[0]
    # A spent sum only has to be remembered while its form could still be sent.
    gone += SpentCheck.objects.filter(at__lt=now - timedelta(seconds=CHECK_MAX_AGE * 2)).delete()[0]
    return gone


@dataclass(frozen=True)
class Check:
    question: str
    token: str


def check_new() -> Check:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": a, "b": b, "t": int(time.time()), "n": secrets.token_hex(8)}, salt=SALT)
    return Check(question=f"{a} + {b} = ?", token=token)


def check_passed(token: str, answer: str, trap: str) -> bool:
    """The sum is right, the form was signed by us within two hours and not sent back in less time
    than a person takes, and the field hidden from people is empty."""
    if trap:
        return False
    try:
        data = signing.loads(token, salt=SALT, max_age=CHECK_MAX_AGE)
    except signing.BadSignature:
        return False
    if time.time() - int(data.get("t", 0)) < FASTEST_HUMAN:
        return False
    try:
        right = int(answer.strip()) == int(data["a"]) + int(data["b"])
    except (ValueError, KeyError, TypeError):
        return False
    return right and _spend(str(data.get("n", "")))


def _spend(nonce: str) -> bool:
    """A worked-out sum counts once: a robot that solved one form cannot send it again and again."""
    if not nonce:
        return False
    try:
        with transaction.atomic():
            SpentCheck.objects.create(nonce=nonce)
    except IntegrityError:
        return False
    return True
