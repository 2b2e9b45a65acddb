"""Every kind's file is judged the same way before a row is read: what is not a workbook we can
trust is refused as a whole, with a sentence a clerk can act on, and nothing is written."""

from __future__ import annotations

import io
import os
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from sanfuwu.core.xlsx import SheetSpec, xlsx_chunks
from sanfuwu.imports.cells import (
    CellProblem,
    parse_date,
    parse_decimal,
    parse_moment,
    parse_month,
    parse_yes_no,
)
from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.marked import error_workbook
from sanfuwu.imports.workbook import FileRefused, SheetReader, template_workbook
from sanfuwu.issues.models import Issue
from sanfuwu.people.models import Person
from sanfuwu.targets.models import Target
from tests.conftest import World
from tests.imports.helpers import header_of, run, workbook

pytestmark = pytest.mark.django_db
EVERY_KIND = sorted(KINDS)
BEIJING = ZoneInfo("Asia/Shanghai")


def _template(kind: str) -> bytes:
    data = io.BytesIO()
    template_workbook(KINDS[kind].columns, str(KINDS[kind].title)).save(data)
    return data.getvalue()


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_each_template_has_chinese_headers_a_notes_row_and_an_example_row(kind: str) -> None:
    rows = list(load_workbook(io.BytesIO(_template(kind))).worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == header_of(kind)
    assert str(rows[1][0]).startswith("【说明】") and str(rows[2][0]).startswith("【示例】")
    required = [c for c in KINDS[kind].columns if c.required]
    assert required and all(
        str(rows[1][header_of(kind).index(c.title)]).lstrip("【说明】").startswith("必填") for c in required
    )


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_a_template_with_nothing_filled_in_is_refused(world: World, admin_person: Person, kind: str) -> None:
    with pytest.raises(FileRefused, match="没有可导入的数据行"):
        run(kind, _template(kind), admin_person)


def _empty_workbook() -> bytes:
    data = io.BytesIO()
    Workbook().save(data)
    return data.getvalue()


MALFORMED = {
    "csv-renamed": ("编号,标题\nWT-1,路灯不亮\n".encode(), "这不是 Excel 工作簿"),
    "random-bytes": (os.urandom(8192), "这不是 Excel 工作簿"),
    "broken-zip": (b"PK\x03\x04" + os.urandom(4000), "这不是 Excel 工作簿"),
    "zero-bytes": (b"", "文件是空的"),
    "over-20-mb": (b"PK" + b"\x00" * (20 * 1024 * 1024), "文件超过 20 MB"),
    "empty-workbook": (_empty_workbook(), "工作簿是空的"),
}


@pytest.mark.parametrize("kind", EVERY_KIND)
@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_what_is_not_a_workbook_is_refused_for_every_kind(kind: str, name: str) -> None:
    content, message = MALFORMED[name]
    with pytest.raises(FileRefused, match=message):
        SheetReader(content, KINDS[kind].columns)


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_missing_renamed_and_doubled_columns_are_refused_by_name(kind: str) -> None:
    header = header_of(kind)
    required = next(c.title for c in KINDS[kind].columns if c.required)
    without = [h for h in header if h != required]
    with pytest.raises(FileRefused, match=f"缺少列：{required}"):
        SheetReader(workbook(without, []), KINDS[kind].columns)
    renamed = [f"{h}（新）" if h == required else h for h in header]
    with pytest.raises(FileRefused, match=f"无法识别的列：{required}（新）"):
        SheetReader(workbook(renamed, []), KINDS[kind].columns)
    with pytest.raises(FileRefused, match=f"列名重复：{header[-1]}"):
        SheetReader(workbook([*header, header[-1]], []), KINDS[kind].columns)


def test_a_formula_is_reported_at_its_cell_and_nothing_is_written(world: World, admin_person: Person) -> None:
    header = header_of("targets")
    good = [
        "公式测试企业甲",
        "企业",
        world.xiasha_firm.credit_code,
        "生物医药",
        "下沙街道",
        "",
        "否",
        "",
        "",
        "",
    ]
    formula = ["公式测试对象", "社区", "", "", "下沙街道", "", "否", "=1+1", "", ""]
    outcome = run("targets", workbook(header, [good, formula]), admin_person)
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "地址")]
    assert "粘贴为数值" in outcome.errors[0].message
    assert not outcome.written and not Target.objects.filter(name="公式测试对象").exists()
    world.xiasha_firm.refresh_from_db()
    assert world.xiasha_firm.name != "公式测试企业甲"


def test_a_cell_longer_than_its_field_is_refused_at_the_cell(world: World, admin_person: Person) -> None:
    from sanfuwu.orgs.models import Category

    Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    row = {"编号": "WT-2025-000001", "标题": "路" * 121, "问题描述": "路面破损", "来源": "走访", "事项分类": "道路交通",
           "办理类型": "限期办", "所属区域": "头格第1网格", "状态": "已登记", "登记时间": "2025-10-08 09:30"}  # fmt: skip
    outcome = run(
        "issues", workbook(header_of("issues"), [[row.get(h, "") for h in header_of("issues")]]), admin_person
    )
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "标题")] and "最多 120 个字" in outcome.errors[
        0
    ].message
    assert not Issue.objects.exists()


def test_the_reader_counts_rows_of_files_that_do_not_say_how_many_they_hold() -> None:
    header = header_of("targets")
    streamed = b"".join(xlsx_chunks([SheetSpec("联系对象", header, ([f"对象{i}"] for i in range(1234)))]))
    assert SheetReader(streamed, KINDS["targets"].columns).total == 1234
    assert (
        SheetReader(workbook(header, [[f"对象{i}"] for i in range(77)]), KINDS["targets"].columns).total == 77
    )


def test_the_marked_workbook_keeps_the_files_rows_in_place(world: World, admin_person: Person) -> None:
    header = header_of("targets")
    data = workbook(header, [["【说明】随便写"], [], ["无类型对象", "", "", "", "下沙街道"]])
    outcome = run("targets", data, admin_person)
    assert [(e.row, e.column) for e in outcome.errors] == [(4, "类型")]
    report = io.BytesIO()
    error_workbook(data, outcome.errors, report)
    sheet = load_workbook(io.BytesIO(report.getvalue())).worksheets[0]
    # Row 4 is still row 4, so that "第 4 行" in the message points at it; the reason is in the last column.
    assert sheet.cell(row=4, column=1).value == "无类型对象"
    assert sheet.cell(row=4, column=2).fill.fgColor.rgb.endswith("F8D7DA")
    assert "第 4 行" in sheet.cell(row=4, column=2).comment.text
    assert "类型" in str(sheet.cell(row=4, column=len(header) + 1).value)
    # The marked file, fixed, imports as it is: its last column is passed over.
    rows = [[c.value or "" for c in r] for r in sheet.iter_rows()]
    rows[3][1] = "社区"
    fixed = run("targets", workbook(rows[0], rows[1:]), admin_person)
    assert fixed.errors == [] and fixed.created == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-10-08", date(2025, 10, 8)), ("2025/10/8", date(2025, 10, 8)), ("2025.10.08", date(2025, 10, 8)),
     ("2025年10月8日", date(2025, 10, 8)), ("2025-10-08 00:00", date(2025, 10, 8))],
)  # fmt: skip
def test_it_reads_the_ways_a_clerk_writes_a_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2025-13-01", "2025-02-30", "明天", "10/08/2025", "2025-10"])
def test_it_refuses_what_is_not_a_date(text: str) -> None:
    with pytest.raises(CellProblem, match="不是有效日期"):
        parse_date(text)


def test_it_reads_beijing_times_and_months_and_numbers() -> None:
    assert parse_moment("2025-10-08 09:30") == datetime(2025, 10, 8, 9, 30, tzinfo=BEIJING)
    assert parse_moment("2025/10/8 9:30:15") == datetime(2025, 10, 8, 9, 30, 15, tzinfo=BEIJING)
    assert parse_moment("2025-10-08") == datetime(2025, 10, 8, tzinfo=BEIJING)
    with pytest.raises(CellProblem, match="不是有效时间"):
        parse_moment("2025-10-08 25:00")
    assert (
        parse_month("2025年10月") == parse_month("2025-10") == parse_month("2025-10-01") == date(2025, 10, 1)
    )
    assert parse_decimal("1,024.50") == Decimal("1024.50")
    with pytest.raises(CellProblem, match="不是数字"):
        parse_decimal("十二")
    assert parse_yes_no("是") and not parse_yes_no("") and not parse_yes_no("否")
    with pytest.raises(CellProblem, match="是"):
        parse_yes_no("Y")
