"""Excel files of lists, written row by row (openpyxl's write-only mode keeps memory flat).

Every cell is written as text: credit codes and phone numbers stay exactly as typed, and a
value starting with = + - @ is shown, never run as a formula.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="17213A")


def _text(sheet: WriteOnlyWorksheet, value: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
    cell.data_type = "s"
    return cell


def xlsx_response(
    *,
    filename: str,
    sheet_title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    widths: Sequence[int] = (),
) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    head = []
    for title in header:
        cell = _text(sheet, title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([_text(sheet, value) for value in row])
    # FileResponse closes the spooled file once sent; a with-block would close it too soon.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
