"""Large imports run here, on a worker; sanfuwu.core.jobs loads this module."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.db import transaction
from huey import crontab

from sanfuwu.core.jobs import queue
from sanfuwu.imports.models import ImportRun
from sanfuwu.imports.runs import import_files_forget, import_run_execute


@queue.task()
def run_import(run_id: int) -> None:
    import_run_execute(run_id=run_id)


def import_run_start(run: ImportRun) -> None:
    """Run a small file now; queue a large one for a worker, once the run is committed."""
    if run.size <= settings.SANFUWU_IMPORT_INLINE_BYTES:
        # A failure is logged and recorded on the run, whose page says so; the request goes on.
        with contextlib.suppress(Exception):
            import_run_execute(run_id=run.pk)
        return
    transaction.on_commit(lambda: run_import(run.pk))


@queue.periodic_task(crontab(hour="3", minute="23"))
@queue.lock_task("imports-forget-files")
def forget_old_files() -> int:
    return import_files_forget()
