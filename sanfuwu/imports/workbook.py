"""Reading an uploaded .xlsx row by row, refusing what is not a workbook we can trust.

Every refusal is a Chinese sentence a clerk can act on. A file-level problem (not a workbook, too
big, no data, columns missing) refuses the file; a cell-level one (a formula, a bad value) is
reported at its row and column, and the import writes nothing either way.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

MAX_BYTES = 20 * 1024 * 1024
NOTE_MARK = "【说明】"
EXAMPLE_MARK = "【示例】"
BAD_FILL = PatternFill("solid", fgColor="F8D7DA")
HEADER_FILL = PatternFill("solid", fgColor="17213A")
HEADER_FONT = Font(bold=True, color="FFFFFF")


class FileRefused(Exception):
    """The file as a whole cannot be imported; the message says why, in Chinese."""


@dataclass(frozen=True)
class Column:
    title: str
    required: bool = False
    note: str = ""
    example: str = ""


@dataclass
class Row:
    number: int  # as Excel numbers it
    values: dict[str, str]


@dataclass(frozen=True)
class CellError:
    row: int
    column: str  # a column title, or "" for the whole row
    message: str


@dataclass
class Sheet:
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(upload: IO[bytes], columns: Sequence[Column], *, size: int | None = None) -> Sheet:
    if size is not None and size > MAX_BYTES:
        raise FileRefused(_("文件超过 20 MB，请拆分后分批导入。"))
    if size == 0:
        raise FileRefused(_("文件是空的。"))
    if not zipfile.is_zipfile(upload):
        raise FileRefused(
            _(
                "这不是 Excel 工作簿（.xlsx）：可能是改了扩展名的 CSV、旧版 .xls 或其他文件。请在 Excel 中另存为 .xlsx 后再导入。"
            )
        )
    upload.seek(0)
    try:
        book = load_workbook(upload, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a damaged package
        raise FileRefused(_("无法读取该 Excel 文件，文件可能已损坏。")) from None
    sheet = book.worksheets[0] if book.worksheets else None
    lines = sheet.iter_rows() if sheet is not None else iter(())
    header_cells = next(lines, None)
    header = [_text(c.value) for c in header_cells] if header_cells else []
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise FileRefused(_("工作簿是空的：第一行应为列名。请使用导入模板。"))
    known = {c.title for c in columns}
    missing = [c.title for c in columns if c.required and c.title not in header]
    unknown = [h for h in header if h and h not in known]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("缺少列：%(cols)s") % {"cols": "、".join(missing)})
        if unknown:
            parts.append(_("无法识别的列：%(cols)s") % {"cols": "、".join(unknown)})
        raise FileRefused("；".join(parts) + _("。请使用导入模板，不要修改第一行的列名。"))
    result = Sheet(header=header)
    for number, cells in enumerate(lines, start=2):
        values: dict[str, str] = {}
        for title, cell in zip(header, cells, strict=False):
            if not title:
                continue
            if cell.data_type == "f":
                result.errors.append(
                    CellError(number, title, _("单元格含有公式，请复制后“粘贴为数值”再导入。"))
                )
                values[title] = ""
                continue
            values[title] = _text(cell.value)
        texts = [v for v in values.values() if v]
        if not texts and not any(e.row == number for e in result.errors):
            continue
        if texts and (texts[0].startswith(NOTE_MARK) or texts[0].startswith(EXAMPLE_MARK)):
            continue
        result.rows.append(Row(number=number, values=values))
    book.close()
    if not result.rows and not result.errors:
        raise FileRefused(_("工作簿中没有可导入的数据行。"))
    return result


def template_workbook(columns: Sequence[Column], title: str) -> Workbook:
    """Chinese headers, a notes row and an example row, which the import skips."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append([c.title for c in columns])
    sheet.append([f"{NOTE_MARK}{'必填。' if c.required else '选填。'}{c.note}" if i == 0 else
                  f"{'必填。' if c.required else '选填。'}{c.note}" for i, c in enumerate(columns)])  # fmt: skip
    sheet.append([f"{EXAMPLE_MARK}{c.example}" if i == 0 else c.example for i, c in enumerate(columns)])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.title) * 3)
        head = sheet.cell(row=1, column=index)
        head.font, head.fill = HEADER_FONT, HEADER_FILL
        for row in (2, 3):
            cell = sheet.cell(row=row, column=index)
            cell.font = Font(italic=True, color="868E96")
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    return book


def error_workbook(sheet: Sheet, errors: Sequence[CellError]) -> Workbook:
    """The rows as read, the bad cells marked red with the reason, and a last column saying it all."""
    book = Workbook()
    out = book.active
    assert out is not None
    out.title = "导入检查结果"
    out.append([*sheet.header, "问题说明"])
    for index in range(1, len(sheet.header) + 2):
        head = out.cell(row=1, column=index)
        head.font, head.fill = HEADER_FONT, HEADER_FILL
    by_row: dict[int, list[CellError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    rows = {r.number: r for r in sheet.rows}
    for number in sorted(set(rows) | set(by_row)):
        row = rows.get(number)
        values = [row.values.get(h, "") if row else "" for h in sheet.header]
        found = by_row.get(number, [])
        out.append([*values, "；".join(f"{e.column or '整行'}：{e.message}" for e in found)])
        line = out.max_row
        for cell in out[line]:
            cell.data_type = "s"
        for error in found:
            if error.column in sheet.header:
                cell = out.cell(row=line, column=sheet.header.index(error.column) + 1)
                cell.fill = BAD_FILL
                cell.comment = Comment(f"第 {number} 行：{error.message}", "三服务平台")
    return book
