"""Benchmark: the dashboard (数据驾驶舱) page on a large district, over HTTP as its readers open it.

    BENCH_ISSUES=1000000 .venv/bin/python -m bench.dashboard
    SANFUWU_DATABASE_URL=sqlite:////tmp/bench.sqlite3 BENCH_ISSUES=100000 .venv/bin/python -m bench.dashboard

Builds the demo district (its people, enterprises, pairings, visits, six months of issues and the
horse race), then adds issues in bulk up to N over the last year, with their lead assignments and
return visits, as a district's ledger stands: old issues are mostly done, recent ones still open,
a few late and supervised, a few void. The hourly job's roll-ups are recounted, then the page is
fetched through the WSGI handler (the whole request: middleware, view, template) by a leader, a
street dispatcher and a department head, and the median time of each is reported.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone

from bench.common import ROUNDS, lead_part
from sanfuwu.issues.models import Assignment, Issue, IssueEvent, Source, Status, Tier
from sanfuwu.orgs.models import Category, Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.scoring.models import MonthlyRollup
from sanfuwu.scoring.rollup import rollup_month

N = int(os.environ.get("BENCH_ISSUES", "200000"))
BATCH = 20000
SETTLED = [Status.CLOSED] * 90 + [Status.RESOLVED] * 6 + [Status.LONG_TERM] * 2 + [Status.VOID] * 2
RECENT = (
    [Status.CLOSED] * 30 + [Status.RESOLVED] * 20 + [Status.IN_PROGRESS] * 25 + [Status.ASSIGNED] * 10
    + [Status.REGISTERED] * 8 + [Status.RETURNED] * 3 + [Status.LONG_TERM] * 2 + [Status.VOID] * 2
)  # fmt: skip
DONE = (Status.CLOSED, Status.RESOLVED)
RUNNING = (Status.IN_PROGRESS, Status.ASSIGNED)


def build() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        from sanfuwu.core.demokit import demo_build

        demo_build(seed=2025, today=timezone.localdate(), out=io.StringIO())
    missing = N - Issue.objects.count()
    if missing <= 0:
        return
    rng = random.Random(N + missing)
    numbered = Issue.objects.filter(number__startswith="BD-").count()  # a build stopped halfway goes on
    grids = list(Region.objects.filter(kind=RegionKind.GRID))
    categories = [c for c in Category.objects.select_related("default_department") if c.default_department]
    person = Person.objects.get(username="dispatcher")
    sources, tiers = list(Source.values), [Tier.IMMEDIATE, Tier.DEADLINE, Tier.DEADLINE, Tier.DONE]
    now = timezone.now()
    started = time.perf_counter()
    for first in range(0, missing, BATCH):
        issues = []
        for i in range(first, min(first + BATCH, missing)):
            category = rng.choice(categories)
            registered = now - timedelta(minutes=rng.randint(60, 365 * 24 * 60))
            age = (now - registered).days
            status = rng.choice(SETTLED if age > 45 else RECENT)
            dispatched = (
                None if status == Status.REGISTERED else registered + timedelta(hours=rng.uniform(1, 30))
            )
            due = (dispatched + timedelta(days=rng.randint(5, 40))).date() if dispatched else None
            resolved = None
            if status in DONE:
                resolved = min(now, dispatched + timedelta(days=rng.uniform(1, 25)))  # type: ignore[operator]
            issues.append(Issue(
                number=f"BD-{numbered + i:08d}", title="基准问题", description="基准", category=category,
                source=rng.choice(sources),
                region=rng.choice(grids), tier=rng.choice(tiers), status=status, registered_at=registered, registered_by=person,
                lead_department=category.default_department if dispatched else None, dispatched_at=dispatched,
                resolved_at=resolved, due_date=due, supervised=status in RUNNING and rng.random() < 0.1,
                reopen_count=int(rng.random() < 0.03),
                **({"resolution": "已办结", "feedback": "已答复", "rating": "satisfied"} if status == Status.CLOSED else {}),
            ))  # fmt: skip
        Issue.objects.bulk_create(issues)
        Assignment.objects.bulk_create([lead_part(i, rng) for i in issues if i.dispatched_at is not None])
        IssueEvent.objects.bulk_create([
            IssueEvent(issue=i, seq=9, action="rate", at=i.resolved_at + timedelta(days=2), to_status=Status.RESOLVED,
                       changes={"rating": rng.choice(["satisfied"] * 18 + ["basic", "unsatisfied"])})
            for i in issues if i.resolved_at is not None and i.resolved_at + timedelta(days=2) < now
        ])  # fmt: skip
        print(f"  {first + len(issues):,} of {missing:,} issues added", flush=True)
    print(f"built {Issue.objects.count():,} issues in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def recount() -> float:
    """The hourly job's work, and the months before it that the dashboard's charts read."""
    started = time.perf_counter()
    month = (timezone.localdate() - timedelta(days=200)).replace(day=1)
    while month <= timezone.localdate():
        rollup_month(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return time.perf_counter() - started


def timed_cpu(fn: Callable[[], object]) -> tuple[float, float]:
    """Median wall and CPU milliseconds over ROUNDS calls: on a shared machine the wall time also
    counts the waits for a core, while SQLite, working in this process, counts as its CPU time."""
    fn()
    walls, cpus = [], []
    for _ in range(ROUNDS):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    build()
    took = recount()
    print(
        f"\n{connection.vendor}, {Issue.objects.count():,} issues; roll-ups of 7 months recounted in {took:.1f} s"
    )
    readers = {
        "leader, the district": ("leader", {}),
        "leader, one street": ("leader", {"region": str(Region.objects.get(name="下沙街道").pk)}),
        "street dispatcher": ("dispatcher_xiasha", {}),
        "department head (建设局)": ("handler", {}),
    }
    print(
        f"GET /race/dashboard/ (last month), median of {ROUNDS} rounds after one warm-up; load {os.getloadavg()[0]:.1f}"
    )
    for label, (username, query) in readers.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(Person.objects.get(username=username))

        def fetch(client: Client = client, query: dict[str, str] = query) -> None:
            response = client.get("/race/dashboard/", query)
            assert response.status_code == 200, response.status_code

        cold_started = time.perf_counter()
        fetch()
        cold = (time.perf_counter() - cold_started) * 1000
        wall, cpu = timed_cpu(fetch)
        print(f"  {label:<28} {wall:8.1f} ms   (CPU {cpu:7.1f} ms; first request {cold:8.1f} ms)")
    # The same page before the hourly job has run: every figure counted from the issues.
    MonthlyRollup.objects.update(dashboard_at=None)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(Person.objects.get(username="leader"))
    started = time.perf_counter()
    client.get("/race/dashboard/")
    took = (time.perf_counter() - started) * 1000
    print(f"  without the dashboard's roll-ups (leader, the district, one request): {took:8.1f} ms")
    recount()


if __name__ == "__main__":
    main()
