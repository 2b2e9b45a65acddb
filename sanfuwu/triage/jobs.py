"""The nightly retrain: the suggestions follow the district's latest dispatches, and a category the
admin added starts being suggested once issues have been dispatched under it."""

from __future__ import annotations

from huey import crontab

from sanfuwu.core.jobs import queue
from sanfuwu.triage.training import district_train


# 02:40 Beijing time (the queue's clock is UTC): after the day's dispatching, before the next.
@queue.periodic_task(crontab(minute="40", hour="18"))
@queue.lock_task("triage-retrain")
def triage_retrain() -> int:
    return district_train().pk
