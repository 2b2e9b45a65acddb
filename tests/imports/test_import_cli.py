"""sanfuwu import and sanfuwu template on the command line: a progress bar, the problems at their
rows, the marked workbook written where asked, and nothing written when anything is wrong."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.models import ImportRun, RunState
from sanfuwu.people.models import Person
from sanfuwu.targets.models import Target
from tests.conftest import World, make_code
from tests.imports.helpers import header_of, row_of, workbook

pytestmark = pytest.mark.django_db


def firms(n: int, start: int = 0) -> bytes:
    rows = []
    for i in range(start, start + n):
        code = make_code(f"330114MA2CL{i:04d}")
        rows.append(row_of("targets", 名称=f"命令行企业{i}", 类型="企业", 统一社会信用代码=code, 行业="生物医药",
                           所属区域="下沙街道"))  # fmt: skip
    return workbook(header_of("targets"), rows)


def test_it_imports_with_a_progress_bar_and_says_what_it_did(
    world: World, admin_person: Person, tmp_path: Path
) -> None:
    path = tmp_path / "企业.xlsx"
    path.write_bytes(firms(1200))
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "targets", str(path), "--user", "admin", stdout=out, stderr=err)
    assert "已新增 1200 条，更新 0 条，跳过 0 条联系对象（共 1200 行）" in out.getvalue()
    # Not a terminal: a line per tenth, the last at 100 % with the pace.
    lines = err.getvalue().splitlines()
    assert lines[-1].lstrip().startswith("100.0%") and "1,200/1,200 行" in lines[-1] and "行/秒" in lines[-1]
    assert 2 <= len(lines) <= 11
    assert Target.objects.filter(name__startswith="命令行企业").count() == 1200
    run = ImportRun.objects.get()
    assert (run.state, run.created_by, run.filename, run.created) == (
        RunState.DONE,
        admin_person,
        "企业.xlsx",
        1200,
    )


def test_a_dry_run_writes_nothing_and_quiet_draws_no_bar(
    world: World, admin_person: Person, tmp_path: Path
) -> None:
    path = tmp_path / "企业.xlsx"
    path.write_bytes(firms(3))
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "targets", str(path), "--dry-run", "--quiet", stdout=out, stderr=err)
    assert "检查通过，将新增 3 条" in out.getvalue() and err.getvalue() == ""
    assert not Target.objects.filter(name__startswith="命令行企业").exists()


def test_it_lists_the_problems_writes_the_marked_workbook_and_nothing_else(
    world: World, admin_person: Person, tmp_path: Path
) -> None:
    rows = [row_of("targets", 名称="好企业", 类型="企业", 统一社会信用代码=make_code("330114MA2CLX001"),
                   行业="生物医药", 所属区域="下沙街道"),
            row_of("targets", 名称="坏企业", 类型="工厂", 所属区域="下沙街道")]  # fmt: skip
    path, report = tmp_path / "企业.xlsx", tmp_path / "检查结果.xlsx"
    path.write_bytes(workbook(header_of("targets"), rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="有 1 处问题，没有写入任何数据"):
        call_command("import", "targets", str(path), "--report", str(report), "--quiet", stderr=err)
    assert "第 3 行 类型：类型应为：企业、社区、村、高校、人才、项目。" in err.getvalue()
    sheet = load_workbook(report).worksheets[0]
    assert sheet.cell(row=3, column=2).comment is not None
    assert not Target.objects.filter(name="好企业").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["targets", "NOFILE", "--user", "nobody"], "没有账号 nobody"),
        (["issues", "NOFILE", "--user", "gridder"], "不能导入问题台账"),
        (["targets", "/nonexistent/企业.xlsx"], "找不到文件"),
    ],
)
def test_it_refuses_a_stranger_a_role_without_the_kind_and_a_missing_file(
    world: World, admin_person: Person, grid_worker: Person, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("import", *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_it_refuses_a_file_that_is_not_a_workbook(world: World, admin_person: Person, tmp_path: Path) -> None:
    path = tmp_path / "企业.xlsx"
    path.write_bytes("名称,类型\n甲,企业\n".encode())
    with pytest.raises(CommandError, match="这不是 Excel 工作簿"):
        call_command("import", "targets", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_it_writes_every_template(kind: str, tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.xlsx"
    call_command("template", kind, str(out), stdout=io.StringIO())
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == header_of(kind) and str(rows[2][0]).startswith("【示例】")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_is_redrawn_in_place() -> None:
    from importlib import import_module

    from django.core.management.base import OutputWrapper

    bar_of = import_module("sanfuwu.imports.management.commands.import").ProgressBar
    screen = Terminal()
    bar = bar_of(OutputWrapper(screen))
    for done in (0, 500, 1000):
        bar(done, 1000)
    drawn = screen.getvalue()
    assert drawn.count("\r[") == 3 and drawn.endswith("\n") and drawn.count("\n") == 1
    assert "[███████████████···············]  50.0%" in drawn and "1,000/1,000 行" in drawn
