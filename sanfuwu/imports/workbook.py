"""Reading an uploaded .xlsx row by row, refusing what is not a workbook we can trust.

Every refusal is a Chinese sentence a clerk can act on. A file-level problem (not a workbook, too
big, no data, columns missing) refuses the file; a cell-level one (a formula, a bad value) is
reported at its row and column, and the import writes nothing either way. Rows are read one at a
time (openpyxl's read-only mode), so a 100,000-row ledger never sits in memory as a whole.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

MAX_BYTES = 20 * 1024 * 1024
NOTE_MARK = "【说明】"
EXAMPLE_MARK = "【示例】"
BAD_FILL = PatternFill("solid", fgColor="F8D7DA")
HEADER_FILL = PatternFill("solid", fgColor="17213A")
HEADER_FONT = Font(bold=True, color="FFFFFF")
REPORT_COLUMN = "问题说明"


class FileRefused(Exception):
    """The file as a whole cannot be imported; the message says why, in Chinese."""


@dataclass(frozen=True)
class Column:
    title: str
    required: bool = False
    note: str = ""
    example: str = ""
    max_length: int | None = None  # the field's own limit, checked before anything is written


@dataclass(frozen=True)
class CellError:
    row: int
    column: str  # a column title, or "" for the whole row
    message: str


@dataclass
class Row:
    number: int  # as Excel numbers it
    values: dict[str, str]
    errors: list[CellError] = field(default_factory=list)  # found while reading (formulas)

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def check_upload(data: bytes) -> None:
    """The checks that need no parsing: size, emptiness, and whether it is a zip at all."""
    if len(data) > MAX_BYTES:
        raise FileRefused(_("文件超过 20 MB，请拆分后分批导入。"))
    if not data:
        raise FileRefused(_("文件是空的。"))
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileRefused(
            _(
                "这不是 Excel 工作簿（.xlsx）：可能是改了扩展名的 CSV、旧版 .xls 或其他文件。请在 Excel 中另存为 .xlsx 后再导入。"
            )
        )


def _is_template_row(texts: list[str]) -> bool:
    return bool(texts) and (texts[0].startswith(NOTE_MARK) or texts[0].startswith(EXAMPLE_MARK))


class SheetReader:
    """The first sheet of a workbook whose header names the expected columns."""

    def __init__(self, data: bytes, columns: Sequence[Column]) -> None:
        check_upload(data)
        try:
            self._book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            sheet = self._book.worksheets[0] if self._book.worksheets else None
        except Exception:  # openpyxl raises many kinds on a damaged package
            raise FileRefused(_("无法读取该 Excel 文件，文件可能已损坏。")) from None
        if sheet is None:
            raise FileRefused(_("工作簿是空的：第一行应为列名。请使用导入模板。"))
        self._sheet = sheet
        self._lines = sheet.iter_rows()
        try:
            header_cells = next(self._lines, None)
        except Exception:
            raise FileRefused(_("无法读取该 Excel 文件，文件可能已损坏。")) from None
        header = [cell_text(c.value) for c in header_cells] if header_cells else []
        while header and not header[-1]:
            header.pop()
        if not any(header):
            raise FileRefused(_("工作簿是空的：第一行应为列名。请使用导入模板。"))
        known = {c.title for c in columns}
        missing = [c.title for c in columns if c.required and c.title not in header]
        unknown = [h for h in header if h and h not in known and h != REPORT_COLUMN]
        doubled = sorted({h for h in header if h and header.count(h) > 1})
        if missing or unknown or doubled:
            parts = []
            if missing:
                parts.append(_("缺少列：%(cols)s") % {"cols": "、".join(missing)})
            if unknown:
                parts.append(_("无法识别的列：%(cols)s") % {"cols": "、".join(unknown)})
            if doubled:
                parts.append(_("列名重复：%(cols)s") % {"cols": "、".join(doubled)})
            raise FileRefused("；".join(parts) + _("。请使用导入模板，不要修改第一行的列名。"))
        self.header = header
        self.total = self._count_rows() - 1

    def _count_rows(self) -> int:
        """How many rows the sheet holds, for a progress bar: Excel writes it down; other writers
        do not, and then a quick scan of the sheet's XML counts them without parsing."""
        if self._sheet.max_row:
            return int(self._sheet.max_row)
        pattern = re.compile(rb"<(?:\w+:)?row[\s/>]")
        with self._sheet._get_source() as source:
            count, tail = 0, b""
            while chunk := source.read(1 << 20):
                block = tail + chunk
                # A tag cut in two by the chunking is counted once, in the block where it ends.
                count += sum(1 for m in pattern.finditer(block) if m.end() > len(tail))
                tail = block[-16:]
            return count

    def rows(self) -> Iterator[Row]:
        """The data rows: blank lines and the template's notes and example are passed over."""
        header = self.header
        try:
            for number, cells in enumerate(self._lines, start=2):
                values: dict[str, str] = {}
                errors: list[CellError] = []
                for title, cell in zip(header, cells, strict=False):
                    if not title or title == REPORT_COLUMN:
                        continue
                    if cell.data_type == "f":
                        errors.append(
                            CellError(number, title, _("单元格含有公式，请复制后“粘贴为数值”再导入。"))
                        )
                        values[title] = ""
                        continue
                    values[title] = cell_text(cell.value)
                texts = [v for v in values.values() if v]
                if (not texts and not errors) or _is_template_row(texts):
                    continue
                yield Row(number=number, values=values, errors=errors)
        except FileRefused:
            raise
        except Exception:
            raise FileRefused(_("无法读取该 Excel 文件，文件可能已损坏。")) from None
        finally:
            self._book.close()


def template_workbook(columns: Sequence[Column], title: str) -> Workbook:
    """Chinese headers, a notes row and an example row, which the import skips."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append([c.title for c in columns])
    # The template is the import's contract and stays in Chinese whatever the page's language.
    notes = [f"{'必填。' if c.required else '选填。'}{c.note}" for c in columns]
    notes[0] = NOTE_MARK + notes[0]
    sheet.append(notes)
    sheet.append([f"{EXAMPLE_MARK}{c.example}" if i == 0 else c.example for i, c in enumerate(columns)])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.title) * 3)
        head = sheet.cell(row=1, column=index)
        head.font, head.fill = HEADER_FONT, HEADER_FILL
        for row in (2, 3):
            cell = sheet.cell(row=row, column=index)
            cell.font = Font(italic=True, color="868E96")
            cell.number_format = "@"
        # Typed digits stay text: a credit code or a phone number never becomes 9.13E+17.
        for row in range(4, 1004):
            sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    return book


def error_workbook(data: bytes, errors: Sequence[CellError], path: Any) -> None:
    """The file as uploaded, row for row, its bad cells red with the reason in a comment, and a
    last column saying it all, so that the author fixes it in place and imports it again."""
    by_row: dict[int, list[CellError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    source = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    book = Workbook(write_only=True)
    out = book.create_sheet(_("导入检查结果"))
    header: list[str] = []
    for number, cells in enumerate(source.worksheets[0].iter_rows(), start=1):
        values = [cell_text(c.value) if c.data_type != "f" else str(c.value) for c in cells]
        if number == 1:
            header = [v for v in values if v != REPORT_COLUMN]
            line = []
            for title in [*header, REPORT_COLUMN]:
                cell = WriteOnlyCell(out, value=title)
                cell.font, cell.fill = HEADER_FONT, HEADER_FILL
                line.append(cell)
            out.append(line)
            continue
        values = (values + [""] * len(header))[: len(header)]
        found = by_row.get(number, [])
        bad = {e.column: e.message for e in found}
        line = []
        for title, value in zip(header, values, strict=True):
            cell = WriteOnlyCell(out, value=value)
            cell.data_type = "s"
            if title in bad:
                cell.fill = BAD_FILL
                cell.comment = Comment(_("第 %(n)s 行：%(m)s") % {"n": number, "m": bad[title]}, "三服务平台")
            line.append(cell)
        summary = "；".join(f"{e.column or _('整行')}：{e.message}" for e in found)
        line.append(WriteOnlyCell(out, value=summary))
        out.append(line)
    source.close()
    book.save(path)
