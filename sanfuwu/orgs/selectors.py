from __future__ import annotations

from django.db.models import QuerySet

from sanfuwu.orgs.models import Region, RegionKind


def regions_of_kind(kind: str, *, within: QuerySet[Region] | None = None) -> QuerySet[Region]:
    base = within if within is not None else Region.objects.all()
    return base.filter(kind=kind, active=True)


def region_label(region: Region) -> str:
    """A label that tells grids of different communities apart in a drop-down."""
    if region.kind in (RegionKind.DISTRICT, RegionKind.STREET, RegionKind.PARK):
        return region.name
    parent = region.parent
    if region.kind == RegionKind.GRID and parent is not None and region.name.startswith(parent.name):
        return region.name  # "头格社区第1网格" already says where it is
    return region.full_name()
