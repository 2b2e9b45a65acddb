"""Regions' outlines for the map: GeoJSON polygons imported from a file (each feature names its
region), checked to lie in the district, written all together or not at all; and, for the demo
district, outlines laid out from the region tree itself, each region's children tiling it."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sanfuwu.orgs.models import Region

MAX_BYTES = 20 * 1024 * 1024
MAX_POINTS = 200_000


def _ring_problem(ring: Any) -> str | None:
    south, west, north, east = settings.SANFUWU_DISTRICT_BOUNDS
    if not isinstance(ring, list) or len(ring) < 4:
        return _("多边形的每个环至少需要 4 个坐标点。")
    for point in ring:
        if not (
            isinstance(point, list) and len(point) >= 2 and all(isinstance(v, int | float) for v in point[:2])
        ):
            return _("坐标须为 [经度, 纬度] 数字对。")
        lon, lat = point[0], point[1]
        if not (west <= lon <= east and south <= lat <= north):
            return _("坐标 [%(lon)s, %(lat)s] 不在本区范围内（请使用 WGS-84 经纬度）。") % {
                "lon": lon,
                "lat": lat,
            }
    if ring[0][:2] != ring[-1][:2]:
        return _("多边形的环须首尾闭合。")
    return None


def boundary_problem(geometry: Any) -> str | None:
    """Why `geometry` is no region outline, or None."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return _("边界须为 Polygon 或 MultiPolygon。")
    polygons = [geometry.get("coordinates")] if geometry["type"] == "Polygon" else geometry.get("coordinates")
    if not isinstance(polygons, list) or not polygons:
        return _("缺少坐标。")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return _("缺少坐标。")
        for ring in polygon:
            problem = _ring_problem(ring)
            if problem:
                return problem
    return None


def regions_boundaries_import(*, raw: bytes) -> int:
    """Outlines from a GeoJSON FeatureCollection whose features carry `properties.name` (and
    `properties.parent` where a name is not unique). Every feature is checked first; any problem
    refuses the file with each problem listed, and nothing is written."""
    if len(raw) > MAX_BYTES:
        raise ValidationError(_("文件超过 20 MB。"))
    # Each point opens one bracket: a file that would draw more than the map can hold is refused
    # before it is parsed.
    if raw.count(b"[") > MAX_POINTS:
        raise ValidationError(_("坐标点过多（上限 %(n)s 个），请先简化边界。") % {"n": MAX_POINTS})
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError(_("文件不是有效的 GeoJSON（UTF-8 编码的 JSON）。")) from None
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features"), list)
    ):
        raise ValidationError(_("文件须为 GeoJSON FeatureCollection。"))
    regions = list(Region.objects.filter(active=True).select_related("parent"))
    by_name: dict[str, list[Region]] = {}
    for region in regions:
        by_name.setdefault(region.name, []).append(region)
    problems: list[str] = []
    found: dict[int, tuple[Region, Any]] = {}
    for n, feature in enumerate(doc["features"], start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        name = str(props.get("name") or "").strip()
        if not name:
            problems.append(_("第 %(n)s 个要素：缺少 properties.name（区域名称）。") % {"n": n})
            continue
        candidates = by_name.get(name, [])
        parent = str(props.get("parent") or "").strip()
        if parent:
            candidates = [r for r in candidates if r.parent and r.parent.name == parent]
        if len(candidates) != 1:
            word = (
                _("没有名为“%(name)s”的区域")
                if not candidates
                else _("有多个名为“%(name)s”的区域，请用 properties.parent 注明上级")
            )
            problems.append(_("第 %(n)s 个要素：") % {"n": n} + word % {"name": name} + "。")
            continue
        problem = boundary_problem(feature.get("geometry") if isinstance(feature, dict) else None)
        if problem:
            problems.append(_("第 %(n)s 个要素（%(name)s）：") % {"n": n, "name": name} + problem)
            continue
        found[candidates[0].pk] = (candidates[0], feature["geometry"])
    if problems:
        raise ValidationError(problems)
    if not found:
        raise ValidationError(_("文件中没有任何区域边界。"))
    with transaction.atomic():
        for region, geometry in found.values():
            Region.objects.filter(pk=region.pk).update(boundary=geometry)
    return len(found)


def _leaves(region: Region, children: dict[int | None, list[Region]]) -> int:
    kids = children.get(region.pk, [])
    return sum(_leaves(k, children) for k in kids) if kids else 1


def _rect(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [
        [round(x, 6), round(y, 6)]
        for x, y in ((west, south), (east, south), (east, north), (west, north), (west, south))
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def demo_boundaries(root: Region, box: tuple[float, float, float, float]) -> int:
    """Outlines for `root` and every region under it: each region's box split among its children
    in proportion to the grids under each, across its longer side, so that they tile it."""
    children: dict[int | None, list[Region]] = {}
    for region in root.subtree().filter(active=True).order_by("path"):
        children.setdefault(region.parent_id, []).append(region)
    outlines: dict[int, dict[str, Any]] = {}

    def lay(region: Region, west: float, south: float, east: float, north: float) -> None:
        outlines[region.pk] = _rect(west, south, east, north)
        kids = children.get(region.pk, [])
        total = sum(_leaves(k, children) for k in kids)
        across = (east - west) >= (north - south) * 1.15  # degrees of longitude are shorter here
        start = west if across else north
        for kid in kids:
            share = _leaves(kid, children) / total
            if across:
                width = (east - west) * share
                lay(kid, start, south, start + width, north)
                start += width
            else:
                height = (north - south) * share
                lay(kid, west, start - height, east, start)
                start -= height

    lay(root, *box)
    with transaction.atomic():
        for pk, geometry in outlines.items():
            Region.objects.filter(pk=pk).update(boundary=geometry)
    return len(outlines)
