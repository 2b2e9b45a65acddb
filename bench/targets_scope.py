"""Benchmark: scoped target lists on a large table, and subtree look-ups.

    make bench                       # SQLite in a temporary folder, 200,000 targets
    BENCH_TARGETS=1000000 make bench
    SANFUWU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanfuwu_bench make bench

Reports times measured in one run and their ratios, never pass/fail thresholds.
"""

from __future__ import annotations

import os
import random
import time

from django.db import connection

from bench.common import build_territory, timed
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.targets.demo import demo_credit_code
from sanfuwu.targets.models import Target
from sanfuwu.targets.selectors import TargetFilter, target_search

TARGETS = int(os.environ.get("BENCH_TARGETS", "200000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))


def build() -> None:
    build_territory()
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
