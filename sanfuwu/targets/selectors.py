"""Reads of targets. Every list, page, search, export and admin screen starts from
`targets_visible_to`, so scope is decided in exactly one place."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from sanfuwu.orgs.models import Region
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.targets.models import Target


def targets_visible_to(person: Person) -> QuerySet[Target]:
    scope = scope_of(person)
    qs = Target.objects.select_related("region", "grid")
    if scope.everything:
        return qs
    ids = scope.region_ids()
    # A grid worker's unit can be a grid below the target's community, hence the grid test.
    return qs.filter(Q(region_id__in=ids) | Q(grid_id__in=ids))


def target_get_for(person: Person, pk: int) -> Target:
    """The target if this person may see it; a missing one and another unit's one look the same."""
    try:
        return targets_visible_to(person).get(pk=pk)
    except Target.DoesNotExist:
        raise Http404("没有找到该联系对象") from None


@dataclass(frozen=True)
class TargetFilter:
    q: str = ""
    kind: str = ""
    industry: str = ""
    region: Region | None = None
    grid: Region | None = None
    is_key: bool | None = None
    active: bool | None = True


def target_search(person: Person, f: TargetFilter) -> QuerySet[Target]:
    qs = targets_visible_to(person)
    if f.q:
        term = f.q.strip()
        qs = qs.filter(
            Q(name__icontains=term) | Q(credit_code__iexact=term) | Q(credit_code__istartswith=term)
        )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.industry:
        qs = qs.filter(industry=f.industry)
    if f.region is not None:
        sub = Region.objects.filter(path__startswith=f.region.path).values_list("id", flat=True)
        qs = qs.filter(Q(region_id__in=sub) | Q(grid_id__in=sub))
    if f.grid is not None:
        qs = qs.filter(grid=f.grid)
    if f.is_key is not None:
        qs = qs.filter(is_key=f.is_key)
    if f.active is not None:
        qs = qs.filter(active=f.active)
    return qs
