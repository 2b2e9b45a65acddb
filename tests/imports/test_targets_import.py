"""Importing targets from Excel: a round trip through the export, and every malformed file refused
with a clear message and nothing written."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from sanfuwu.imports.marked import error_workbook
from sanfuwu.imports.targets import COLUMNS
from sanfuwu.imports.workbook import FileRefused, SheetReader, template_workbook
from sanfuwu.people.models import Person
from sanfuwu.targets.models import Target
from tests.conftest import World, client_for, make_code
from tests.imports.helpers import run as run_kind

pytestmark = pytest.mark.django_db
HEADER = [c.title for c in COLUMNS]


def workbook(rows: list[list[object]], header: list[str] = HEADER) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def firm(name: str, code: str, region: str = "下沙街道", grid: str = "", key: str = "否") -> list[object]:
    return [name, "企业", code, "生物医药", region, grid, key, "杭州市钱塘区", "王某", "13800000000"]


def run(data: io.BytesIO, actor: Person, dry_run: bool = False):
    return run_kind("targets", data.getvalue(), actor, dry_run=dry_run)


def read_sheet(data: io.BytesIO, columns: object = COLUMNS, size: int | None = None) -> list[object]:
    return list(SheetReader(data.getvalue() if size is None else b"x" * size, COLUMNS).rows())


def exported(client) -> list[tuple[str, ...]]:
    response = client.get(reverse("targets:export"), {"kind": "all"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return sorted(tuple(str(v or "") for v in row) for row in book.worksheets[0].iter_rows(values_only=True))


def test_it_exports_imports_into_an_empty_district_and_exports_the_same(
    world: World, admin_person: Person
) -> None:
    client = client_for(admin_person)
    before = exported(client)
    response = client.get(reverse("targets:export"), {"kind": "all"})
    data = io.BytesIO(response.getvalue())
    Target.objects.all().delete()
    outcome = run(data, admin_person)
    assert outcome.errors == [] and outcome.created == 3 and outcome.written
    assert exported(client) == before


def test_it_updates_an_enterprise_with_the_same_code_rather_than_doubling_it(
    world: World, admin_person: Person
) -> None:
    code = world.xiasha_firm.credit_code
    assert code is not None
    outcome = run(workbook([firm("下沙星辰制药股份有限公司", code, key="是")]), admin_person)
    assert (outcome.created, outcome.updated) == (0, 1)
    world.xiasha_firm.refresh_from_db()
    assert world.xiasha_firm.name == "下沙星辰制药股份有限公司" and world.xiasha_firm.is_key
    assert Target.objects.count() == 3


def test_a_dry_run_reports_and_writes_nothing(world: World, admin_person: Person) -> None:
    outcome = run(
        workbook(
            [firm("新企业一", make_code("330114MA2NEW001")), firm("新企业二", make_code("330114MA2NEW002"))]
        ),
        admin_person,
        dry_run=True,
    )
    assert (outcome.created, outcome.errors, outcome.written) == (2, [], False)
    assert Target.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"\xe5\x90\x8d\xe7\xa7\xb0,\xe7\xb1\xbb\xe5\x9e\x8b\nabc,def\n",
            "这不是 Excel 工作簿",
        ),  # a CSV renamed .xlsx
        (os.urandom(4096), "这不是 Excel 工作簿"),
        (b"PK\x03\x04" + os.urandom(2000), "这不是 Excel 工作簿"),  # looks like a zip, is not
        (b"", "文件是空的"),
    ],
    ids=["csv", "random-bytes", "broken-zip", "zero-bytes"],
)
def test_it_refuses_what_is_not_a_workbook(world: World, content: bytes, message: str) -> None:
    with pytest.raises(FileRefused, match=message):
        read_sheet(io.BytesIO(content), COLUMNS)


def test_it_refuses_an_empty_workbook_and_one_with_only_the_template_rows(world: World) -> None:
    empty = io.BytesIO()
    Workbook().save(empty)
    empty.seek(0)
    with pytest.raises(FileRefused, match="工作簿是空的"):
        read_sheet(empty, COLUMNS)
    template = io.BytesIO()
    template_workbook(COLUMNS, "联系对象").save(template)
    admin = Person.objects.create_user(username="tpl_admin", is_superuser=True)
    with pytest.raises(FileRefused, match="没有可导入的数据行"):
        run(template, admin)


def test_it_refuses_missing_and_renamed_columns(world: World) -> None:
    with pytest.raises(FileRefused, match="缺少列：所属区域"):
        read_sheet(workbook([], header=[h for h in HEADER if h != "所属区域"]), COLUMNS)
    renamed = [("企业名称" if h == "名称" else h) for h in HEADER]
    with pytest.raises(FileRefused, match="缺少列：名称；无法识别的列：企业名称"):
        read_sheet(workbook([], header=renamed), COLUMNS)


def test_it_refuses_a_file_over_20_mb(world: World) -> None:
    with pytest.raises(FileRefused, match="20 MB"):
        read_sheet(workbook([]), COLUMNS, size=20 * 1024 * 1024 + 1)


def test_it_reports_every_bad_cell_and_writes_nothing(world: World, admin_person: Person) -> None:
    good = firm("新企业甲", make_code("330114MA2NEW003"))
    bad_code = firm("新企业乙", "91330114MA2NEW0049")
    wrong_kind: list[object] = ["新对象丙", "工厂", "", "", "下沙街道", "", "否", "", "", ""]
    nowhere = firm("新企业丁", make_code("330114MA2NEW005"), region="不存在街道")
    twin = firm("新企业戊", make_code("330114MA2NEW003"))
    formula = firm("新企业己", make_code("330114MA2NEW006"))
    formula[7] = '=HYPERLINK("http://example.com")'
    outcome = run(workbook([good, bad_code, wrong_kind, nowhere, twin, formula]), admin_person)
    found = {(e.row, e.column) for e in outcome.errors}
    assert (3, "统一社会信用代码") in found  # check character
    assert (4, "类型") in found
    assert (5, "所属区域") in found
    assert (6, "统一社会信用代码") in found and any("与第 2 行重复" in e.message for e in outcome.errors)
    assert (7, "地址") in found and any("公式" in e.message for e in outcome.errors)
    assert not outcome.written and Target.objects.count() == 3
    # The report marks the bad cells red and says why, row by row.
    report = io.BytesIO()
    error_workbook(workbook([good, bad_code]).getvalue(), outcome.errors, report)
    sheet = load_workbook(io.BytesIO(report.getvalue())).active
    assert sheet is not None
    assert sheet.cell(row=1, column=len(HEADER) + 1).value == "问题说明"
    assert sheet.cell(row=3, column=3).fill.fgColor.rgb.endswith("F8D7DA")


def test_it_keeps_a_street_to_its_own_territory(world: World) -> None:
    from tests.conftest import make_person

    clerk = make_person("imp_xiasha", ["dispatcher"], region=world.xiasha)
    outcome = run(workbook([firm("白杨新企业", make_code("330114MA2NEW007"), region="白杨街道")]), clerk)
    assert [e.column for e in outcome.errors] == ["所属区域"] and Target.objects.count() == 3


def test_the_command_line_imports_checks_and_writes_templates(
    world: World, admin_person: Person, tmp_path: Path
) -> None:
    path = tmp_path / "企业.xlsx"
    path.write_bytes(workbook([firm("命令行企业", make_code("330114MA2NEW008"))]).getvalue())
    out = io.StringIO()
    call_command("import", "targets", str(path), "--dry-run", "--user", "admin", stdout=out)
    assert "将新增 1 条" in out.getvalue() and not Target.objects.filter(name="命令行企业").exists()
    call_command("import", "targets", str(path), "--user", "admin", stdout=out)
    assert Target.objects.filter(name="命令行企业").exists()
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="这不是 Excel 工作簿"):
        call_command("import", "targets", str(bad), "--user", "admin", stdout=out)
    template = tmp_path / "模板.xlsx"
    call_command("template", "targets", str(template), stdout=out)
    rows = list(load_workbook(template).active.iter_rows(values_only=True))
    assert (
        list(rows[0]) == HEADER
        and str(rows[1][0]).startswith("【说明】")
        and str(rows[2][0]).startswith("【示例】")
    )
