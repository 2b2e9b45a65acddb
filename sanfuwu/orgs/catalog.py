"""The default catalogue (departments, categories, regions) that the product ships.

It is the product's own copy of the district's catalogue; a deployment edits the data in the
admin afterwards. Loading is idempotent and all-or-nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from sanfuwu.orgs.models import Category, Department, Region, RegionKind
from sanfuwu.orgs.services import region_create

DEFAULT_CATALOG = Path(__file__).resolve().parent / "catalog" / "default.yaml"

_CHILD_KIND_BY_SUFFIX = {"社区": RegionKind.COMMUNITY, "村": RegionKind.VILLAGE, "网格": RegionKind.GRID}


class CatalogError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("目录文件有误：\n" + "\n".join(problems))


@dataclass
class CatalogResult:
    district: Region
    created: dict[str, int] = field(default_factory=lambda: {"region": 0, "department": 0, "category": 0})


def _child_kind(child: Any, problems: list[str], where: str) -> tuple[str, str] | None:
    if isinstance(child, str):
        name = child.strip()
        kind = next((k for suffix, k in _CHILD_KIND_BY_SUFFIX.items() if name.endswith(suffix)), None)
        if not name or kind is None:
            problems.append(f"{where}：无法从名称“{child}”判断类型，请写成 {{name: …, kind: community}}。")
            return None
        return name, kind
    if (
        isinstance(child, dict)
        and isinstance(child.get("name"), str)
        and child.get("kind") in RegionKind.values
    ):
        return child["name"].strip(), child["kind"]
    problems.append(f"{where}：下级区域须为名称或 {{name, kind}}。")
    return None


def catalog_parse(text: str) -> dict[str, Any]:
    """Check the whole file before anything is written; every problem is reported at once."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError([f"不是有效的 YAML：{exc}"]) from None
    if not isinstance(data, dict):
        raise CatalogError(["目录文件须为一个映射（district / departments / categories / regions）。"])
    problems: list[str] = []
    if not isinstance(data.get("district"), str) or not data["district"].strip():
        problems.append("缺少 district（区的名称）。")
    dept_codes: set[str] = set()
    for i, dept in enumerate(data.get("departments") or [], start=1):
        if not isinstance(dept, dict) or not dept.get("code") or not dept.get("name"):
            problems.append(f"departments 第 {i} 项缺少 code 或 name。")
            continue
        if dept["code"] in dept_codes:
            problems.append(f"departments 第 {i} 项：编码 {dept['code']} 重复。")
        dept_codes.add(dept["code"])
    cat_codes: set[str] = set()
    for i, cat in enumerate(data.get("categories") or [], start=1):
        if not isinstance(cat, dict) or not cat.get("code") or not cat.get("name"):
            problems.append(f"categories 第 {i} 项缺少 code 或 name。")
            continue
        if cat["code"] in cat_codes:
            problems.append(f"categories 第 {i} 项：编码 {cat['code']} 重复。")
        cat_codes.add(cat["code"])
        if cat.get("dept") not in dept_codes:
            problems.append(
                f"categories 第 {i} 项（{cat['name']}）：主办部门 {cat.get('dept')} 不在 departments 中。"
            )
    regions = []
    for i, reg in enumerate(data.get("regions") or [], start=1):
        where = f"regions 第 {i} 项"
        if not isinstance(reg, dict) or not reg.get("name") or reg.get("kind") not in ("street", "park"):
            problems.append(f"{where}须有 name，kind 为 street 或 park。")
            continue
        children = [_child_kind(c, problems, f"{where}（{reg['name']}）") for c in reg.get("children") or []]
        regions.append({"name": reg["name"], "kind": reg["kind"], "children": [c for c in children if c]})
    if problems:
        raise CatalogError(problems)
    data["regions"] = regions
    return data


@transaction.atomic
def catalog_load(*, path: Path = DEFAULT_CATALOG) -> CatalogResult:
    data = catalog_parse(path.read_text(encoding="utf-8"))
    created = {"region": 0, "department": 0, "category": 0}

    def child(name: str, kind: str, parent: Region | None, order: int) -> Region:
        existing = Region.objects.filter(parent=parent, name=name).first()
        if existing:
            return existing
        created["region"] += 1
        return region_create(name=name, kind=kind, parent=parent, sort_order=order)

    district = child(data["district"].strip(), RegionKind.DISTRICT, None, 0)
    for i, reg in enumerate(data["regions"]):
        top = child(reg["name"], reg["kind"], district, i)
        for j, (name, kind) in enumerate(reg["children"]):
            child(name, kind, top, j)

    departments: dict[str, Department] = {}
    for i, dept in enumerate(data.get("departments") or []):
        obj, new = Department.objects.update_or_create(
            code=dept["code"], defaults={"name": dept["name"], "sort_order": i, "region": district}
        )
        departments[dept["code"]] = obj
        created["department"] += int(new)
    for i, cat in enumerate(data.get("categories") or []):
        _, new = Category.objects.update_or_create(
            code=cat["code"],
            defaults={
                "name": cat["name"],
                "default_department": departments[cat["dept"]],
                "about": cat.get("about", ""),
                "sort_order": i,
            },
        )
        created["category"] += int(new)
    return CatalogResult(district=district, created=created)
