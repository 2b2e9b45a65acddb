"""Benchmark: the issue worklists on a large table.

    BENCH_ISSUES=1000000 .venv/bin/python -m bench.issue_lists
    SANFUWU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanfuwu_bench .venv/bin/python -m bench.issue_lists

Builds the demo territory and people, then N issues in bulk with realistic status, deadline and
region spreads (no histories: the lists read only the issue table), and reports the median time of
each list's first page and count as the pages do it (the count capped at
`sanfuwu.core.paging.count_cap()`, 10,000 unless SANFUWU_COUNT_CAP says otherwise), then the street's
and the district's full lists with the capped count against Django's exact COUNT(*).
"""

from __future__ import annotations

import os
import random
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from bench.common import build_territory, timed
from sanfuwu.core.paging import capped_count, count_cap
from sanfuwu.issues.models import Issue, Status, Tier
from sanfuwu.issues.selectors import issue_worklists, issues_visible_to
from sanfuwu.orgs.models import Category, Region, RegionKind
from sanfuwu.people.models import Person

N = int(os.environ.get("BENCH_ISSUES", "200000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
STATUSES = (
    [Status.CLOSED] * 80
    + [Status.IN_PROGRESS] * 8
    + [Status.RESOLVED] * 4
    + [Status.ASSIGNED] * 3
    + [Status.REGISTERED] * 2
    + [Status.LONG_TERM] * 3
)


def build() -> None:
    build_territory()
    if Issue.objects.count() >= N:
        return
    rng = random.Random(1)
    grids = list(Region.objects.filter(kind=RegionKind.GRID))
    categories = list(Category.objects.select_related("default_department"))
    person = Person.objects.get(username="dispatcher")
    now = timezone.now()
    started = time.perf_counter()
    batch = []
    for i in range(N):
        category = rng.choice(categories)
        status = rng.choice(STATUSES)
        registered = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        dispatched = status not in (Status.REGISTERED,)
        batch.append(Issue(
            number=f"WT-B-{i:08d}", title="基准问题", description="基准", source="visit", category=category,
            region=rng.choice(grids), tier=Tier.DEADLINE, status=status, registered_at=registered, registered_by=person,
            lead_department=category.default_department if dispatched else None,
            due_date=(registered + timedelta(days=rng.randint(3, 30))).date() if dispatched else None,
            supervised=rng.random() < 0.03,
            **({"resolution": "已办结", "feedback": "已答复", "rating": "satisfied"} if status == Status.CLOSED else {}),
        ))  # fmt: skip
        if len(batch) == 20000:
            Issue.objects.bulk_create(batch)
            batch.clear()
    Issue.objects.bulk_create(batch)
    print(f"built {Issue.objects.count():,} issues in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def first_page(qs, exact: bool = False) -> None:  # type: ignore[no-untyped-def]
    """What a list page reads: its count (capped, as the pages count, unless `exact`) and 25 rows."""
    qs.count() if exact else capped_count(qs)
    list(qs[:25])


def main() -> None:
    build()
    dispatcher = Person.objects.get(username="dispatcher")
    street = Person.objects.get(username="dispatcher_xiasha")
    handler = Person.objects.get(username="handler")
    assert handler.department is not None
    queries = issue_worklists(handler.department)
    today = timezone.localdate()
    results = {
        "triage (district dispatcher)": timed(
            lambda: first_page(
                issues_visible_to(dispatcher)
                .filter(status__in=[Status.REGISTERED, Status.RETURNED])
                .order_by("registered_at", "id")
            )
        ),
        "worklist 办理中 (建设局)": timed(
            lambda: first_page(queries["doing"].order_by("due_date", "registered_at", "id"))
        ),
        "worklist 已超期 (建设局)": timed(
            lambda: first_page(queries["overdue"].order_by("due_date", "registered_at", "id"))
        ),
        "worklist tab counts (5)": timed(lambda: [capped_count(q) for q in queries.values()]),
        "street list, newest first": timed(
            lambda: first_page(issues_visible_to(street).order_by("-registered_at", "-id"))
        ),
        "district overdue filter": timed(
            lambda: first_page(
                issues_visible_to(dispatcher)
                .filter(status__in=[Status.ASSIGNED, Status.IN_PROGRESS], due_date__lt=today)
                .order_by("-registered_at", "-id")
            )
        ),
    }
    street_list = issues_visible_to(street).order_by("-registered_at", "-id")
    district_list = issues_visible_to(dispatcher).order_by("-registered_at", "-id")
    compared = {
        f"street list ({street_list.count():,} rows)": street_list,
        f"district list ({district_list.count():,} rows)": district_list,
    }
    print(f"\n{connection.vendor}, {Issue.objects.count():,} issues, median of {ROUNDS} rounds")
    for label, ms in results.items():
        print(f"  {label:<36} {ms:9.2f} ms")
    print(f"\nfirst page + count, exact COUNT(*) against the count capped at {count_cap():,}")
    for label, qs in compared.items():
        exact = timed(lambda qs=qs: first_page(qs, exact=True))
        capped = timed(lambda qs=qs: first_page(qs))
        exact_count = timed(lambda qs=qs: qs.count())
        capped_only = timed(lambda qs=qs: capped_count(qs))
        print(f"  {label}")
        print(f"    page + exact count  {exact:9.2f} ms   (count alone {exact_count:8.2f} ms)")
        print(f"    page + capped count {capped:9.2f} ms   (count alone {capped_only:8.2f} ms)")
        print(
            f"    exact / capped      {exact / capped:9.1f} x     (count alone {exact_count / capped_only:6.1f} x)"
        )


if __name__ == "__main__":
    main()
