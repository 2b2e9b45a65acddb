"""Periodic work of the horse race; sanfuwu.core.jobs runs it."""

from __future__ import annotations

from huey import crontab

from sanfuwu.core.jobs import queue
from sanfuwu.scoring.rollup import rollup_recent


@queue.periodic_task(crontab(minute="17"))
@queue.lock_task("scoring-rollup")
def rollup_recent_months() -> int:
    return len(rollup_recent())
