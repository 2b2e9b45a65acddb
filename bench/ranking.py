"""Benchmark: a month's horse-race ranking of both leagues on a large district.

    BENCH_ISSUES=1000000 .venv/bin/python -m bench.ranking
    SANFUWU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanfuwu_bench BENCH_ISSUES=1000000 .venv/bin/python -m bench.ranking

Builds the demo territory, people and catalogue, then N issues over a year with their lead
assignments and return visits (the rows the rates read), the demo's indicator table, and reports
the median time of one month's ranking per league, with its previous month for the movement.
"""

from __future__ import annotations

import os
import random
import time
from datetime import timedelta
from functools import partial

from django.db import connection
from django.utils import timezone

from bench.common import build_territory, bulk_insert, lead_part, timed
from sanfuwu.core.demokit import DemoContext
from sanfuwu.core.periods import previous_span, span_bounds
from sanfuwu.issues.models import Issue, IssueEvent, Status, Tier
from sanfuwu.orgs.models import Category, Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.scoring import demo as scoring_demo
from sanfuwu.scoring.models import Indicator, League, MonthlyRollup
from sanfuwu.scoring.rollup import rollup_month
from sanfuwu.scoring.standings import league_board

N = int(os.environ.get("BENCH_ISSUES", "200000"))
DONE = (
    [Status.CLOSED] * 80
    + [Status.RESOLVED] * 6
    + [Status.IN_PROGRESS] * 8
    + [Status.ASSIGNED] * 3
    + [Status.LONG_TERM] * 3
)


def build() -> None:
    build_territory()
    if not Indicator.objects.exists():
        import io

        scoring_demo.build(DemoContext(seed=1, today=timezone.localdate(), out=io.StringIO()))
    if Issue.objects.count() >= N:
        return
    rng = random.Random(1)
    grids = list(Region.objects.filter(kind=RegionKind.GRID))
    categories = list(Category.objects.select_related("default_department"))
    person = Person.objects.get(username="dispatcher")
    now = timezone.now()
    started = time.perf_counter()
    for first in range(0, N, 20000):
        issues = []
        for i in range(first, min(first + 20000, N)):
            category = rng.choice(categories)
            status = rng.choice(DONE)
            registered = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            dispatched = registered + timedelta(hours=rng.uniform(1, 30))
            resolved = (
                dispatched + timedelta(days=rng.uniform(1, 20))
                if status in (Status.CLOSED, Status.RESOLVED)
                else None
            )
            issues.append(Issue(
                number=f"WT-R-{i:08d}", title="基准问题", description="基准", source="visit", category=category,
                region=rng.choice(grids), tier=Tier.DEADLINE, status=status, registered_at=registered, registered_by=person,
                lead_department=category.default_department, dispatched_at=dispatched, resolved_at=resolved,
                due_date=(dispatched + timedelta(days=rng.randint(5, 20))).date(), reopen_count=int(rng.random() < 0.04),
                **({"resolution": "已办结", "feedback": "已答复", "rating": "satisfied"} if status == Status.CLOSED else {}),
            ))  # fmt: skip
        bulk_insert(issues)
        bulk_insert([lead_part(i, rng) for i in issues])
        bulk_insert([
            IssueEvent(issue=i, seq=9, action="rate", at=i.resolved_at + timedelta(days=2), to_status=Status.RESOLVED,
                       changes={"rating": rng.choice(["satisfied"] * 18 + ["basic", "unsatisfied"])})
            for i in issues if i.resolved_at is not None
        ])  # fmt: skip
    print(
        f"built {Issue.objects.count():,} issues with assignments and return visits in {time.perf_counter() - started:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    build()
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    start, end = span_bounds("month", last_month, today)
    previous = previous_span("month", start)
    month_issues = Issue.objects.filter(registered_at__date__gte=start, registered_at__date__lte=end).count()
    rounds = os.environ.get("BENCH_ROUNDS", "15")
    total = Issue.objects.count()
    print(
        f"\n{connection.vendor}, {total:,} issues ({month_issues:,} in {last_month}), median of {rounds} rounds"
    )
    MonthlyRollup.objects.all().delete()
    live = {}
    for league in League.values:
        board = league_board(league, start, end, previous=previous)
        ranked = sum(1 for s in board.standings if s.rank is not None)
        live[league] = timed(partial(league_board, league, start, end, previous=previous))
        print(f"  {league:<12} {len(board.indicators)} indicators, {ranked} units ranked")
    counted = time.perf_counter()
    for month in (previous[0], start):
        rollup_month(month)
    job = (time.perf_counter() - counted) * 1000 / 2
    print(f"  the hourly job's roll-up of one month (both leagues): {job:9.1f} ms")
    for league in League.values:
        rolled = timed(partial(league_board, league, start, end, previous=previous))
        print(f"  {league:<12} month + the month before: counted from the issues {live[league]:8.1f} ms,"
              f" from the roll-ups {rolled:7.1f} ms ({live[league] / rolled:5.1f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
