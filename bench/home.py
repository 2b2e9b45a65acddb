"""Benchmark: each role's home page (工作台) on a large district.

    BENCH_ISSUES=1000000 .venv/bin/python -m bench.home

Builds N issues as bench.issue_lists does (statuses, deadlines and regions spread as a district's,
3 % of them supervised; no histories, which the home does not read) and the demo's indicator
table, rolls up the two months the leader's ranking movements compare (bench.ranking times the
ranking itself on full histories), and reports the median time and the number of queries of the
whole home page, rendered, for one person of each role. Every count on it is capped like the lists'.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.common import ROUNDS, timed
from bench.issue_lists import build
from sanfuwu.core.demokit import DemoContext
from sanfuwu.core.paging import count_cap
from sanfuwu.issues.models import Issue
from sanfuwu.people.models import Person
from sanfuwu.scoring import demo as scoring_demo
from sanfuwu.scoring.models import Indicator
from sanfuwu.scoring.rollup import rollup_month

PERSONAS = [
    "leader",
    "supervisor",
    "dispatcher",
    "dispatcher_xiasha",
    "handler",
    "visitor",
    "evaluator",
    "admin",
]


class QueryCounter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Any, sql: str, *args: Any) -> Any:
        self.n += 1
        return execute(sql, *args)


def prepare() -> None:
    build()
    if not Indicator.objects.exists():
        scoring_demo.build(DemoContext(seed=1, today=timezone.localdate(), out=io.StringIO()))
    first = timezone.localdate().replace(day=1)
    for month in ((first - timedelta(days=1)).replace(day=1), (first - timedelta(days=32)).replace(day=1)):
        rollup_month(month)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    prepare()
    print(f"\n{connection.vendor}, {Issue.objects.count():,} issues, counts capped at {count_cap():,}, "
          f"median of {ROUNDS} rounds")  # fmt: skip
    for username in PERSONAS:
        person = Person.objects.filter(username=username).first()
        if person is None:
            continue
        client = Client()
        client.force_login(person)

        def page(client: Client = client) -> None:
            assert client.get(reverse("home")).status_code == 200

        page()  # the ranking movements are kept after the first read, as they are for everyone
        with connection.execute_wrapper(counter := QueryCounter()):
            page()
        print(f"  {username:<20} {timed(page):8.1f} ms  {counter.n:3d} queries")


if __name__ == "__main__":
    main()
