"""Periodic work on issues; sanfuwu.core.jobs runs it."""

from __future__ import annotations

from huey import crontab

from sanfuwu.core.jobs import queue
from sanfuwu.issues.tasks import issues_flag_overdue


# Hourly rather than at midnight: the worker's clock may not be on Beijing time, and flagging is
# idempotent, so an issue goes on the board within the first hour of being late.
@queue.periodic_task(crontab(minute="7"))
@queue.lock_task("issues-flag-overdue")
def flag_overdue_issues() -> int:
    return issues_flag_overdue()
