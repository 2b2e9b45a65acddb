"""Excel files of lists, streamed: the first bytes leave before the database has read the second
page, and a million rows never sit in memory (a zip written to an unseekable sink, one sheet's
XML generated row by row).

Every cell is an inline string: credit codes and phone numbers stay exactly as typed, and a value
starting with = + - @ is shown as text, never run as a formula, by Excel, WPS or LibreOffice.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters XML 1.0 cannot carry at all; a pasted form feed must not break the whole file.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_CELL = 32767  # Excel's own limit on a cell's text
# An XML reader turns a carriage return in text into a line feed; the sheet's own escape keeps
# it (_x000D_), and a text that happens to look like such an escape is escaped in turn (_x005F_).
_LOOKS_ESCAPED = re.compile("_(x[0-9A-Fa-f]{4}_)")
FLUSH_ROWS = 500


@dataclass
class SheetSpec:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[int] = field(default_factory=tuple)


def _cell_text(value: object) -> str:
    text = "" if value is None else str(value)
    return _ILLEGAL.sub("", text)[:MAX_CELL]


def cell_xml_text(value: object) -> str:
    """A cell's text as a sheet holds it, before XML escaping: what XML cannot carry left out,
    a carriage return and whatever looks like Excel's own escapes escaped."""
    text = _cell_text(value)
    if "_x" in text:
        text = _LOOKS_ESCAPED.sub(r"_x005F_\1", text)
    return text.replace("\r", "_x000D_") if "\r" in text else text


def _sheet_title(title: str) -> str:
    # Excel refuses []:*?/\ in sheet names and more than 31 characters.
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet1"


class _Sink(io.RawIOBase):
    """Collects what the zip writer writes, handed on chunk by chunk; it cannot seek, so the zip
    writer puts each entry's sizes after its data."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{sheets}"
    '<Relationship Id="rIdStyles" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
# Style 0: plain text; style 1: the header, white bold on navy; both formatted as text (@).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="等线"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="等线"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF17213A"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2">'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="1" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" '
    'applyFont="1" applyFill="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    "</sheetView></sheetViews>"
    '<sheetFormatPr defaultRowHeight="15"/>'
    "{cols}<sheetData>"
)


def _row_xml(number: int, letters: list[str], values: Sequence[object], style: str = "") -> str:
    cells = []
    for index, value in enumerate(values):
        text = cell_xml_text(value)
        if index >= len(letters):
            letters.append(get_column_letter(index + 1))
        if text:
            cells.append(
                f'<c r="{letters[index]}{number}" t="inlineStr"{style}><is><t xml:space="preserve">'
                f"{escape(text)}</t></is></c>"
            )
        elif style:
            cells.append(f'<c r="{letters[index]}{number}"{style}/>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def xlsx_chunks(sheets: Sequence[SheetSpec]) -> Iterator[bytes]:
    """The bytes of a workbook, chunk by chunk, as its rows are read."""
    sink = _Sink()
    titles = [_sheet_title(s.title) for s in sheets]
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as book:
        book.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, len(sheets) + 1))),
        )
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr(
            "xl/workbook.xml",
            _WORKBOOK.format(
                sheets="".join(
                    f'<sheet name={quoteattr(t)} sheetId="{n}" r:id="rId{n}"/>'
                    for n, t in enumerate(titles, start=1)
                )
            ),
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(
                sheets="".join(
                    f'<Relationship Id="rId{n}" '
                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                    f'Target="worksheets/sheet{n}.xml"/>'
                    for n in range(1, len(sheets) + 1)
                )
            ),
        )
        book.writestr("xl/styles.xml", _STYLES)
        yield sink.take()
        for n, spec in enumerate(sheets, start=1):
            yield from _sheet_chunks(book, sink, n, spec)
    yield sink.take()


def _sheet_chunks(book: zipfile.ZipFile, sink: _Sink, n: int, spec: SheetSpec) -> Iterator[bytes]:
    letters = [get_column_letter(i + 1) for i in range(max(len(spec.header), 1))]
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(spec.widths, start=1)
    )
    # The size is unknown until the last row: zip64 lets a sheet grow past 2 GB uncompressed.
    with book.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as entry:
        entry.write(_SHEET_HEAD.format(cols=f"<cols>{cols}</cols>" if cols else "").encode())
        entry.write(_row_xml(1, letters, spec.header, ' s="1"').encode())
        pending: list[str] = []
        for number, values in enumerate(spec.rows, start=2):
            pending.append(_row_xml(number, letters, values))
            if len(pending) >= FLUSH_ROWS:
                entry.write("".join(pending).encode())
                pending.clear()
                yield sink.take()
        entry.write("".join(pending).encode())
        entry.write(b"</sheetData></worksheet>")
    yield sink.take()


def xlsx_stream_response(*, filename: str, sheets: Sequence[SheetSpec]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(xlsx_chunks(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def xlsx_save(path: Path, sheets: Sequence[SheetSpec]) -> None:
    with path.open("wb") as out:
        for chunk in xlsx_chunks(sheets):
            out.write(chunk)
