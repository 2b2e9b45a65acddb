"""The public channel's housekeeping; sanfuwu.core.jobs runs it."""

from __future__ import annotations

from huey import crontab

from sanfuwu.core.jobs import queue
from sanfuwu.raisers.limits import attempts_forget


@queue.periodic_task(crontab(hour="3", minute="41"))
@queue.lock_task("raisers-forget")
def forget_attempts() -> int:
    return attempts_forget()
