"""Benchmark: the issue list's Excel export of a large district, streamed.

    BENCH_ISSUES=1000000 .venv/bin/python -m bench.exports

Builds N issues (as bench.ranking does), then streams the export of all of them as a district
administrator sees them and reports the time, the file's size and how far the process's memory
rose while it ran: the rows are read by keyset in chunks and written to the zip as they come,
so the peak stays flat whatever N is.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.http import QueryDict

from bench.ranking import build
from sanfuwu.core.xlsx import xlsx_chunks
from sanfuwu.issues.models import Issue
from sanfuwu.people.models import Person
from sanfuwu.portal.exporting import EXPORTS


def peak_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    build()
    admin = Person.objects.get(username="admin")
    rows = Issue.objects.count()
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts over from here
    before = peak_rss_kb()
    started = time.perf_counter()
    first_byte = None
    size = 0
    for chunk in xlsx_chunks(EXPORTS["issues"](admin, QueryDict()).sheets):
        size += len(chunk)
        if first_byte is None and size:
            first_byte = time.perf_counter() - started
    took = time.perf_counter() - started
    print(f"export of {rows:,} issues: {size / 1e6:.1f} MB in {took:.1f} s = {rows / took:,.0f} rows/s; "
          f"first bytes after {first_byte or 0:.2f} s; peak memory +{(peak_rss_kb() - before) / 1024:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
