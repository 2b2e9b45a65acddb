"""The district drawn from its regions' outlines (sanfuwu.orgs.boundaries) for ECharts' own map
component — no tiles, nothing fetched — with a figure per region for a choropleth, and the list
each region opens when clicked."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.urls import reverse

from sanfuwu.core.periods import day_range
from sanfuwu.issues.models import Issue, Status, StatusGroup, status_group_q
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.targets.models import Target, TargetKind

GRIDS = [RegionKind.GRID]
TOWNS = [RegionKind.STREET, RegionKind.PARK]


def outlined(person: Person, kinds: Iterable[str]) -> list[Region]:
    """The regions of these kinds in `person`'s territory that have an outline."""
    return list(
        scope_of(person)
        .regions()
        .filter(kind__in=list(kinds), active=True, boundary__isnull=False)
        .order_by("path")
    )


def geojson(regions: Iterable[Region]) -> dict[str, Any]:
    """A FeatureCollection keyed by region id (names repeat across a district; ids do not)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"key": str(r.pk), "label": r.name}, "geometry": r.boundary}
            for r in regions
        ],
    }


def _issue_list(**query: Any) -> str:
    return f"{reverse('issues:list')}?{urlencode(query)}"


def _under(regions: list[Region], issues: QuerySet[Issue]) -> dict[int, int]:
    """Issues per region of `regions`, each counting the issues of its whole subtree."""
    counts: dict[int, int] = {r.pk: 0 for r in regions}
    if not regions:
        return counts
    by_region = dict(issues.values("region").annotate(n=Count("id")).values_list("region", "n"))
    paths = dict(Region.objects.filter(pk__in=list(by_region)).values_list("pk", "path"))
    for region in regions:
        counts[region.pk] = sum(n for pk, n in by_region.items() if paths.get(pk, "").startswith(region.path))
    return counts


def map_open_by_grid(person: Person, issues: QuerySet[Issue], today: date) -> dict[str, Any]:
    """各网格未办结问题: open issues per grid, as a choropleth; a grid opens its open issues."""
    grids = outlined(person, GRIDS)
    counts = _under(grids, issues.filter(status_group_q(StatusGroup.OPEN, today)))
    return {
        "geo": geojson(grids),
        "title": "open",
        "data": [
            {
                "name": str(g.pk),
                "label": g.name,
                "value": counts[g.pk],
                "url": _issue_list(region=g.pk, group=StatusGroup.OPEN.value),
            }
            for g in grids
        ],
    }


def map_per_enterprises(person: Person, issues: QuerySet[Issue], start: date, end: date) -> dict[str, Any]:
    """每千家企业问题数: the period's issues (void ones left out) per 1,000 enterprises of each
    street and park; a place without enterprises shows no figure rather than a division by zero."""
    towns = outlined(person, TOWNS)
    since, until = day_range(start, end)
    period = issues.filter(registered_at__gte=since, registered_at__lt=until).exclude(status=Status.VOID)
    counts = _under(towns, period)
    firms = _under_targets(towns)
    data = []
    for town in towns:
        value = round(counts[town.pk] * 1000 / firms[town.pk], 1) if firms[town.pk] else None
        data.append({
            "name": str(town.pk), "label": town.name, "value": value, "issues": counts[town.pk],
            "enterprises": firms[town.pk],
            "url": _issue_list(region=town.pk, date_from=start.isoformat(), date_to=end.isoformat(), live="on"),
        })  # fmt: skip
    return {"geo": geojson(towns), "title": "per_enterprises", "data": data}


def _under_targets(regions: list[Region]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for region in regions:
        counts[region.pk] = Target.objects.filter(
            kind=TargetKind.ENTERPRISE, active=True, region__path__startswith=region.path
        ).count()
    return counts


def map_highlight(
    person: Person, counts: dict[int, int], kinds: Iterable[str] = GRIDS, link: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The district with the regions in `counts` coloured by their count, each counted in the drawn
    region that holds it (an issue raised above that level, at a whole street, colours none)."""
    regions = outlined(person, kinds)
    paths = {r.pk: r.path for r in regions}
    valued: dict[int, int] = {r.pk: 0 for r in regions}
    where = dict(Region.objects.filter(pk__in=list(counts)).values_list("pk", "path"))
    for pk, n in counts.items():
        path = where.get(pk, "")
        for rid, rpath in paths.items():
            if path.startswith(rpath):  # the region drawn, or one within it
                valued[rid] += n
                break
    return {
        "geo": geojson(regions),
        "title": "highlight",
        "data": [
            {
                "name": str(r.pk),
                "label": r.name,
                "value": valued[r.pk],
                "url": _issue_list(region=r.pk, **(link or {})),
            }
            for r in regions
        ],
    }
