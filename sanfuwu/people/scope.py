"""What part of the district a person may see. Every access function starts here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from sanfuwu.orgs.models import Region
from sanfuwu.people.models import DISTRICT_WIDE_ROLES, Person


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

    def covers(self, region: Region | None) -> bool:
        if self.everything:
            return True
        if region is None or self.region is None:
            return False
        return region.path.startswith(self.region.path)


def scope_of(person: Person) -> Scope:
    if not person.is_authenticated or not person.is_active:
        return Scope(everything=False, region=None)
    if person.is_superuser or person.has_role(*DISTRICT_WIDE_ROLES):
        return Scope(everything=True, region=None)
    if person.region_id:
        return Scope(everything=False, region=person.region)
    if person.department_id and person.department is not None:
        return Scope(everything=False, region=person.department.region)
    return Scope(everything=False, region=None)
