"""Hand-entered indicator values (手工指标值), e.g. each street's 规上工业增加值 per month.

A value is known by its indicator, unit and month: importing it again corrects it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sanfuwu.imports.cells import CellProblem, parse_decimal, parse_month
from sanfuwu.imports.engine import Importer, Outcome, RowAction
from sanfuwu.imports.lookups import RegionNames, departments
from sanfuwu.imports.workbook import Column, Row
from sanfuwu.orgs.models import Department, Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.scoring.models import Indicator, ManualValue, Source
from sanfuwu.scoring.services import manual_value_prepare, manual_value_set

COLUMNS = [
    Column("指标", required=True, note="指标表中数据来源为“手工录入”的指标名称。", example="规上工业增加值"),
    Column("单位", required=True, note="街道、园区或部门的名称。", example="下沙街道"),
    Column("月份", required=True, note="如 2025-10。", example="2025-10"),
    Column("数值", required=True, note="按指标的计量单位填写数字。", example="12.5"),
]
WIDTHS = [24, 18, 10, 14]
COLUMN_OF = {"indicator": "指标", "unit": "单位", "region": "单位", "department": "单位", "month": "月份",
             "value": "数值"}  # fmt: skip


def value_text(value: Decimal) -> str:
    return format(value.normalize(), "f")  # 12.5000 → 12.5, 1E+2 → 100


def export_row(entry: ManualValue) -> list[str]:
    unit = entry.region or entry.department
    return [entry.indicator.name, unit.name if unit else "", f"{entry.month:%Y-%m}", value_text(entry.value)]


class ManualValueImporter(Importer):
    columns = COLUMNS
    unique_column = "月份"  # where a doubled value is reported; the key is indicator, unit and month

    def __init__(self, *, actor: Person, dry_run: bool) -> None:
        super().__init__(actor=actor, dry_run=dry_run)
        streets = scope_of(actor).regions().filter(kind__in=[RegionKind.STREET, RegionKind.PARK])
        self.regions = RegionNames(streets)
        self.departments = departments()
        self.indicators: dict[tuple[str, str], Indicator] = {}
        for indicator in Indicator.objects.filter(source=Source.MANUAL):
            self.indicators[(indicator.name, indicator.league)] = indicator
        self.names = {name: indicator for (name, _league), indicator in self.indicators.items()}

    def row_key(self, row: Row) -> str | None:
        """The same value however its month or unit is written ("2025-10", "2025年10月", a code)."""
        try:
            unit, month = self._unit(row.get("单位")), parse_month(row.get("月份"))
        except CellProblem:
            return None  # reported at its cell when the row is checked
        return f"{row.get('指标')}|{type(unit).__name__}{unit.pk}|{month}"

    def _unit(self, text: str) -> Region | Department:
        try:
            return self.regions.find(text)
        except CellProblem:
            try:
                return self.departments.find(text)  # type: ignore[return-value]
            except CellProblem:
                raise CellProblem(
                    _("没有找到您管辖范围内名为“%(name)s”的街道、园区或部门。") % {"name": text}
                ) from None

    def handle(self, rows: list[Row], outcome: Outcome) -> None:
        for row in rows:
            values: dict[str, Any] = {}
            for column, parse in (("单位", self._unit), ("月份", parse_month), ("数值", parse_decimal)):
                try:
                    values[column] = parse(row.get(column))
                except CellProblem as problem:
                    outcome.fail(row, column, str(problem))
            unit = values.get("单位")
            if unit is None:
                continue
            league = "department" if isinstance(unit, Department) else "territory"
            # The indicator of the unit's league, or of the other one, which the service then refuses at 单位.
            indicator = self.indicators.get((row.get("指标"), league)) or self.names.get(row.get("指标"))
            if indicator is None:
                outcome.fail(row, "指标", _("没有名为“%(name)s”的手工录入指标。") % {"name": row.get("指标")})
                continue
            if len(values) < 3:
                continue
            unit_field = "department" if isinstance(unit, Department) else "region"
            current = ManualValue.objects.filter(
                indicator=indicator, month=values["月份"], **{unit_field: unit}
            ).first()
            label = f"{indicator.name} · {unit.name} · {values['月份']:%Y-%m}"
            if current is not None and current.value == values["数值"]:
                outcome.done(row, label, RowAction.SKIP, _("数值没有变化"))
                continue
            try:
                if self.dry_run:
                    _entry, created = manual_value_prepare(
                        actor=self.actor, indicator=indicator, unit=unit, month=values["月份"],
                        value=values["数值"],
                    )  # fmt: skip
                else:
                    with transaction.atomic():
                        _entry, created = manual_value_set(
                            actor=self.actor, indicator=indicator, unit=unit, month=values["月份"],
                            value=values["数值"],
                        )  # fmt: skip
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    for message in messages:
                        outcome.fail(row, COLUMN_OF.get(key, ""), message)
                continue
            outcome.done(row, label, RowAction.CREATE if created else RowAction.UPDATE)
