"""What part of the district a person may see. Every access function starts here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.roles import DISTRICT_WIDE


@dataclass(frozen=True)
class Scope:
    everything: bool
    region: Region | None  # the root of the visible subtree; None with everything=False sees nothing

    def region_ids(self) -> QuerySet[Region, int]:
        """Ids of the visible regions, as a subquery (one indexed prefix scan, no recursion)."""
        if self.everything:
            return Region.objects.values_list("id", flat=True)
        if self.region is None:
            return Region.objects.none().values_list("id", flat=True)
        return Region.objects.filter(path__startswith=self.region.path).values_list("id", flat=True)

    def regions(self) -> QuerySet[Region]:
        if self.everything:
            return Region.objects.all()
        if self.region is None:
            return Region.objects.none()
        return self.region.subtree()

    def placeable_regions(self) -> QuerySet[Region]:
        """Where this person may file a target: the own subtree and, for someone whose unit is a
        grid or a community, the places above it, as long as a grid of their own is given too."""
        visible = self.regions().filter(active=True).exclude(kind=RegionKind.GRID)
        if self.everything or self.region is None:
            return visible
        above = Region.objects.filter(pk__in=self.region.ancestor_ids()).exclude(kind=RegionKind.DISTRICT)
        return (visible | above.exclude(kind=RegionKind.GRID)).distinct()

    def covers(self, region: Region | None) -> bool:
        if self.everything:
            return True
        if region is None or self.region is None:
            return False
        return region.path.startswith(self.region.path)


def scope_of(person: Person) -> Scope:
    if not person.is_authenticated or not person.is_active:
        return Scope(everything=False, region=None)
    if person.is_superuser or person.has_role(*DISTRICT_WIDE):
        return Scope(everything=True, region=None)
    if person.region_id:
        return Scope(everything=False, region=person.region)
    if person.department_id and person.department is not None:
        return Scope(everything=False, region=person.department.region)
    return Scope(everything=False, region=None)
