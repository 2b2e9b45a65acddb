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


def bulk_insert(objs: list[Any]) -> None:
    """Insert model instances of one model, setting their ids. On PostgreSQL through COPY (ids
    taken from the table's sequence up front), a few times faster than bulk_create's INSERTs at a
    million rows; elsewhere bulk_create."""
    from django.db import connection

    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=5000)
        return
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    fields = list(meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
        for obj in objs:
            obj._state.adding = False
            obj._state.db = connection.alias
