from __future__ import annotations

from django.db.models import QuerySet

from sanfuwu.orgs.models import Category, Department, Region, RegionKind


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


def region_labels(regions: list[Region]) -> dict[int, str]:
    """Labels for many regions from one query of their ancestors (drop-downs of every grid)."""
    ancestor_ids = {i for r in regions for i in r.ancestor_ids()}
    names = dict(Region.objects.filter(pk__in=ancestor_ids).values_list("pk", "name"))
    kinds = dict(Region.objects.filter(pk__in=ancestor_ids).values_list("pk", "kind"))
    labels = {}
    for region in regions:
        if region.kind in (RegionKind.DISTRICT, RegionKind.STREET, RegionKind.PARK):
            labels[region.pk] = region.name
            continue
        chain = [i for i in region.ancestor_ids() if kinds.get(i) != RegionKind.DISTRICT]
        parent_name = names.get(region.parent_id or 0, "")
        if region.kind == RegionKind.GRID and parent_name and region.name.startswith(parent_name):
            labels[region.pk] = region.name
        else:
            labels[region.pk] = " / ".join(names.get(i, "") for i in chain)
    return labels


def categories_led_by(department: Department) -> list[Category]:
    """The categories a department handles by default: what it can expect to be given."""
    return list(Category.objects.filter(default_department=department, active=True))


def category_routing() -> list[Category]:
    """Each category with its default lead department, as the dispatcher routes them."""
    return list(
        Category.objects.filter(active=True).select_related("default_department").order_by("sort_order")
    )
