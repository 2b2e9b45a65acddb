"""Contact targets (联系对象): the same columns as the export, so a list goes out and back in.

An enterprise whose credit code is already known is updated, not duplicated. Every row goes through
the same services as the portal's form, each in a savepoint, so one refused row is reported at its
cells and the rest are still checked.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sanfuwu.imports.cells import choice_label, parse_choice, parse_yes_no
from sanfuwu.imports.engine import Importer, Outcome, RowAction, RowReader
from sanfuwu.imports.lookups import RegionNames
from sanfuwu.imports.workbook import Column, Row
from sanfuwu.orgs.models import RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.targets.credit_code import normalize_credit_code
from sanfuwu.targets.models import Industry, Target, TargetKind
from sanfuwu.targets.selectors import targets_visible_to
from sanfuwu.targets.services import target_check, target_create, target_update, target_with

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
WIDTHS = [36, 8, 22, 14, 14, 18, 10, 36, 10, 16]
FIELD_OF = {
    "名称": "name", "类型": "kind", "统一社会信用代码": "credit_code", "行业": "industry", "所属区域": "region",
    "网格": "grid", "重点企业": "is_key", "地址": "address", "联系人": "contact_name", "联系电话": "contact_phone",
}  # fmt: skip
COLUMN_OF = {v: k for k, v in FIELD_OF.items()}


def export_row(target: Target, regions: RegionNames) -> list[str]:
    return [
        target.name, choice_label(TargetKind, target.kind), target.credit_code or "",
        choice_label(Industry, target.industry), regions.label(target.region),
        regions.label(target.grid), "是" if target.is_key else "否", target.address, target.contact_name,
        target.contact_phone,
    ]  # fmt: skip


class TargetImporter(Importer):
    columns = COLUMNS
    unique_column = "统一社会信用代码"

    def __init__(self, *, actor: Person, dry_run: bool) -> None:
        super().__init__(actor=actor, dry_run=dry_run)
        scope = scope_of(actor)
        self.regions = RegionNames(scope.placeable_regions())
        self.grids = RegionNames(scope.regions().filter(kind=RegionKind.GRID))
        self.visible = targets_visible_to(actor)

    def row_key(self, row: Row) -> str | None:
        # Without a code, a community or a project is the same one by its kind and name.
        code = normalize_credit_code(row.get("统一社会信用代码"))
        if code:
            return code
        return f"{row.get('类型')}|{row.get('名称')}" if row.get("名称") else None

    def duplicate_column(self, row: Row) -> str:
        return "统一社会信用代码" if normalize_credit_code(row.get("统一社会信用代码")) else "名称"

    def _fields(self, row: Row, outcome: Outcome) -> dict[str, Any] | None:
        read = RowReader(row, outcome)
        fields: dict[str, Any] = {
            "name": read("名称", required=True),
            "kind": read("类型", lambda t: parse_choice(t, TargetKind, "类型"), required=True),
            "credit_code": normalize_credit_code(row.get("统一社会信用代码")) or None,
            "industry": read("行业", lambda t: parse_choice(t, Industry, "行业"), default=""),
            "region": read("所属区域", self.regions.find, required=True),
            "grid": read("网格", lambda t: self.grids.find(t, kinds=[RegionKind.GRID])),
            "is_key": read("重点企业", parse_yes_no, default=False),
        }
        for column in ("地址", "联系人", "联系电话"):
            fields[FIELD_OF[column]] = row.get(column)
        return None if read.failed else fields

    def handle(self, rows: list[Row], outcome: Outcome) -> None:
        for row in rows:
            fields = self._fields(row, outcome)
            if fields is None:
                continue
            code = fields["credit_code"]
            # The same enterprise by its code; a community or a project by its kind and name.
            if code:
                existing = Target.objects.filter(credit_code=code).first()
            else:
                existing = Target.objects.filter(
                    kind=fields["kind"], name=fields["name"], credit_code__isnull=True
                ).first()
            if existing is not None and not self.visible.filter(pk=existing.pk).exists():
                column = "统一社会信用代码" if code else "名称"
                outcome.fail(row, column, _("该联系对象已登记在您管辖范围之外，不能通过导入修改。"))
                continue
            if existing is not None and all(getattr(existing, k) == v for k, v in fields.items()):
                outcome.done(row, fields["name"], RowAction.SKIP, _("没有变化"))
                continue
            try:
                if self.dry_run:
                    target_check(actor=self.actor, target=target_with(existing, fields))
                else:
                    with transaction.atomic():
                        if existing is not None:
                            target_update(actor=self.actor, target=existing, fields=fields)
                        else:
                            target_create(actor=self.actor, fields=fields)
                outcome.done(row, fields["name"], RowAction.CREATE if existing is None else RowAction.UPDATE)
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    for message in messages:
                        outcome.fail(row, COLUMN_OF.get(key, ""), message)
