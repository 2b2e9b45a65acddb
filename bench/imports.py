"""Benchmark: a historic ledger of N issues imported from Excel, against parsing the same file.

    BENCH_ROWS=100000 .venv/bin/python -m bench.imports
    SANFUWU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanfuwu_bench BENCH_ROWS=100000 .venv/bin/python -m bench.imports

Builds the demo territory, people and enterprises, writes a ledger workbook of N rows in the
import's own columns (every final status, with dates, departments and enterprises), then reports,
from one run: openpyxl reading it in read-only mode and doing nothing else; the import's own
reader (cells to text, template rows skipped); a dry run; the import itself; and the Excel export
of the N issues, with its peak memory. Rows per second and ratios to the bare parse.

First, the files real offices send: 200,000 blank rows (formatting carried down the sheet) and
200,000 one-cell rows (every row missing its required columns), each handed in as on the page and
refused, with the time it took, the CPU it used and how far the process's memory rose.
"""

from __future__ import annotations

import io
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import build_territory
from sanfuwu.core.demokit import DemoContext
from sanfuwu.core.xlsx import SheetSpec, xlsx_chunks
from sanfuwu.imports.engine import import_file
from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.runs import import_run_create, import_run_execute
from sanfuwu.imports.workbook import SheetReader
from sanfuwu.issues.models import Issue
from sanfuwu.orgs.models import Category, Department, Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.targets import demo as targets_demo
from sanfuwu.targets.models import Target

N = int(os.environ.get("BENCH_ROWS", "100000"))
STATUSES = (
    ["已销号"] * 60
    + ["已办结"] * 15
    + ["办理中"] * 12
    + ["已交办"] * 5
    + ["已登记"] * 4
    + ["长效办理"] * 2
    + ["已作废"] * 2
)


def ledger_rows(n: int) -> list[list[str]]:
    rng = random.Random(7)
    header = [c.title for c in KINDS["issues"].columns]
    grids = list(Region.objects.filter(kind=RegionKind.GRID).values_list("name", flat=True))
    categories = list(Category.objects.values_list("name", flat=True))
    departments = list(Department.objects.values_list("name", flat=True))
    firms = list(Target.objects.filter(kind="enterprise").values_list("name", "credit_code"))
    start = datetime(2024, 1, 2, 9, 0)
    rows = []
    for i in range(n):
        status = rng.choice(STATUSES)
        tier = "长效办" if status == "长效办理" else rng.choice(["立刻办", "限期办", "限期办"])
        registered = start + timedelta(minutes=rng.randint(0, 60 * 24 * 600))
        firm = rng.choice(firms)
        row = dict.fromkeys(header, "")
        row.update({
            "编号": f"TZ-{i + 1:07d}", "标题": f"企业反映第{i % 97 + 1}号路段路面破损",
            "问题描述": "企业反映门前道路破损严重，货车进出困难，希望尽快修复。" * 2,
            "来源": rng.choice(["走访", "热线", "网上诉求"]),
            "事项分类": rng.choice(categories), "办理类型": tier, "所属区域": rng.choice(grids), "联系对象": firm[0],
            "统一社会信用代码": firm[1], "反映人": "王先生", "反映人电话": f"138{rng.randint(10000000, 99999999)}",
            "状态": status, "登记时间": f"{registered:%Y-%m-%d %H:%M}",
        })  # fmt: skip
        if status != "已登记" and not (status == "已作废" and rng.random() < 0.5):
            dispatched = registered + timedelta(hours=rng.randint(1, 30))
            row.update({"主办部门": rng.choice(departments), "交办时间": f"{dispatched:%Y-%m-%d %H:%M}"})
            if tier != "长效办":
                row["办理期限"] = f"{dispatched + timedelta(days=rng.randint(3, 30)):%Y-%m-%d}"
            if status in ("办理中", "长效办理", "已办结", "已销号"):
                row["签收时间"] = f"{dispatched + timedelta(hours=rng.randint(1, 20)):%Y-%m-%d %H:%M}"
            if status == "长效办理":
                row["长效办理计划"] = "纳入年度改造计划，分步实施，每月通报进度。"
            if status in ("已办结", "已销号"):
                resolved = dispatched + timedelta(days=rng.randint(2, 40))
                row.update(
                    {"办结时间": f"{resolved:%Y-%m-%d %H:%M}", "办理结果": "已组织施工单位修复破损路面。"}
                )
                if status == "已销号":
                    rated = resolved + timedelta(days=1)
                    closed = rated + timedelta(hours=2)
                    row.update({"答复内容": "您反映的路面破损问题已修复。", "回访评价": rng.choice(["满意", "满意", "基本满意"]),
                                "回访时间": f"{rated:%Y-%m-%d %H:%M}", "销号时间": f"{closed:%Y-%m-%d %H:%M}"})  # fmt: skip
        if status == "已作废":
            row["作废原因"] = "重复登记。"
        rows.append([row[h] for h in header])
    return rows


def main() -> None:
    build_territory()
    targets_demo.build(DemoContext(seed=1, today=datetime.now().date(), out=sys.stdout))
    admin = Person.objects.get(username="admin")
    useless_rows(admin)
    header = [c.title for c in KINDS["issues"].columns]
    started = time.perf_counter()
    data = b"".join(xlsx_chunks([SheetSpec("问题台账", header, ledger_rows(N))]))
    print(f"ledger of {N:,} rows: {len(data) / 1e6:.1f} MB, written in {time.perf_counter() - started:.1f} s")
    Path(os.environ["SANFUWU_VAR_DIR"], "ledger.xlsx").write_bytes(data)

    from openpyxl import load_workbook

    started = time.perf_counter()
    book = load_workbook(io.BytesIO(data), read_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    parse = time.perf_counter() - started
    print(f"openpyxl read-only, values only: {count - 1:,} rows in {parse:.1f} s = {N / parse:,.0f} rows/s")

    started = time.perf_counter()
    count = sum(1 for _ in SheetReader(data, KINDS["issues"].columns).rows())
    reader = time.perf_counter() - started
    print(f"import's reader (cells to text):  {count:,} rows in {reader:.1f} s = {N / reader:,.0f} rows/s")

    results = {}
    passes = (
        ("dry run (batch by batch, each rolled back)", True),
        ("import confirmed after the dry run (one transaction)", False),
    )
    for label, dry_run in passes:
        started = time.perf_counter()
        importer = KINDS["issues"].importer(actor=admin, dry_run=dry_run)
        outcome = import_file(importer, data, checked=True)
        took = time.perf_counter() - started
        assert not outcome.errors, outcome.errors[:5]
        results[label] = took
        print(f"{label}: {outcome.created:,} issues in {took:.1f} s = {N / took:,.0f} rows/s, "
              f"{took / parse:.1f}× the bare parse")  # fmt: skip
    print(f"issues now in the database: {Issue.objects.count():,}")
    export(admin)


def useless_rows(admin: Person, rows: int = 200_000) -> None:
    from tests.imports.bigsheets import big_sheet

    header = [c.title for c in KINDS["targets"].columns]
    for shape in ("blank", "one-cell"):
        data = big_sheet(header, rows, shape)
        run = import_run_create(actor=admin, kind=KINDS["targets"], filename=f"{shape}.xlsx", data=data,
                                dry_run=False)  # fmt: skip
        Path("/proc/self/clear_refs").write_text("5")
        before, started, cpu = _peak_rss_kb(), time.perf_counter(), time.process_time()
        run = import_run_execute(run_id=run.pk)
        took, used = time.perf_counter() - started, time.process_time() - cpu
        print(f"{rows:,} {shape} rows ({len(data) / 1e6:.1f} MB): {run.get_state_display()} in {took:.1f} s "
              f"({used:.1f} s of CPU), {run.error_count:,} problems ({len(run.errors)} listed), "
              f"peak memory +{(_peak_rss_kb() - before) / 1024:.0f} MB")  # fmt: skip


def _peak_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def export(admin: Person) -> None:
    """The issue list's export of everything, streamed: time, size and how far memory rose."""
    from django.http import QueryDict

    from sanfuwu.portal.exporting import EXPORTS

    Path("/proc/self/clear_refs").write_text("5")  # start the peak over from here
    before = _peak_rss_kb()
    started = time.perf_counter()
    built = EXPORTS["issues"](admin, QueryDict())
    size = sum(len(chunk) for chunk in xlsx_chunks(built.sheets))
    took = time.perf_counter() - started
    rows = Issue.objects.count()
    print(f"export of {rows:,} issues: {size / 1e6:.1f} MB in {took:.1f} s = {rows / took:,.0f} rows/s, "
          f"peak memory +{(_peak_rss_kb() - before) / 1024:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
