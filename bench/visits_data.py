"""The visiting side of a benchmark district: enterprises in every grid, each paired to its grid
worker (or, where a grid has none, to a department) for a monthly visit, and a year of visits
that keep most of those pairings and miss some — what the visit list and coverage read."""

from __future__ import annotations

import os
import random
from datetime import timedelta

from django.utils import timezone

from bench.common import bulk_insert
from sanfuwu.orgs.models import Department, Region, RegionKind
from sanfuwu.people.models import Person, Role
from sanfuwu.targets.demo import demo_credit_code
from sanfuwu.targets.models import Target
from sanfuwu.visits.models import Pairing, Visit, VisitTarget

TARGETS = int(os.environ.get("BENCH_TARGETS", "10000"))
KEPT = 0.8  # share of months in which a pairing's visit happens


def build() -> None:
    if Visit.objects.filter(number__startswith="ZF-B-").exists():
        return
    rng = random.Random(3)
    today = timezone.localdate()
    now = timezone.now()
    grids = list(Region.objects.filter(kind=RegionKind.GRID).select_related("parent"))
    workers = {p.region_id: p for p in Person.objects.filter(role_grants__role=Role.VISITOR).order_by("id")}
    departments = list(Department.objects.all())
    recorder = Person.objects.get(username="dispatcher")
    targets, codes = [], set()
    for i in range(TARGETS):
        grid = rng.choice(grids)
        code = demo_credit_code(rng, prefix="91330199")
        if code in codes:
            continue
        codes.add(code)
        targets.append(Target(kind="enterprise", name=f"基准走访企业{i:06d}有限公司", credit_code=code,
                              industry="machinery", region=grid.parent, grid=grid, is_key=rng.random() < 0.1))  # fmt: skip
    bulk_insert(targets)
    start = today - timedelta(days=365)
    pairings = [
        Pairing(target=t, person=workers.get(t.grid_id), starts_on=start,
                department=None if t.grid_id in workers else rng.choice(departments))
        for t in targets
    ]  # fmt: skip
    bulk_insert(pairings)
    visits, links, company = [], [], []
    through = Visit.visitors.through
    n = 0
    for pairing in pairings:
        who = pairing.person or recorder
        grid_id = pairing.target.grid_id
        assert grid_id is not None, "the bench pairs only enterprises placed in a grid"
        for month in range(12):
            if rng.random() > KEPT:
                continue
            n += 1
            at = now - timedelta(days=month * 30 + rng.uniform(0, 29))
            visit = Visit(number=f"ZF-B-{n:07d}", visited_at=at, region_id=grid_id,
                          notes="了解企业生产经营情况，宣讲惠企政策。", recorded_by=who, recorded_at=at)  # fmt: skip
            visits.append(visit)
            links.append((visit, pairing.target, timezone.localdate(at)))
            company.append((visit, who))
    for first in range(0, len(visits), 20000):
        bulk_insert(visits[first : first + 20000])
    bulk_insert([VisitTarget(visit=v, target=t, visited_on=d) for v, t, d in links])
    bulk_insert([through(visit=v, person=p) for v, p in company])
    print(
        f"built {len(targets):,} enterprises, {len(pairings):,} pairings and {len(visits):,} visits",
        flush=True,
    )
