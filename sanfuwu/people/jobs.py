"""The sign-in counts' housekeeping; sanfuwu.core.jobs runs it."""

from __future__ import annotations

from huey import crontab

from sanfuwu.core.jobs import queue
from sanfuwu.people.lockout import login_failures_forget


@queue.periodic_task(crontab(hour="3", minute="47"))
@queue.lock_task("people-forget-login-failures")
def forget_login_failures() -> int:
    return login_failures_forget()
