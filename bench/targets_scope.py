"""Benchmark: scoped target lists on a large table, and subtree look-ups.

    make bench                       # SQLite in a temporary folder, 200,000 targets
    BENCH_TARGETS=1000000 make bench
    SANFUWU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanfuwu_bench make bench

Reports times measured in one run and their ratios, never pass/fail thresholds.
"""

from __future__ import annotations

import os
import random
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from sanfuwu.core.demokit import DemoContext  # noqa: E402
from sanfuwu.orgs import demo as orgs_demo  # noqa: E402
from sanfuwu.orgs.models import Region, RegionKind  # noqa: E402
from sanfuwu.people import demo as people_demo  # noqa: E402
from sanfuwu.people.models import Person  # noqa: E402
from sanfuwu.targets.demo import demo_credit_code  # noqa: E402
from sanfuwu.targets.models import Target  # noqa: E402
from sanfuwu.targets.selectors import TargetFilter, target_search  # noqa: E402

TARGETS = int(os.environ.get("BENCH_TARGETS", "200000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))


def timed(fn: Callable[[], object]) -> float:
    """Median milliseconds over ROUNDS calls, after one warm-up."""
    fn()
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def build() -> None:
    call_command("migrate", verbosity=0)
    ctx = DemoContext(seed=1, today=date.today(), out=sys.stdout)
    orgs_demo.build(ctx)
    people_demo.build(ctx)
    if Target.objects.count() >= TARGETS:
        return
    rng = random.Random(1)
    grids = list(Region.objects.filter(kind=RegionKind.GRID).select_related("parent"))
    started = time.perf_counter()
    batch: list[Target] = []
    codes: set[str] = set()
    for i in range(TARGETS):
        grid = rng.choice(grids)
        code = demo_credit_code(rng)
        if code in codes:
            continue
        codes.add(code)
        name = f"基准企业{i:07d}有限公司"
        parent = grid.parent
        key = rng.random() < 0.1
        batch.append(
            Target(
                kind="enterprise",
                name=name,
                credit_code=code,
                industry="machinery",
                region=parent,
                grid=grid,
                is_key=key,
            )
        )
        if len(batch) == 10_000:
            Target.objects.bulk_create(batch)
            batch.clear()
    Target.objects.bulk_create(batch)
    print(f"built {Target.objects.count():,} targets in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def walk_children(region: Region) -> list[int]:
    """What a naive tree costs: one query per node."""
    ids = [region.pk]
    for child in Region.objects.filter(parent=region):
        ids += walk_children(child)
    return ids


def main() -> None:
    build()
    street = Region.objects.get(name="下沙街道")
    grid = Region.objects.filter(kind=RegionKind.GRID, path__startswith=street.path).first()
    dispatcher = Person.objects.get(username="dispatcher_xiasha")
    leader = Person.objects.get(username="leader")

    def page(person: Person, f: TargetFilter) -> None:
        qs = target_search(person, f)
        qs.count()
        list(qs[:25])

    enterprises = TargetFilter(kind="enterprise")
    results = {
        "subtree, one prefix query": timed(lambda: list(street.subtree().values_list("id", flat=True))),
        "subtree, query per node": timed(lambda: walk_children(street)),
        "street dispatcher, first page + count": timed(lambda: page(dispatcher, enterprises)),
        "leader, whole district, first page + count": timed(lambda: page(leader, enterprises)),
        "leader, one grid, first page + count": timed(lambda: page(leader, TargetFilter(grid=grid))),
        "leader, name search": timed(lambda: page(leader, TargetFilter(q="基准企业00012"))),
    }
    print(f"\n{connection.vendor}, {Target.objects.count():,} targets, median of {ROUNDS} rounds")
    for label, ms in results.items():
        print(f"  {label:<45} {ms:9.2f} ms")
    naive, prefix = results["subtree, query per node"], results["subtree, one prefix query"]
    print(f"\n  per-node walk / prefix query: {naive / prefix:.1f}×")
    whole = results["leader, whole district, first page + count"]
    print(f"  street page / district page:  {results['street dispatcher, first page + count'] / whole:.2f}")
    print(f"  grid page / district page:    {results['leader, one grid, first page + count'] / whole:.2f}")


if __name__ == "__main__":
    main()
