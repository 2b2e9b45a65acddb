"""Large imports run here, on a worker; sanfuwu.core.jobs loads this module."""

from __future__ import annotations

from huey import crontab

from sanfuwu.core.jobs import queue
from sanfuwu.imports.runs import import_files_forget, import_run_execute


@queue.task()
def run_import(run_id: int) -> None:
    import_run_execute(run_id=run_id)


@queue.periodic_task(crontab(hour="3", minute="23"))
@queue.lock_task("imports-forget-files")
def forget_old_files() -> int:
    return import_files_forget()
