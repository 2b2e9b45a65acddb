"""Runs one import in a process of its own and reports its peak memory, for the tests of large
files: `python -m tests.imports.measure_import KIND FILE USERNAME`.

Prints "started" once the run is handed in (the test then acts on the database beside it), and at
the end one line of JSON: the run's state and counts, the process's resident memory after start-up
and at its peak (the kernel's high-water mark, which sees every allocation, the C libraries' included)."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def _peak_mb() -> float:
    # VmHWM is this program's own high-water mark. ru_maxrss would do on a fresh process, but Linux
    # keeps it across execve, so a child of a test run grown to 300 MB would start "at" 300 MB.
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfuwu.settings")
    import django

    django.setup()
    from sanfuwu.imports.kinds import KINDS
    from sanfuwu.imports.runs import import_run_create, import_run_execute
    from sanfuwu.people.models import Person

    kind, path, username = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    actor = Person.objects.get(username=username)
    data = path.read_bytes()
    run = import_run_create(actor=actor, kind=KINDS[kind], filename=path.name, data=data, dry_run=False)
    del data
    started = _peak_mb()
    print("started", flush=True)
    began = time.monotonic()
    run = import_run_execute(run_id=run.pk)
    print(
        json.dumps(
            {
                "state": run.state,
                "message": run.message,
                "rows": run.rows,
                "error_count": run.error_count,
                "errors_kept": len(run.errors),
                "report": run.report is not None,
                "started_mb": round(started),
                "peak_mb": round(_peak_mb()),
                "seconds": round(time.monotonic() - began, 1),
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
