"""Importing hand-entered indicator values: one per indicator, unit and month, corrected rather than
doubled when imported again; months and numbers read the way a clerk types them; a street keeps to
its own values; and the export reading back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sanfuwu.imports.kinds import KINDS
from sanfuwu.scoring.models import Indicator, League, ManualValue, Source
from tests.conftest import World
from tests.imports.helpers import (
    export_bytes,
    header_of,
    problems,
    row_of,
    run,
    run_rows,
    sheet_rows,
    workbook,
)

pytestmark = pytest.mark.django_db

OUTPUT = "规上工业增加值"
INVESTMENT = "项目完成投资"


@pytest.fixture
def indicators(world: World) -> dict[str, Indicator]:
    return {
        OUTPUT: Indicator.objects.create(
            league=League.TERRITORY, name=OUTPUT, source=Source.MANUAL, unit="亿元", weight=10
        ),
        INVESTMENT: Indicator.objects.create(
            league=League.DEPARTMENT, name=INVESTMENT, source=Source.MANUAL, unit="亿元", weight=10
        ),
        "响应率": Indicator.objects.create(
            league=League.TERRITORY, name="响应率", source=Source.RESPONSE, weight=10
        ),
    }


def value_row(**cols: object) -> dict[str, object]:
    row: dict[str, object] = {"指标": OUTPUT, "单位": "下沙街道", "月份": "2025-10", "数值": "12.5"}
    row.update(cols)
    return row


def messages(outcome, column: str) -> str:
    return " ".join(e.message for e in outcome.errors if e.column == column)


def test_administrators_and_dispatchers_may_import_values(
    world: World, admin_person, xiasha_dispatcher, grid_worker, handler
) -> None:
    kind = KINDS["manual_values"]
    assert kind.allowed(admin_person) and kind.allowed(xiasha_dispatcher)
    assert not kind.allowed(grid_worker) and not kind.allowed(handler)


def test_it_enters_a_streets_a_parks_and_a_departments_value_for_a_month(
    world: World, admin_person, indicators
) -> None:
    outcome = run_rows(
        "manual_values",
        [
            value_row(),
            value_row(单位="医药港小镇", 数值="3"),
            value_row(指标=INVESTMENT, 单位="建设局", 数值="1,024.75"),
        ],
        admin_person,
    )
    assert (outcome.errors, outcome.created, outcome.written) == ([], 3, True)
    street = ManualValue.objects.get(region=world.xiasha)
    assert (street.indicator, street.month, street.value) == (
        indicators[OUTPUT],
        date(2025, 10, 1),
        Decimal("12.5"),
    )
    assert street.entered_by == admin_person
    assert ManualValue.objects.get(region=world.park).value == 3
    department = ManualValue.objects.get(department=world.jianshe)
    assert (department.indicator, department.value) == (indicators[INVESTMENT], Decimal("1024.75"))


def test_a_street_dispatcher_enters_the_streets_own_value(
    world: World, xiasha_dispatcher, indicators
) -> None:
    outcome = run_rows("manual_values", [value_row()], xiasha_dispatcher)
    assert (outcome.errors, outcome.created) == ([], 1)
    assert ManualValue.objects.get().entered_by == xiasha_dispatcher


def test_reimporting_the_same_value_does_not_double_it(world: World, admin_person, indicators) -> None:
    run_rows("manual_values", [value_row()], admin_person)
    outcome = run_rows("manual_values", [value_row()], admin_person)
    assert outcome.errors == [] and outcome.created == 0
    assert outcome.updated + outcome.skipped == 1
    assert ManualValue.objects.get().value == Decimal("12.5")


def test_a_changed_value_corrects_the_months_value(world: World, admin_person, indicators) -> None:
    run_rows("manual_values", [value_row()], admin_person)
    outcome = run_rows("manual_values", [value_row(月份="2025年10月", 数值="13.25")], admin_person)
    assert (outcome.errors, outcome.created, outcome.updated) == ([], 0, 1)
    entry = ManualValue.objects.get()
    assert (entry.month, entry.value) == (date(2025, 10, 1), Decimal("13.25"))


@pytest.mark.parametrize(
    "month", ["2025-10", "2025年10月", "2025/10", "2025-10-01", date(2025, 10, 1)], ids=str
)
def test_it_reads_a_month_the_way_it_is_typed(world: World, admin_person, indicators, month: object) -> None:
    data = workbook(header_of("manual_values"), [row_of("manual_values", **value_row(月份=month))])
    outcome = run("manual_values", data, admin_person)
    assert (outcome.errors, outcome.created) == ([], 1)
    assert ManualValue.objects.get().month == date(2025, 10, 1)


def test_a_number_cell_reads_as_the_number(world: World, admin_person, indicators) -> None:
    data = workbook(header_of("manual_values"), [row_of("manual_values", **value_row(数值=12.5))])
    outcome = run("manual_values", data, admin_person)
    assert outcome.errors == [] and ManualValue.objects.get().value == Decimal("12.5")


@pytest.mark.parametrize(
    ("cols", "column", "words"),
    [
        ({"月份": "2025-13"}, "月份", "不是有效月份"),
        ({"月份": "十月"}, "月份", "不是有效月份"),
        ({"数值": "十二点五"}, "数值", "不是数字"),
        ({"数值": "12.5亿"}, "数值", "不是数字"),
        ({"数值": "NaN"}, "数值", "不是数字"),
        ({"数值": "123456789012345"}, "数值", ""),
        ({"单位": "不存在街道"}, "单位", "没有找到"),
        ({"指标": "不存在的指标"}, "指标", "没有名为“不存在的指标”的手工录入指标"),
        ({"指标": "响应率"}, "指标", "手工录入"),
    ],
    ids=["month-13", "chinese-month", "chinese-number", "with-unit", "nan", "too-big", "unit", "indicator",
         "not-manual"],
)  # fmt: skip
def test_it_refuses_a_bad_cell_at_its_column(
    world: World, admin_person, indicators, cols: dict[str, object], column: str, words: str
) -> None:
    outcome = run_rows("manual_values", [value_row(**cols)], admin_person)
    assert problems(outcome) == {(2, column)}
    assert words in messages(outcome, column)
    assert not outcome.written and not ManualValue.objects.exists()


def test_a_department_is_no_unit_for_a_territory_indicator(world: World, admin_person, indicators) -> None:
    outcome = run_rows("manual_values", [value_row(单位="建设局")], admin_person)
    # The indicator exists; it is the unit that does not fit it.
    assert problems(outcome) == {(2, "单位")}
    assert "街道或园区" in messages(outcome, "单位")
    assert not ManualValue.objects.exists()


def test_a_street_is_no_unit_for_a_department_indicator(world: World, admin_person, indicators) -> None:
    outcome = run_rows("manual_values", [value_row(指标=INVESTMENT, 单位="下沙街道")], admin_person)
    assert problems(outcome) == {(2, "单位")}
    assert "部门" in messages(outcome, "单位")
    assert not ManualValue.objects.exists()


def test_a_street_dispatcher_cannot_enter_another_streets_value(
    world: World, xiasha_dispatcher, indicators
) -> None:
    outcome = run_rows(
        "manual_values", [value_row(单位="白杨街道"), value_row(单位="医药港小镇")], xiasha_dispatcher
    )
    assert problems(outcome) == {(2, "单位"), (3, "单位")}
    assert "管辖范围" in messages(outcome, "单位")
    assert not ManualValue.objects.exists()


def test_a_street_dispatcher_cannot_enter_a_departments_value(
    world: World, xiasha_dispatcher, indicators
) -> None:
    outcome = run_rows("manual_values", [value_row(指标=INVESTMENT, 单位="建设局")], xiasha_dispatcher)
    assert problems(outcome) == {(2, "单位")}
    assert "部门的指标值" in messages(outcome, "单位")
    assert not ManualValue.objects.exists()


def test_a_value_twice_in_the_file_is_refused(world: World, admin_person, indicators) -> None:
    outcome = run_rows("manual_values", [value_row(), value_row(数值="13")], admin_person)
    assert [(e.row, e.message) for e in outcome.errors] == [(3, "与第 2 行重复。")]
    assert not ManualValue.objects.exists()


def test_the_same_month_written_two_ways_is_still_twice_in_the_file(
    world: World, admin_person, indicators
) -> None:
    # Two values for 下沙街道's October: which one is meant? The file must say, not the row order.
    outcome = run_rows("manual_values", [value_row(), value_row(月份="2025年10月", 数值="13")], admin_person)
    assert [(e.row, "与第 2 行重复" in e.message) for e in outcome.errors] == [(3, True)]
    assert not ManualValue.objects.exists()


def test_one_bad_row_means_nothing_is_written(world: World, admin_person, indicators) -> None:
    outcome = run_rows(
        "manual_values", [value_row(), value_row(单位="白杨街道", 数值="约十亿")], admin_person
    )
    assert problems(outcome) == {(3, "数值")}
    assert not outcome.written and not ManualValue.objects.exists()


def test_a_dry_run_counts_and_writes_nothing(world: World, admin_person, indicators) -> None:
    outcome = run_rows(
        "manual_values", [value_row(), value_row(指标=INVESTMENT, 单位="建设局")], admin_person, dry_run=True
    )
    assert (outcome.errors, outcome.created, outcome.written) == ([], 2, False)
    assert not ManualValue.objects.exists()


def test_the_manual_values_export_reads_back_in(world: World, admin_person, indicators) -> None:
    output, investment = indicators[OUTPUT], indicators[INVESTMENT]
    for region, month, value in [
        (world.xiasha, date(2025, 9, 1), "11.2"),
        (world.xiasha, date(2025, 10, 1), "12.5"),
        (world.baiyang, date(2025, 10, 1), "100"),
        (world.park, date(2025, 10, 1), "0.0375"),
    ]:
        ManualValue.objects.create(indicator=output, region=region, month=month, value=Decimal(value))
    ManualValue.objects.create(
        indicator=investment, department=world.jianshe, month=date(2025, 10, 1), value=Decimal("-3")
    )
    data = export_bytes("manual_values", admin_person)
    before = sheet_rows(data)
    assert len(before) == 6
    ManualValue.objects.all().delete()

    outcome = run("manual_values", data, admin_person)
    assert (outcome.errors, outcome.created, outcome.written) == ([], 5, True)
    assert sheet_rows(export_bytes("manual_values", admin_person)) == before
    assert ManualValue.objects.get(region=world.baiyang).value == 100
