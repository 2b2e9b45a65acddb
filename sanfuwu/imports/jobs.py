"""Large imports run here, on a worker; sanfuwu.core.jobs loads this module."""

from __future__ import annotations

from sanfuwu.core.jobs import queue
from sanfuwu.imports.runs import import_run_execute


@queue.task()
def run_import(run_id: int) -> None:
    import_run_execute(run_id=run_id)
