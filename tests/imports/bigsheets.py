"""Large workbooks written straight as sheet XML into a zip, in a second or two: the shapes real
files take (formatting carried far below the data, a list of one-cell rows)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def big_sheet(header: Sequence[str], rows: int, shape: str, *, first: Sequence[str] = ()) -> bytes:
    """The header, then `first` (one data row, if given), then `rows` rows of `shape`: "blank"
    (every column formatted, no value, as Excel writes a sheet formatted down to its end) or
    "one-cell" (a value in the first column only)."""
    width = len(header)
    letters = [get_column_letter(i + 1) for i in range(width)]

    def row(number: int, values: Sequence[str]) -> str:
        cells = "".join(
            f'<c r="{letters[i]}{number}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
            for i, v in enumerate(values)
            if v
        )
        return f'<row r="{number}">{cells}</row>'

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            last = rows + 1 + (1 if first else 0)
            sheet.write(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f'<dimension ref="A1:{letters[-1]}{last}"/><sheetData>'.encode()
            )
            sheet.write(row(1, header).encode())
            start = 2
            if first:
                sheet.write(row(2, first).encode())
                start = 3
            blank_cells = "".join(f'<c r="{letter}{{n}}" s="1"/>' for letter in letters)
            chunk: list[str] = []
            for number in range(start, last + 1):
                if shape == "blank":
                    chunk.append(
                        f'<row r="{number}" spans="1:{width}" s="1" customFormat="1">'
                        + blank_cells.replace("{n}", str(number))
                        + "</row>"
                    )
                else:
                    chunk.append(
                        f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>对象{number}</t></is></c></row>'
                    )
                if len(chunk) >= 5000:
                    sheet.write("".join(chunk).encode())
                    chunk.clear()
            sheet.write("".join(chunk).encode())
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()
