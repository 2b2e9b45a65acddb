"""What the benchmarks share: a fresh database in a temporary folder (unless one is given),
the demo territory and people, and a timer that reports the median of repeated runs."""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

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


def lead_part(issue: Any, rng: random.Random) -> Any:
    """The lead department's part of a dispatched issue, in the state the issue's status implies:
    still to sign while the issue is assigned, signed (some hours after dispatch) once it moved on."""
    from sanfuwu.issues.models import Assignment, AssignmentState, Status

    waiting = issue.status == Status.ASSIGNED
    return Assignment(
        issue=issue, department=issue.lead_department, is_lead=True, dispatched_at=issue.dispatched_at,
        state=AssignmentState.PENDING if waiting else AssignmentState.ACCEPTED,
        accepted_at=None if waiting else issue.dispatched_at + timedelta(hours=rng.uniform(0.5, 60)),
        due_date=issue.due_date, registered_at=issue.registered_at,
    )  # fmt: skip
