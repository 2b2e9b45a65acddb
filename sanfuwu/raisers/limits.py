"""How much the public channel takes from one address or one device before it refuses politely,
counted from the attempts it recorded (so every server process counts the same), and the
human check that stands in for a captcha service: a sum to work out, a field only robots fill,
and a form that cannot be sent back faster than a person reads it."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.utils import timezone

from sanfuwu.raisers.models import Attempt, Outcome, Step

# (step, window, most per address, most per device)
LIMITS = (
    (Step.RAISE, timedelta(hours=1), 5, 3),
    (Step.RAISE, timedelta(days=1), 20, 10),
    (Step.RATE, timedelta(hours=1), 10, 10),
)
# Wrong codes tried from one address: past this, look-ups are refused for the hour.
WRONG_CODES_PER_HOUR = 20
# Forms that failed the human check from one address: past this, its submissions wait an hour.
FAILED_CHECKS_PER_HOUR = 20
# The limits look back a day; the staff page a week; a quarter is kept for an inquiry.
KEEP = timedelta(days=90)
FASTEST_HUMAN = 3  # seconds from opening the form to sending it
CHECK_MAX_AGE = 2 * 3600
SALT = "sanfuwu.raisers.check"


def too_many(*, step: str, address: str | None, device: str) -> bool:
    """Whether one more `step` from this address or device would pass a limit."""
    now = timezone.now()
    if step == Step.TRACK:
        wrong = Attempt.objects.filter(
            step=Step.TRACK, outcome=Outcome.UNKNOWN_CODE, address=address, at__gte=now - timedelta(hours=1)
        )
        return address is not None and wrong.count() >= WRONG_CODES_PER_HOUR
    if step == Step.RAISE and address is not None:
        failed = Attempt.objects.filter(
            step=Step.RAISE, outcome=Outcome.FAILED_CHECK, address=address, at__gte=now - timedelta(hours=1)
        )
        if failed.count() >= FAILED_CHECKS_PER_HOUR:
            return True
    for limited, window, per_address, per_device in LIMITS:
        if limited != step:
            continue
        done = Attempt.objects.filter(step=step, outcome=Outcome.ACCEPTED, at__gte=now - window)
        if address is not None and done.filter(address=address).count() >= per_address:
            return True
        if device and done.filter(device=device).count() >= per_device:
            return True
    return False


def attempt_record(
    *, step: str, outcome: str, address: str | None, device: str, issue_id: int | None = None
) -> None:
    Attempt.objects.create(step=step, outcome=outcome, address=address, device=device[:32], issue_id=issue_id)


def attempts_forget(*, now: datetime | None = None) -> int:
    """Attempts older than KEEP, deleted in batches so that a flood's rows never lock the table long."""
    old = Attempt.objects.filter(at__lt=(now or timezone.now()) - KEEP)
    gone = 0
    while ids := list(old.values_list("pk", flat=True)[:5000]):
        gone += Attempt.objects.filter(pk__in=ids).delete()[0]
    return gone


@dataclass(frozen=True)
class Check:
    question: str
    token: str


def check_new() -> Check:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": a, "b": b, "t": int(time.time())}, salt=SALT)
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
        return int(answer.strip()) == int(data["a"]) + int(data["b"])
    except (ValueError, KeyError, TypeError):
        return False
