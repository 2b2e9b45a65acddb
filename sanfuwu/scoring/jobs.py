"""Periodic work of the horse race; sanfuwu.core.jobs runs it."""

from __future__ import annotations

from datetime import date

from huey import crontab

from sanfuwu.core.jobs import queue
from sanfuwu.scoring.models import MonthlyRollup
from sanfuwu.scoring.rollup import rollup_month, rollup_recent


@queue.periodic_task(crontab(minute="17"))
@queue.lock_task("scoring-rollup")
def rollup_recent_months() -> int:
    return len(rollup_recent())


@queue.task()
def rollup_months(months: list[date]) -> int:
    """Recount months already rolled up whose issues changed after the fact (a historic ledger)."""
    rolled = set(MonthlyRollup.objects.filter(month__in=months).values_list("month", flat=True))
    counted: set[tuple[str, date]] = set()  # each quarter's and year's coverage once
    for month in sorted(rolled):
        rollup_month(month, counted=counted)
    return len(rolled)
