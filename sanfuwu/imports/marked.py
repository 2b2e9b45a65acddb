"""The marked workbook: the file as uploaded, row for row, its bad cells red with the reason in a
comment, and a last column saying it all, so that the author fixes it in place and imports again.

Written by hand, as the exports are (sanfuwu.core.xlsx): rows go from the upload's reader straight
into the sheet's XML in a zip entry, so that time and memory follow the file's data rows and not
a spreadsheet library's objects (openpyxl's write-only mode spends some 30 µs a cell). Only the
problems listed (the first few hundred) are marked; a second sheet says how many there were.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from sanfuwu.core.xlsx import cell_xml_text
from sanfuwu.imports.workbook import REPORT_COLUMN, CellError, FileRefused, cell_text, open_sheet

AUTHOR = "三服务平台"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
# Styles: 0 text (@); 1 the header, white bold on navy; 2 a bad cell, on red.
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="等线"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="等线"/></font></fonts>'
    '<fills count="4"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FF17213A"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF8D7DA"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3">'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="1" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="3" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_SHAPE = (
    '<v:shape id="_x0000_s{id}" type="#_x0000_t202" style="position:absolute;margin-left:60pt;'
    'margin-top:2pt;width:144pt;height:60pt;z-index:{id};visibility:hidden" fillcolor="#ffffe1" '
    'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
    '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left">'
    '</div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
    "<x:Anchor>{c1}, 15, {r0}, 2, {c3}, 15, {r4}, 16</x:Anchor><x:AutoFill>False</x:AutoFill>"
    "<x:Row>{r0}</x:Row><x:Column>{c0}</x:Column></x:ClientData></v:shape>"
)


def _cell(reference: str, text: str, style: int = 0) -> str:
    styled = f' s="{style}"' if style else ""
    if not text:
        return f'<c r="{reference}"{styled}/>' if style else ""
    return (
        f'<c r="{reference}" t="inlineStr"{styled}><is><t xml:space="preserve">'
        f"{escape(cell_xml_text(text))}</t></is></c>"
    )


def _summary(total: int, shown: int) -> str:
    if total > shown:
        return _("共 %(n)s 处问题，仅列出前 %(m)s 处；改正后重新导入，将继续检查其余部分。") % {
            "n": total,
            "m": shown,
        }
    return _("共 %(n)s 处问题。") % {"n": total}


def error_workbook(
    data: bytes, errors: Sequence[CellError], path: IO[bytes], *, total: int | None = None
) -> None:
    """Blank rows between data rows keep their place, so that each row keeps its number ("第 4 行"
    is row 4); those after the last data row are left out. `total` counts every problem found."""
    by_row: dict[int, list[CellError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    total = len(errors) if total is None else total
    comments: list[tuple[str, int, int, str]] = []  # reference, row, column (from 1), text
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as book:
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                (
                    f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    "</sheetView></sheetViews><sheetData>"
                ).encode()
            )
            pending: list[str] = []
            for line in _rows(data, by_row, comments, total, len(errors)):
                pending.append(line)
                if len(pending) >= 1000:
                    sheet.write("".join(pending).encode())
                    pending.clear()
            sheet.write("".join(pending).encode())
            sheet.write(b"</sheetData>")
            if comments:
                sheet.write(b'<legacyDrawing r:id="rIdVml"/>')
            sheet.write(b"</worksheet>")
        notes = [
            _summary(total, len(errors)),
            _(
                "在“导入检查结果”中按红色单元格的批注逐一改正，删除最后一列“问题说明”或保留均可，然后重新导入。"
            ),
        ]
        book.writestr(
            "xl/worksheets/sheet2.xml",
            f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetData>'
            + "".join(f'<row r="{n}">{_cell(f"A{n}", text)}</row>' for n, text in enumerate(notes, start=1))
            + "</sheetData></worksheet>",
        )
        if comments:
            _write_comments(book, comments)
        _write_package(book, bool(comments))


def _rows(
    data: bytes,
    by_row: dict[int, list[CellError]],
    comments: list[tuple[str, int, int, str]],
    total: int,
    shown: int,
) -> Iterator[str]:
    source = open_sheet(data)
    header: list[tuple[int, str, str]] = []  # the upload's column, the title, the letter written
    try:
        for number, cells in source.lines():
            values = {i: str(v) if formula else cell_text(v) for i, (v, formula) in cells.items()}
            if not header:
                width = max(values, default=0)
                titles = [(i, values.get(i, "")) for i in range(1, width + 1)]
                kept = [(i, t) for i, t in titles if t != REPORT_COLUMN]
                header = [(i, t, get_column_letter(n)) for n, (i, t) in enumerate(kept, start=1)]
                report = get_column_letter(len(header) + 1)
                titles_xml = [_cell(f"{letter}{number}", t, 1) for _i, t, letter in header]
                titles_xml.append(_cell(f"{report}{number}", REPORT_COLUMN, 1))
                if total > shown:
                    comments.append((f"{report}{number}", number, len(header) + 1, _summary(total, shown)))
                yield f'<row r="{number}">{"".join(titles_xml)}</row>'
                continue
            found = by_row.get(number, [])
            bad = {e.column: e.message for e in found}
            line = []
            for column, (index, title, letter) in enumerate(header, start=1):
                reference = f"{letter}{number}"
                if title in bad:
                    line.append(_cell(reference, values.get(index, ""), 2))
                    message = _("第 %(n)s 行：%(m)s") % {"n": number, "m": bad[title]}
                    comments.append((reference, number, column, message))
                else:
                    line.append(_cell(reference, values.get(index, "")))
            summary = "；".join(f"{e.column or _('整行')}：{e.message}" for e in found)
            line.append(_cell(f"{get_column_letter(len(header) + 1)}{number}", summary))
            yield f'<row r="{number}">{"".join(line)}</row>'
    except FileRefused:
        pass  # the rows before the refusal are marked; the refusal itself is on the run's page
    finally:
        source.close()


def _write_comments(book: zipfile.ZipFile, comments: list[tuple[str, int, int, str]]) -> None:
    listed = "".join(
        f'<comment ref="{reference}" authorId="0"><text><r><t xml:space="preserve">'
        f"{escape(cell_xml_text(text))}</t></r></text></comment>"
        for reference, _row, _column, text in comments
    )
    book.writestr(
        "xl/comments1.xml",
        f'{_HEAD}<comments xmlns="{_MAIN}"><authors><author>{escape(AUTHOR)}</author></authors>'
        f"<commentList>{listed}</commentList></comments>",
    )
    # Excel draws a comment only through its legacy VML shape; the numbers place the note box.
    shapes = "".join(
        _SHAPE.format(id=1024 + n, c0=column - 1, c1=column, c3=column + 2, r0=row - 1, r4=row + 3)
        for n, (_reference, row, column, _text) in enumerate(comments, start=1)
    )
    book.writestr(
        "xl/drawings/vmlDrawing1.vml",
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
        '<o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" '
        'coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        f'<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>{shapes}</xml>',
    )
    book.writestr(
        "xl/worksheets/_rels/sheet1.xml.rels",
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rIdComments" Type="{_REL}/comments" Target="../comments1.xml"/>'
        f'<Relationship Id="rIdVml" Type="{_REL}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/>'
        "</Relationships>",
    )


def _write_package(book: zipfile.ZipFile, with_comments: bool) -> None:
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    parts = [
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>',
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>',
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}"/>',
        f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{sheet_type}"/>',
    ]
    if with_comments:
        parts.append(
            '<Override PartName="/xl/comments1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>'
        )
    book.writestr(
        "[Content_Types].xml",
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
        f"{''.join(parts)}</Types>",
    )
    book.writestr(
        "_rels/.rels",
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    )
    names = [_("导入检查结果"), _("说明")]
    book.writestr(
        "xl/workbook.xml",
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        + "".join(
            f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
            for n, name in enumerate(names, start=1)
        )
        + "</sheets></workbook>",
    )
    book.writestr(
        "xl/_rels/workbook.xml.rels",
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in (1, 2)
        )
        + f'<Relationship Id="rIdStyles" Type="{_REL}/styles" Target="styles.xml"/></Relationships>',
    )
    book.writestr("xl/styles.xml", _STYLES)
