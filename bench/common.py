"""What the benchmarks share: a fresh database in a temporary folder (unless one is given),
the demo territory and people, and a timer that reports the median of repeated runs."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date

os.environ.setdefault("SANFUWU_VAR_DIR", tempfile.mkdtemp(prefix="sanfuwu-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanfuwu.settings")

import django

django.setup()

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))


def timed(fn: Callable[[], object]) -> float:
    """Median milliseconds over ROUNDS calls, after one warm-up."""
    fn()
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def build_territory() -> None:
    from django.core.management import call_command

    from sanfuwu.core.demokit import DemoContext
    from sanfuwu.orgs import demo as orgs_demo
    from sanfuwu.people import demo as people_demo

    call_command("migrate", verbosity=0)
    ctx = DemoContext(seed=1, today=date.today(), out=sys.stdout)
    orgs_demo.build(ctx)
    people_demo.build(ctx)
