"""Benchmark: the dispatcher's triage queue (待梳理) on a large table.

    BENCH_ISSUES=1000000 .venv/bin/python -m bench.triage

Builds the issues of bench.issue_lists (2 % of them registered, waiting for a dispatcher), turns a
tenth of the waiting ones into returned issues with the assignment that sent them back, then
reports the median time of what the page reads: its first page with each row's departments and
returns, the queue's counts, and each filter.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from bench.common import timed
from bench.issue_lists import ROUNDS, build
from sanfuwu.core.paging import capped_count
from sanfuwu.issues.models import Assignment, AssignmentState, Issue, Status
from sanfuwu.issues.triage import triage_counts, triage_issues, triage_order, triage_rows
from sanfuwu.orgs.models import Category, Region
from sanfuwu.people.models import Person


def returned_ones() -> None:
    """A tenth of the waiting issues came back from their department, some of them long ago."""
    if Issue.objects.filter(status=Status.RETURNED).exists():
        return
    rng = random.Random(2)
    waiting = list(
        Issue.objects.filter(status=Status.REGISTERED).values_list(
            "pk", "registered_at", "category__default_department"
        )
    )
    picked = rng.sample(waiting, len(waiting) // 10)
    rows = []
    for pk, registered, department in picked:
        back = registered + timedelta(days=rng.randint(1, 5))
        rows.append(Assignment(issue_id=pk, department_id=department, is_lead=True, state=AssignmentState.RETURNED,
                               dispatched_at=registered, returned_at=back, return_reason="不属于本部门职责范围。",
                               registered_at=registered))  # fmt: skip
    Assignment.objects.bulk_create(rows, batch_size=5000)
    Issue.objects.filter(pk__in=[p[0] for p in picked]).update(status=Status.RETURNED)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def page(person: Person, filters: dict[str, object]) -> None:
    """What the page reads for its rows: the capped count, 25 rows with their departments and returns."""
    ids = triage_order(triage_rows(person, filters))
    capped_count(ids)
    triage_issues(list(ids[:25]))


def main() -> None:
    build()
    returned_ones()
    dispatcher = Person.objects.get(username="dispatcher")
    street = Person.objects.get(username="dispatcher_xiasha")
    category = Category.objects.first()
    region = Region.objects.get(name="下沙街道")
    queue = Issue.objects.filter(status__in=[Status.REGISTERED, Status.RETURNED]).count()
    waiting_number = (
        Issue.objects.filter(status=Status.REGISTERED).values_list("number", flat=True).first() or ""
    )
    results = {
        "first page (district)": timed(lambda: page(dispatcher, {})),
        "first page (street)": timed(lambda: page(street, {})),
        "counts: all, returned, by age (district)": timed(lambda: triage_counts(dispatcher)),
        "search a whole number": timed(lambda: page(dispatcher, {"q": waiting_number})),
        "search part of a number": timed(lambda: page(dispatcher, {"q": waiting_number[-6:]})),
        "search title and description": timed(lambda: page(dispatcher, {"q": "没有这个词"})),
        "category": timed(lambda: page(dispatcher, {"category": category})),
        "region (a street)": timed(lambda: page(dispatcher, {"region": region})),
        "source and tier": timed(lambda: page(dispatcher, {"source": "hotline", "tier": "immediate"})),
        "returned only": timed(lambda: page(dispatcher, {"returned": True})),
        "waited today": timed(lambda: page(dispatcher, {"age": "today"})),
        "waited 3+ days": timed(lambda: page(dispatcher, {"age": "3+"})),
    }
    print(
        f"\n{connection.vendor}, {Issue.objects.count():,} issues, {queue:,} waiting, median of {ROUNDS} rounds"
    )
    for label, ms in results.items():
        print(f"  {label:<44} {ms:9.2f} ms")
    print(f"  (now {timezone.now():%Y-%m-%d %H:%M})")


if __name__ == "__main__":
    main()
