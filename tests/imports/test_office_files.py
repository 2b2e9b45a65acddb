"""Office files as they really are: .xls as Excel 97–2003 and WPS save it, sheets formatted far
below their data, sheets too big to read, dates written the ways clerks write them, and a carriage
return that survives an export."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import xlwt
from openpyxl import load_workbook

from sanfuwu.core.xlsx import SheetSpec, xlsx_chunks
from sanfuwu.imports.cells import CellProblem, parse_date, parse_moment
from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.marked import error_workbook
from sanfuwu.imports.models import ImportRun, RunState
from sanfuwu.imports.runs import import_run_create, import_run_execute
from sanfuwu.imports.workbook import FileRefused, SheetReader
from sanfuwu.people.models import Person
from sanfuwu.targets.models import Target
from sanfuwu.visits.models import Pairing
from tests.conftest import World, client_for
from tests.imports.bigsheets import big_sheet
from tests.imports.helpers import export_bytes, header_of, row_of, run, workbook

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def xls(header: list[str], rows: list[list[object]]) -> bytes:
    """An Excel 97–2003 workbook, dates as real date cells, as Excel or WPS saves one."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, title in enumerate(header):
        sheet.write(0, c, title)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, dated)
            elif value != "":
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pairing_rows(world: World) -> list[list[object]]:
    return [
        row_of("pairings", 联系对象=world.xiasha_firm.name, 包联人账号="gridder", 走访频次="每月",
               开始日期=date(2025, 7, 1), 结束日期=date(2025, 12, 31)),
        row_of("pairings", 联系对象=world.baiyang_firm.name, 包联部门="建设局", 走访频次="每季度",
               开始日期=date(2026, 3, 1)),
    ]  # fmt: skip


def test_an_xls_file_imports_the_same_rows_as_the_xlsx(
    world: World, admin_person: Person, grid_worker
) -> None:
    header, rows = header_of("pairings"), _pairing_rows(world)
    old = xls(header, rows)
    assert old.startswith(b"\xd0\xcf\x11\xe0")
    checked_xls = run("pairings", old, admin_person, dry_run=True)
    checked_xlsx = run("pairings", workbook(header, rows), admin_person, dry_run=True)
    assert checked_xls.errors == checked_xlsx.errors == []
    assert checked_xls.preview == checked_xlsx.preview and checked_xls.created == 2
    done = run("pairings", old, admin_person)
    assert done.written and done.created == 2
    assert sorted(Pairing.objects.values_list("starts_on", "ends_on")) == [
        (date(2025, 7, 1), date(2025, 12, 31)),
        (date(2026, 3, 1), None),
    ]


def test_the_page_takes_an_xls_by_its_name_and_its_content(world: World, admin_person: Person) -> None:
    client = client_for(admin_person)
    firm: list[object] = ["xls导入企业", "社区", "", "", "下沙街道", "", "否", "", "", ""]
    upload = io.BytesIO(xls(header_of("targets"), [firm]))
    upload.name = "联系对象.xls"
    response = client.post("/imports/", {"kind": "targets", "file": upload})
    assert response.status_code == 302
    found = ImportRun.objects.get()
    assert (found.state, found.message, found.errors) == (RunState.DONE, "", [])
    assert Target.objects.filter(name="xls导入企业").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("台账.xls", "<html><table><tr><td>编号</td></tr></table></html>".encode(), "这不是 Excel 工作簿"),
        ("台账.xls", None, "扩展名是 .xls，内容却不是"),
        ("台账.xlsx", "xls", "扩展名是 .xlsx，内容却不是"),
        ("台账.csv", None, "只能导入 Excel 文件"),
        ("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000, "无法读取该 .xls 文件"),
    ],
    ids=["web-page-named-xls", "xlsx-named-xls", "xls-named-xlsx", "csv", "damaged-xls"],
)
def test_what_is_not_the_workbook_its_name_says_is_refused(name: str, content: object, message: str) -> None:
    header = header_of("targets")
    data = {None: workbook(header, []), "xls": xls(header, [])}.get(content, content)  # type: ignore[call-overload]
    with pytest.raises(FileRefused, match=message):
        SheetReader(data, KINDS["targets"].columns, name)


def test_the_page_refuses_a_web_page_saved_as_xls_at_the_file_field(
    world: World, admin_person: Person
) -> None:
    upload = io.BytesIO(b"<html><body>not a workbook</body></html>")
    upload.name = "导出.xls"
    response = client_for(admin_person).post("/imports/", {"kind": "targets", "file": upload})
    assert response.status_code == 200 and "这不是 Excel 工作簿" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_rows_formatted_to_the_end_of_the_sheet_are_passed_over(world: World, admin_person: Person) -> None:
    firm = ["格式企业", "社区", "", "", "下沙街道", "", "否", "", "", ""]
    data = big_sheet(header_of("targets"), 50_000, "blank", first=firm)
    outcome = run("targets", data, admin_person)
    assert outcome.written and outcome.rows == 1 and outcome.created == 1


def test_a_sheet_too_big_once_unpacked_is_refused_with_the_reason(settings) -> None:
    settings.SANFUWU_IMPORT_MAX_SHEET_MB = 1
    data = big_sheet(header_of("targets"), 20_000, "blank")
    assert (
        len(data)
        < 1024 * 1024
        < zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").file_size
    )
    with pytest.raises(FileRefused, match="工作表解压后超过 1 MB，无法导入"):
        SheetReader(data, KINDS["targets"].columns)


def test_more_data_rows_than_allowed_refuse_the_file(settings, world: World, admin_person: Person) -> None:
    settings.SANFUWU_IMPORT_MAX_ROWS = 100
    run_ = import_run_create(actor=admin_person, kind=KINDS["targets"], filename="多.xlsx",
                             data=big_sheet(header_of("targets"), 101, "one-cell"), dry_run=True)  # fmt: skip
    run_ = import_run_execute(run_id=run_.pk)
    assert run_.state == RunState.REFUSED and "工作表超过 100 行数据" in run_.message


def test_problems_beyond_the_first_are_counted_and_said_on_the_page_and_in_the_report(
    settings, world: World, admin_person: Person
) -> None:
    settings.SANFUWU_IMPORT_MAX_PROBLEMS = 5
    data = big_sheet(header_of("targets"), 40, "one-cell")
    run_ = import_run_create(actor=admin_person, kind=KINDS["targets"], filename="缺.xlsx", data=data,
                             dry_run=True)  # fmt: skip
    run_ = import_run_execute(run_id=run_.pk)
    assert run_.error_count == 80 and len(run_.errors) == 5  # 类型 and 所属区域 missing on 40 rows
    page = client_for(admin_person).get(f"/imports/runs/{run_.pk}/").content.decode()
    assert "共 80 处问题，仅列出前 5 处" in page
    assert run_.report is not None
    report = load_workbook(io.BytesIO(bytes(run_.report.data)))
    assert "共 80 处问题，仅列出前 5 处" in str(report.worksheets[1]["A1"].value)
    marked = report.worksheets[0]
    assert marked.max_row == 41 and marked["A41"].value == "对象41"


def test_the_marked_workbook_colours_and_explains_each_listed_problem(
    world: World, admin_person: Person
) -> None:
    header = header_of("targets")
    data = workbook(header, [["甲对象", "", "", "", "下沙街道"], [], ["乙对象", "社区", "", "", "无此地"]])
    outcome = run("targets", data, admin_person)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "类型"), (4, "所属区域")]
    out = io.BytesIO()
    error_workbook(data, outcome.errors, out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    assert sheet["A4"].value == "乙对象" and sheet["A3"].value is None
    assert sheet["E4"].fill.fgColor.rgb.endswith("F8D7DA") and "第 4 行" in sheet["E4"].comment.text
    assert not sheet["A4"].fill.fgColor.rgb.endswith("F8D7DA")
    assert "类型" in sheet.cell(row=2, column=len(header) + 1).value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年3月1日 9时30分", datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING)),
        ("2026年3月1日9时30分15秒", datetime(2026, 3, 1, 9, 30, 15, tzinfo=BEIJING)),
        ("2026年3月1日 9时", datetime(2026, 3, 1, 9, 0, tzinfo=BEIJING)),
        ("20260301", datetime(2026, 3, 1, tzinfo=BEIJING)),
        ("46082", datetime(2026, 3, 1, tzinfo=BEIJING)),
        ("46082.5", datetime(2026, 3, 1, 12, 0, tzinfo=BEIJING)),
        ("2026-03-01T09:30", datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING)),
    ],
)
def test_it_reads_the_other_ways_a_time_is_written(text: str, expected: datetime) -> None:
    assert parse_moment(text) == expected


@pytest.mark.parametrize("text", ["2026年3月1日", "20260301", "46082", "46082.0", "2026-03-01 00:00"])
def test_the_same_forms_read_as_a_date(text: str) -> None:
    assert parse_date(text) == date(2026, 3, 1)


@pytest.mark.parametrize("text", ["20261301", "2026年3月1日 25时", "46082.5", "4608", "2026年3月1日 9时70分"])
def test_it_still_refuses_what_is_not_a_date(text: str) -> None:
    with pytest.raises(CellProblem):
        parse_date(text)
    if text != "46082.5":
        with pytest.raises(CellProblem):
            parse_moment(text)


def test_a_serial_date_typed_as_text_imports_as_that_date(
    world: World, admin_person: Person, grid_worker
) -> None:
    row = row_of("pairings", 联系对象=world.xiasha_firm.name, 包联人账号="gridder", 走访频次="每月",
                 开始日期="46082", 结束日期="20261231")  # fmt: skip
    outcome = run("pairings", workbook(header_of("pairings"), [row]), admin_person)
    assert outcome.written
    assert Pairing.objects.values_list("starts_on", "ends_on").get() == (date(2026, 3, 1), date(2026, 12, 31))


def test_a_carriage_return_survives_an_export_and_reading_it_back(world: World, admin_person: Person) -> None:
    text = "第一行\r\n第二行\r第三行 _x000D_ 原样"
    data = b"".join(xlsx_chunks([SheetSpec("对象", header_of("targets"), [[text]])]))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "_x000D_" in sheet and "\r" not in sheet and "_x005F_x000D_" in sheet
    assert next(SheetReader(data, KINDS["targets"].columns).rows()).get("名称") == text.strip()
    Target.objects.filter(pk=world.xiasha_firm.pk).update(address="钱塘区\r\n示例路 1 号")
    exported = export_bytes("targets", admin_person)
    read = {r.get("名称"): r.get("地址") for r in SheetReader(exported, KINDS["targets"].columns).rows()}
    assert read[world.xiasha_firm.name] == "钱塘区\r\n示例路 1 号"
