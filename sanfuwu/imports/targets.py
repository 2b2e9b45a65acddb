"""Importing contact targets (联系对象): the same columns as the export, so a list goes out and back in.

An enterprise whose credit code is already known is updated, not duplicated. Every row goes through
the same services as the portal's form, inside one transaction that is rolled back when any row is
refused or when only a dry run was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sanfuwu.imports.workbook import CellError, Column, Row, Sheet
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.targets.credit_code import normalize_credit_code
from sanfuwu.targets.models import Industry, Target, TargetKind
from sanfuwu.targets.services import target_create, target_update

COLUMNS = [
    Column("名称", required=True, note="企业或对象的全称。", example="杭州示例生物科技有限公司"),
    Column("类型", required=True, note="企业、社区、村、高校、人才或项目。", example="企业"),
    Column(
        "统一社会信用代码", note="企业必填，18 位；已有该代码的企业将被更新。", example="91330114MA2XHA0010"
    ),
    Column("行业", note="企业必填，如：生物医药、电子信息、装备制造。", example="生物医药"),
    Column(
        "所属区域", required=True, note="街道、园区、社区或村的名称，须在您的管辖范围内。", example="下沙街道"
    ),
    Column("网格", note="网格名称，须在所属区域之内。", example=""),
    Column("重点企业", note="是 或 否，空白为否。", example="否"),
    Column("地址", example="杭州市钱塘区示例路 1 号"),
    Column("联系人", example="王某"),
    Column("联系电话", note="手机或座机。", example="13800000000"),
]
FIELD_OF = {
    "名称": "name", "类型": "kind", "统一社会信用代码": "credit_code", "行业": "industry", "所属区域": "region",
    "网格": "grid", "重点企业": "is_key", "地址": "address", "联系人": "contact_name", "联系电话": "contact_phone",
}  # fmt: skip
COLUMN_OF = {v: k for k, v in FIELD_OF.items()}


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    errors: list[CellError] = field(default_factory=list)
    written: bool = False


class _Refused(Exception):
    pass


def _lookup(options: dict[str, Any], text: str) -> Any:
    return options.get(text.strip())


def _fields(
    row: Row, regions: dict[str, list[Region]], grids: dict[str, list[Region]]
) -> tuple[dict[str, Any], list[CellError]]:
    values = row.values
    errors: list[CellError] = []
    fields: dict[str, Any] = {}
    kinds = {str(label): value for value, label in TargetKind.choices}
    industries = {str(label): value for value, label in Industry.choices}

    def fail(column: str, message: str) -> None:
        errors.append(CellError(row.number, column, message))

    fields["name"] = values.get("名称", "")
    if not fields["name"]:
        fail("名称", _("请填写名称。"))
    kind_text = values.get("类型", "")
    fields["kind"] = _lookup(kinds, kind_text)
    if fields["kind"] is None:
        fail(
            "类型",
            _("类型应为：%(options)s。") % {"options": "、".join(kinds)} if kind_text else _("请填写类型。"),
        )
    fields["credit_code"] = normalize_credit_code(values.get("统一社会信用代码", "")) or None
    industry_text = values.get("行业", "")
    fields["industry"] = _lookup(industries, industry_text) if industry_text else ""
    if fields["industry"] is None:
        fail("行业", _("没有这个行业：%(text)s。") % {"text": industry_text})
    region_text = values.get("所属区域", "")
    matches = regions.get(region_text, [])
    if not region_text:
        fail("所属区域", _("请填写所属区域。"))
    elif len(matches) != 1:
        fail("所属区域", _("没有找到您管辖范围内名为“%(name)s”的区域。") % {"name": region_text} if not matches
             else _("有多个名为“%(name)s”的区域，请联系管理员。") % {"name": region_text})  # fmt: skip
    fields["region"] = matches[0] if len(matches) == 1 else None
    grid_text = values.get("网格", "")
    grid_matches = grids.get(grid_text, []) if grid_text else []
    if grid_text and len(grid_matches) != 1:
        fail("网格", _("没有找到您管辖范围内名为“%(name)s”的网格。") % {"name": grid_text})
    fields["grid"] = grid_matches[0] if len(grid_matches) == 1 else None
    key_text = values.get("重点企业", "")
    if key_text not in ("", "是", "否"):
        fail("重点企业", _("请填写“是”或“否”。"))
    fields["is_key"] = key_text == "是"
    for column in ("地址", "联系人", "联系电话"):
        fields[FIELD_OF[column]] = values.get(column, "")
    return fields, errors


def targets_import(*, sheet: Sheet, actor: Person, dry_run: bool) -> Outcome:
    outcome = Outcome(errors=list(sheet.errors))
    scope = scope_of(actor)
    regions: dict[str, list[Region]] = {}
    for region in scope.placeable_regions():
        regions.setdefault(region.name, []).append(region)
    grids: dict[str, list[Region]] = {}
    for grid in scope.regions().filter(kind=RegionKind.GRID, active=True):
        grids.setdefault(grid.name, []).append(grid)
    seen: dict[str, int] = {}
    try:
        with transaction.atomic():
            for row in sheet.rows:
                fields, errors = _fields(row, regions, grids)
                code = fields.get("credit_code")
                if code and code in seen:
                    errors.append(
                        CellError(
                            row.number, "统一社会信用代码", _("与第 %(n)s 行重复。") % {"n": seen[code]}
                        )
                    )
                elif code:
                    seen[code] = row.number
                if errors:
                    outcome.errors.extend(errors)
                    continue
                # The same enterprise by its code; a community or a project by its kind and name.
                if code:
                    existing = Target.objects.filter(credit_code=code).first()
                else:
                    existing = Target.objects.filter(
                        kind=fields["kind"], name=fields["name"], credit_code__isnull=True
                    ).first()
                try:
                    with transaction.atomic():
                        if existing is not None:
                            target_update(actor=actor, target=existing, fields=fields)
                            outcome.updated += 1
                        else:
                            target_create(actor=actor, fields=fields)
                            outcome.created += 1
                except ValidationError as error:
                    for key, messages in error.message_dict.items():
                        column = COLUMN_OF.get(key, "")
                        outcome.errors.extend(CellError(row.number, column, m) for m in messages)
            if outcome.errors or dry_run:
                raise _Refused
            outcome.written = True
    except _Refused:
        pass
    outcome.errors.sort(key=lambda e: (e.row, list(FIELD_OF).index(e.column) if e.column in FIELD_OF else -1))
    return outcome
