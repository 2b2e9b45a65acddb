"""Demo territory: the catalogue's streets, park and communities, filled out to a district
of 11 communities and villages and 24 grids."""

from __future__ import annotations

from sanfuwu.core.demokit import DemoContext
from sanfuwu.orgs.catalog import catalog_load
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.orgs.services import region_create

# Communities and villages beyond the catalogue's, with how many grids each holds.
EXTRA_UNITS = {
    "下沙街道": [("七格社区", RegionKind.COMMUNITY), ("元成社区", RegionKind.COMMUNITY)],
    "白杨街道": [
        ("云滨社区", RegionKind.COMMUNITY),
        ("文海社区", RegionKind.COMMUNITY),
        ("金沙湖社区", RegionKind.COMMUNITY),
    ],
    "河庄街道": [
        ("新围村", RegionKind.VILLAGE),
        ("江东村", RegionKind.VILLAGE),
        ("建华村", RegionKind.VILLAGE),
    ],
}
GRIDS_PER_UNIT = {
    "头格社区": 2, "中沙社区": 2, "七格社区": 2, "元成社区": 1, "云滨社区": 2, "文海社区": 2,
    "金沙湖社区": 1, "东沙湖社区": 2, "新围村": 1, "江东村": 1, "建华村": 1,
}  # fmt: skip
PARK_GRIDS = 7  # the park has no communities; its grids sit directly under it


def _ensure(name: str, kind: str, parent: Region, order: int) -> Region:
    return Region.objects.filter(parent=parent, name=name).first() or region_create(
        name=name, kind=kind, parent=parent, sort_order=order
    )


def build(ctx: DemoContext) -> None:
    district = catalog_load().district
    district.code = district.code or "330114"
    district.save(update_fields=["code"])
    tops = {r.name: r for r in Region.objects.filter(parent=district)}
    for top_name, units in EXTRA_UNITS.items():
        for order, (name, kind) in enumerate(units, start=10):
            _ensure(name, kind, tops[top_name], order)
    grids = 0
    for unit in Region.objects.filter(kind__in=[RegionKind.COMMUNITY, RegionKind.VILLAGE]):
        for n in range(1, GRIDS_PER_UNIT.get(unit.name, 1) + 1):
            _ensure(f"{unit.name}第{n}网格", RegionKind.GRID, unit, n)
            grids += 1
    for top in tops.values():
        if top.kind == RegionKind.PARK:
            for n in range(1, PARK_GRIDS + 1):
                _ensure(f"{top.name}第{n}网格", RegionKind.GRID, top, n)
                grids += 1
    ctx.shared["district"] = district
    ctx.say(f"  区域：{Region.objects.count()} 个，其中网格 {grids} 个")
