"""Periodic work on issues; sanfuwu.core.jobs runs it."""

from __future__ import annotations

from huey import crontab

from sanfuwu.core.jobs import queue
from sanfuwu.issues import tasks


# Hourly rather than at midnight: the worker's clock may not be on Beijing time, and flagging is
# idempotent, so an issue goes on the board within the first hour of being late.
@queue.periodic_task(crontab(minute="7"))
@queue.lock_task("issues-flag-overdue")
def issues_flag_overdue() -> int:
    return tasks.issues_flag_overdue()
