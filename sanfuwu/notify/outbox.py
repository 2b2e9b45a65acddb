"""Sending the outbox: a robot's pending deliveries are claimed with a compare-and-set, sent as
one message, the attempt logged, and recorded delivered only by the claim that sent them. A
failure puts them back with an exponential back-off and jitter; a claim left by a worker that
died is taken back by the sweep after its lease. So every delivery reaches its group at least
once and is recorded delivered exactly once."""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Min
from django.utils import timezone

from sanfuwu.notify.models import Attempt, Delivery, DeliveryState, Receiver
from sanfuwu.notify.robots import Answer, body_of, robot_send

log = logging.getLogger("sanfuwu.notify")

LEASE = timedelta(minutes=5)  # longer than any send (5 s timeout) could take
MAX_ATTEMPTS = 8  # about four hours of back-off before a delivery is given up as failed
PER_MESSAGE = 100  # lines one message carries at most: ~15 KB, within DingTalk's 20,000 bytes
WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Outcome:
    sent: int  # deliveries recorded delivered by this call
    retry_at: datetime | None  # when this robot has work again, if it has


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """30 s, 1 min, 2 min … doubled per failed attempt, capped at an hour, with up to a fifth of
    jitter so that robots failing together do not retry together."""
    base = min(30 * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=base * (1 + (rng or random).uniform(0, 0.2)))


def claim(receiver: Receiver, now: datetime) -> tuple[str, list[Delivery]]:
    token = uuid.uuid4().hex
    ids = list(
        Delivery.objects.filter(receiver=receiver, state=DeliveryState.PENDING, next_at__lte=now)
        .order_by("id")
        .values_list("id", flat=True)[:PER_MESSAGE]
    )
    # Compare-and-set: only rows still pending become ours; another worker's claim wins the rest.
    Delivery.objects.filter(pk__in=ids, state=DeliveryState.PENDING).update(
        state=DeliveryState.SENDING, claim=token, claimed_at=now
    )
    return token, list(Delivery.objects.filter(claim=token, state=DeliveryState.SENDING).order_by("id"))


def record(receiver: Receiver, token: str, claimed: list[Delivery], answer: Answer, now: datetime) -> int:
    attempt = Attempt.objects.create(
        receiver=receiver, at=now, ok=answer.ok, status=answer.status, answer=answer.text, ms=answer.ms
    )
    attempt.deliveries.set(claimed)
    mine = Delivery.objects.filter(claim=token, state=DeliveryState.SENDING)
    if answer.ok:
        # Only the claim that sent them records them: a sweep that took them back for a worker
        # presumed dead makes this update find nothing, and the delivery is not recorded twice.
        return mine.update(state=DeliveryState.DELIVERED, delivered_at=now, attempts=F("attempts") + 1)
    for d in claimed:
        tries = d.attempts + 1
        mine.filter(pk=d.pk).update(
            state=DeliveryState.FAILED if tries >= MAX_ATTEMPTS else DeliveryState.PENDING,
            attempts=tries,
            next_at=now + backoff(tries),
            claim="",
        )
    log.warning(
        "robot %s refused %s deliveries: %s %s", receiver.pk, len(claimed), answer.status, answer.text[:200]
    )
    return 0


def rate_free_at(receiver: Receiver, now: datetime) -> datetime | None:
    """None when the robot may be sent to now; else when its last minute frees a slot."""
    recent = Attempt.objects.filter(receiver=receiver, at__gt=now - WINDOW)
    if recent.count() < receiver.per_minute:
        return None
    oldest = recent.order_by("at").values_list("at", flat=True)[:1]
    return oldest[0] + WINDOW if oldest else now + WINDOW


def next_work(receiver: Receiver) -> datetime | None:
    return Delivery.objects.filter(receiver=receiver, state=DeliveryState.PENDING).aggregate(
        at=Min("next_at")
    )["at"]


def receiver_deliver(*, receiver_id: int, now: datetime | None = None) -> Outcome:
    """Send what is due for one robot, in one message, if its rate allows."""
    now = now or timezone.now()
    receiver = Receiver.objects.filter(pk=receiver_id, active=True).first()
    if receiver is None:
        return Outcome(0, None)
    later = rate_free_at(receiver, now)
    if later is not None:
        # Over the robot's limit: what arrives meanwhile waits and goes together in one message.
        return Outcome(0, later)
    token, claimed = claim(receiver, now)
    if not claimed:
        return Outcome(0, next_work(receiver))
    answer = robot_send(receiver, body_of(receiver, claimed))
    sent = record(receiver, token, claimed, answer, now)
    return Outcome(sent, next_work(receiver))


def deliveries_sweep(now: datetime | None = None) -> list[int]:
    """Take back claims older than the lease (their worker died between claiming and recording)
    and name the robots with deliveries due now, for the queue to send."""
    now = now or timezone.now()
    Delivery.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=now - LEASE).update(
        state=DeliveryState.PENDING, claim="", next_at=now
    )
    return list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_at__lte=now)
        .values_list("receiver_id", flat=True)
        .distinct()
        .order_by("receiver_id")
    )


def delivery_retry(*, delivery_ids: list[int], now: datetime | None = None) -> list[int]:
    """An admin's retry of failed or waiting deliveries: due again now. Returns their robots."""
    now = now or timezone.now()
    qs = Delivery.objects.filter(pk__in=delivery_ids, state__in=[DeliveryState.FAILED, DeliveryState.PENDING])
    robots = sorted(set(qs.values_list("receiver_id", flat=True)))
    qs.update(state=DeliveryState.PENDING, next_at=now, claim="")
    return robots


KEEP_READ = timedelta(days=180)
KEEP_UNREAD = timedelta(days=365)
KEEP_PUSHES = timedelta(days=90)


def notices_forget(*, now: datetime | None = None) -> int:
    """A notice is word of something recorded elsewhere (the issue's own events stay forever): read
    ones go after half a year, unread ones after a year, the robots' record after three months.
    The morning reminders alone write one row per late issue a day, so nothing else bounds them."""
    from sanfuwu.notify.models import Notice

    now = now or timezone.now()
    gone = 0
    for qs in (
        Notice.objects.filter(read_at__isnull=False, created_at__lt=now - KEEP_READ),
        Notice.objects.filter(read_at__isnull=True, created_at__lt=now - KEEP_UNREAD),
        Attempt.objects.filter(at__lt=now - KEEP_PUSHES),
        Delivery.objects.filter(created_at__lt=now - KEEP_PUSHES).exclude(state=DeliveryState.SENDING),
    ):
        while True:
            ids = list(qs.values_list("pk", flat=True)[:5000])
            if not ids:
                break
            gone += qs.model.objects.filter(pk__in=ids).delete()[0]
    return gone
