"""A territory's contact targets at a glance, for the home page of those who direct work across it:
how many enterprises and universities, by industry, and in each unit one level down."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Substr

from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.targets.models import Industry, Target, TargetKind
from sanfuwu.targets.selectors import targets_visible_to


@dataclass(frozen=True)
class TargetTotals:
    enterprises: int
    key: int
    universities: int
    units: int  # communities and villages
    grids: int


def target_totals(person: Person) -> TargetTotals:
    t = (
        targets_visible_to(person)
        .filter(active=True)
        .aggregate(
            enterprises=Count("id", filter=Q(kind=TargetKind.ENTERPRISE)),
            key=Count("id", filter=Q(kind=TargetKind.ENTERPRISE, is_key=True)),
            universities=Count("id", filter=Q(kind=TargetKind.UNIVERSITY)),
        )
    )
    r = (
        scope_of(person)
        .regions()
        .aggregate(
            units=Count("id", filter=Q(kind__in=[RegionKind.COMMUNITY, RegionKind.VILLAGE])),
            grids=Count("id", filter=Q(kind=RegionKind.GRID)),
        )
    )
    return TargetTotals(t["enterprises"], t["key"], t["universities"], r["units"], r["grids"])


def industry_shares(person: Person) -> list[tuple[str, int, int]]:
    """(industry, enterprises, percent of all), the largest first."""
    rows = (
        targets_visible_to(person)
        .filter(kind=TargetKind.ENTERPRISE, active=True)
        .values("industry")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    total = sum(row["n"] for row in rows) or 1
    labels = dict(Industry.choices)
    return [(str(labels.get(row["industry"], "—")), row["n"], round(100 * row["n"] / total)) for row in rows]


@dataclass(frozen=True)
class TerritoryRow:
    region: Region
    enterprises: int
    key: int
    grids: int


def territory_rows(person: Person) -> list[TerritoryRow]:
    """The units one level below the person's own, with what each holds: the picture at a glance.
    Three reads whatever the number of units: each target and grid is put under its unit by the
    unit's path, a prefix of its own (a target by its grid when it has one, the deeper place)."""
    scope = scope_of(person)
    root = scope.region if not scope.everything else Region.objects.filter(parent__isnull=True).first()
    if root is None or root.kind == RegionKind.GRID:
        return []
    children = list(Region.objects.filter(parent=root, active=True).order_by("sort_order", "id"))
    if not children:
        return []
    length = len(children[0].path)  # every child's path is its parent's and one segment more
    place = Substr(Coalesce("grid__path", "region__path"), 1, length)
    firms = (
        targets_visible_to(person)
        .filter(active=True, kind=TargetKind.ENTERPRISE)
        .order_by()
        .values(unit=place)
        .annotate(n=Count("id"), key=Count("id", filter=Q(is_key=True)))
    )
    counts = {row["unit"]: row for row in firms}
    grids = dict(
        root.subtree()
        .filter(kind=RegionKind.GRID)
        .order_by()
        .values_list(Substr("path", 1, length))
        .annotate(n=Count("id"))
    )
    return [
        TerritoryRow(
            child,
            counts.get(child.path, {}).get("n", 0),
            counts.get(child.path, {}).get("key", 0),
            grids.get(child.path, 0),
        )
        for child in children
    ]


def grid_key_firms(person: Person, grid: Region, n: int = 10) -> list[Target]:
    """The key enterprises of a grid worker's grid, the ones they visit most."""
    return list(
        targets_visible_to(person).filter(grid=grid, kind=TargetKind.ENTERPRISE, is_key=True, active=True)[:n]
    )
