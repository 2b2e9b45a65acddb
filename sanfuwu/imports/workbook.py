"""Reading an uploaded workbook row by row, refusing what is not a workbook we can trust.

Every refusal is a Chinese sentence a clerk can act on. A file-level problem (not a workbook, too
big, no data, columns missing) refuses the file; a cell-level one (a formula, a bad value) is
reported at its row and column, and the import writes nothing either way.

An .xlsx is read as a stream: the sheet's XML is decompressed chunk by chunk, rows that hold no
value (the formatting Excel and WPS carry down to row 1,048,576) are dropped as bytes, without
being parsed, and only the rows that remain go through openpyxl's parser. Time and memory then
follow the rows that hold data, and the sheet's size and its number of data rows are bounded
(settings SANFUWU_IMPORT_MAX_SHEET_MB and SANFUWU_IMPORT_MAX_ROWS). An .xls (Excel 97–2003, as WPS
still saves) is read by calamine; the format itself stops at 65,536 rows.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601

MAX_BYTES = 20 * 1024 * 1024
NOTE_MARK = "【说明】"
EXAMPLE_MARK = "【示例】"
BAD_FILL = PatternFill("solid", fgColor="F8D7DA")
HEADER_FILL = PatternFill("solid", fgColor="17213A")
HEADER_FONT = Font(bold=True, color="FFFFFF")
REPORT_COLUMN = "问题说明"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file, as Excel 97–2003 writes
EXTENSIONS = (".xlsx", ".xls")
CHUNK = 1 << 20
# A row is cut from its neighbours as bytes; one that does not end within this much is not a row
# of a list but an attack on the reader.
MAX_ROW_BYTES = 32 * 1024 * 1024


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


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape_ooxml(text: str) -> str:
    """A character XML would not keep as it is (a carriage return) is written _x000D_ in a sheet;
    a literal "_x000D_" is written _x005F_x000D_. Excel and WPS read them so; openpyxl does not."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


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


def max_sheet_bytes() -> int:
    return int(settings.SANFUWU_IMPORT_MAX_SHEET_MB) * 1024 * 1024


def max_rows() -> int:
    return int(settings.SANFUWU_IMPORT_MAX_ROWS)


def _damaged() -> FileRefused:
    return FileRefused(_("无法读取该 Excel 文件，文件可能已损坏。"))


def _not_a_workbook() -> FileRefused:
    return FileRefused(
        _(
            "这不是 Excel 工作簿（.xlsx 或 .xls）：可能是改了扩展名的 CSV、网页或其他文件。"
            "请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。"
        )
    )


def check_upload(data: bytes, filename: str = "") -> str:
    """The checks that need no parsing: size, emptiness, the name's extension and what the content
    really is. Answers "xlsx" or "xls"."""
    if len(data) > MAX_BYTES:
        raise FileRefused(_("文件超过 20 MB，请拆分后分批导入。"))
    if not data:
        raise FileRefused(_("文件是空的。"))
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if filename and extension not in EXTENSIONS:
        raise FileRefused(_("只能导入 Excel 文件（.xlsx 或 .xls），请在 Excel 或 WPS 中另存后再导入。"))
    if data.startswith(XLS_MAGIC):
        found = "xls"
    elif zipfile.is_zipfile(io.BytesIO(data)):
        found = "xlsx"
    else:
        raise _not_a_workbook()
    if extension and extension != f".{found}":
        # Some systems save a web page or a text file as ".xls"; Excel itself warns about it.
        raise FileRefused(
            _(
                "文件扩展名是 %(ext)s，内容却不是该格式的 Excel 工作簿。请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。"
            )
            % {"ext": extension}
        )
    return found


# A sheet's cells at a row: column number (from 1) -> (value, whether the cell holds a formula).
Cells = dict[int, tuple[Any, bool]]

_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"
_DATA_OPEN = re.compile(rb"<(" + _NAME + rb")sheetData(?=[\s/>])[^>]*>")
_DATA_CLOSE = re.compile(rb"</" + _NAME + rb"sheetData\s*>")
_ROW = re.compile(rb"<" + _NAME + rb"row(?=[\s/>])([^>]*?)(?:/>|>(.*?)</" + _NAME + rb"row\s*>)", re.S)
_HAS_VALUE = re.compile(rb"<" + _NAME + rb"(?:v|is|f)[\s/>]")
_ROW_NUMBER = re.compile(rb"""(?:^|\s)r\s*=\s*["'](\d+)["']""")
_CELL = re.compile(rb"<" + _NAME + rb"c(?=[\s/>])([^>]*?)(?:/>|>(.*?)</" + _NAME + rb"c\s*>)", re.S)
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_V = re.compile(rb"<" + _NAME + rb"v(?:\s[^>]*)?>(.*?)</" + _NAME + rb"v\s*>", re.S)
_F = re.compile(rb"<" + _NAME + rb"f(?:\s[^>]*)?(?:/>|>(.*?)</" + _NAME + rb"f\s*>)", re.S)
_T = re.compile(rb"<" + _NAME + rb"t(?:\s[^>]*)?>(.*?)</" + _NAME + rb"t\s*>", re.S)
_PHONETIC = re.compile(rb"<" + _NAME + rb"rPh\b.*?</" + _NAME + rb"rPh\s*>", re.S)
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_LETTERS = re.compile(r"[A-Z]+")
_DIMENSION = re.compile(rb"<" + _NAME + rb"""dimension\s+ref\s*=\s*["'][A-Z]*\d*:?[A-Z]*(\d+)["']""")


def _value_rows(source: IO[bytes], limit: int) -> Iterator[tuple[int, bytes]]:
    """The rows of the sheet's XML that hold a value, each with its number, read chunk by chunk.

    A stretch of rows without a single value marker (<v>, <is>, <f>) is passed over whole, by a
    search in C, without being cut into rows; reading stops at the end of the sheet's data."""
    buffer, read, last = b"", 0, 0
    row_tag: bytes | None = None
    while True:
        chunk = source.read(CHUNK)
        read += len(chunk)
        if read > limit:
            raise _too_big()
        buffer += chunk
        done = not chunk
        if row_tag is None:
            found = _DATA_OPEN.search(buffer)
            if found is None:
                if done:
                    return
                buffer = buffer[-256:]  # the opening tag may be cut in two
                continue
            if found.group().endswith(b"/>"):
                return
            row_tag = b"<" + found.group(1) + b"row"
            buffer = buffer[found.end() :]
        closing = _DATA_CLOSE.search(buffer)
        if closing is not None:
            cut = closing.start()
        elif done:
            cut = len(buffer)
        else:
            cut = buffer.rfind(row_tag)
            if cut <= 0:
                if len(buffer) > MAX_ROW_BYTES:
                    raise _damaged()
                continue
        segment, buffer = buffer[:cut], buffer[cut:]
        if _HAS_VALUE.search(segment) is None:
            # Only the last row's number matters here, or how many rows there were without one.
            end = segment.rfind(row_tag)
            found = _ROW_NUMBER.search(segment, end, segment.find(b">", end)) if end >= 0 else None
            last = int(found.group(1)) if found else last + segment.count(row_tag)
        else:
            for row in _ROW.finditer(segment):
                number = _ROW_NUMBER.search(row.group(1))
                last = int(number.group(1)) if number else last + 1
                if row.group(2) and _HAS_VALUE.search(row.group(2)):
                    yield last, row.group(2)
        if closing is not None or done:
            return


def _xml_text(raw: bytes) -> str:
    """Element text as an XML parser gives it (line ends normalised, entities read), then
    Excel's own escapes (_x000D_) read."""
    text = raw.decode("utf-8", "replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    return unescape_ooxml(text)


def _entity(found: re.Match[str]) -> str:
    name = found.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _ENTITIES[name]


def _column_number(reference: str) -> int:
    letters = _LETTERS.match(reference)
    number = 0
    for letter in letters.group() if letters else "":
        number = number * 26 + ord(letter) - 64
    return number


def _too_big() -> FileRefused:
    return FileRefused(
        _(
            "工作表解压后超过 %(mb)s MB，无法导入。请删除多余的格式和空行（或只复制有数据的区域到新工作簿），然后再导入。"
        )
        % {"mb": settings.SANFUWU_IMPORT_MAX_SHEET_MB}
    )


class _Xlsx:
    def __init__(self, data: bytes) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, OSError):
            raise _not_a_workbook() from None
        limit = max_sheet_bytes()
        # Every part but the worksheets (the shared strings, styles, the workbook) is read whole:
        # bound them before openpyxl does. A sheet is read as a stream, bounded below. Sizes are the
        # zip's own word; a part that claims less than it holds is cut there by zipfile and fails
        # to parse as damaged, so no claim can make it inflate further.
        if any(
            i.file_size > (limit if i.filename.startswith("xl/worksheets/") else limit // 4) for i in infos
        ):
            raise _too_big()
        # openpyxl's package reading (content types, shared strings, the workbook, its styles),
        # without its read-only worksheet, which parses a whole sheet that does not state its size
        # just to learn it.
        try:
            reader = ExcelReader(io.BytesIO(data), read_only=True)
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            self._archive = reader.archive
            self._strings = reader.shared_strings
            self._book = reader.wb
            self._path = next(
                (
                    rel.target
                    for _sheet, rel in reader.parser.find_sheets()
                    if rel.target in reader.valid_files and "chartsheet" not in rel.Type
                ),
                None,
            )
        except Exception:  # openpyxl raises many kinds on a damaged package
            raise _damaged() from None
        if self._path is not None and self._archive.getinfo(self._path).file_size > limit:
            raise _too_big()

    @property
    def empty(self) -> bool:
        return self._path is None

    @property
    def claimed_rows(self) -> int | None:
        """The last row the sheet says it uses (<dimension ref="A1:J200001"/>, near its start)."""
        if self._path is None:
            return None
        with self._archive.open(self._path) as source:
            head = source.read(64 * 1024)
        found = _DIMENSION.search(head)
        return int(found.group(1)) if found else None

    def count(self) -> int:
        """The rows that hold values, counted without reading their cells."""
        assert self._path is not None
        with self._archive.open(self._path) as source:
            return sum(1 for _ in _value_rows(source, max_sheet_bytes()))

    def lines(self) -> Iterator[tuple[int, Cells]]:
        """The rows that hold values, parsed here rather than by openpyxl, whose general parser
        costs some 50 µs a cell: a cell's text, shared string, number or date, or its formula."""
        assert self._path is not None
        book, strings = self._book, self._strings
        dates, durations, epoch = book._date_formats, book._timedelta_formats, book.epoch
        with self._archive.open(self._path) as source:
            for number, content in _value_rows(source, max_sheet_bytes()):
                cells: Cells = {}
                column = 0
                for cell in _CELL.finditer(content):
                    inner = cell.group(2)
                    attributes = {
                        m.group(1): (m.group(2) or m.group(3) or b"")
                        for m in _ATTRIBUTE.finditer(cell.group(1))
                    }
                    reference = attributes.get(b"r")
                    column = _column_number(reference.decode()) if reference else column + 1
                    if not inner:
                        continue
                    formula = _F.search(inner)
                    if formula is not None:
                        cells[column] = ("=" + _xml_text(formula.group(1) or b""), True)
                        continue
                    kind = attributes.get(b"t", b"n")
                    if kind == b"inlineStr":
                        value: Any = "".join(_xml_text(t) for t in _T.findall(_PHONETIC.sub(b"", inner)))
                    else:
                        found = _V.search(inner)
                        if found is None:
                            continue
                        raw = found.group(1)
                        if kind == b"s":
                            value = unescape_ooxml(str(strings[int(raw)]))
                        elif kind in (b"str", b"e"):
                            value = _xml_text(raw)
                        elif kind == b"b":
                            value = raw.strip() in (b"1", b"true")
                        elif kind == b"d":
                            value = from_ISO8601(raw.decode())
                        else:
                            value = _number(raw, int(attributes.get(b"s") or 0), dates, durations, epoch)
                    if value is not None and value != "":
                        cells[column] = (value, False)
                if cells:
                    yield number, cells

    def close(self) -> None:
        self._archive.close()


class _Xls:
    """Excel 97–2003 through calamine, which reads the sheet at once: the format stops at 65,536
    rows and the file at 20 MB, so that is bounded too. Formulas arrive as their last values."""

    def __init__(self, data: bytes) -> None:
        from python_calamine import CalamineWorkbook

        try:
            self._book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            self._sheet = self._book.get_sheet_by_index(0) if self._book.sheet_names else None
        except Exception:  # calamine raises its own kinds, and ValueError, on what is not an .xls
            raise FileRefused(
                _(
                    "无法读取该 .xls 文件：文件可能已损坏，或不是 Excel 工作簿。请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。"
                )
            ) from None

    @property
    def empty(self) -> bool:
        return self._sheet is None or self._sheet.start is None

    @property
    def claimed_rows(self) -> int | None:
        return None if self.empty else int(self._sheet.end[0]) + 1  # type: ignore[union-attr,index]

    def lines(self) -> Iterator[tuple[int, Cells]]:
        if self.empty:
            return
        assert self._sheet is not None and self._sheet.start is not None
        top, left = self._sheet.start
        for index, values in enumerate(self._sheet.iter_rows()):
            cells = {left + i + 1: (v, False) for i, v in enumerate(values) if v is not None and v != ""}
            if cells:
                yield top + index + 1, cells

    def count(self) -> int:
        return sum(1 for _ in self.lines())

    def close(self) -> None:
        self._book.close()


def _number(raw: bytes, style: int, dates: set[int], durations: set[int], epoch: datetime) -> Any:
    text = raw.decode().strip()
    value: float | int = float(text) if any(c in text for c in ".eE") else int(text)
    if style in dates:
        try:
            return from_excel(value, epoch, timedelta=style in durations)
        except (OverflowError, ValueError):
            return value
    return value


def open_sheet(data: bytes, filename: str = "") -> _Xlsx | _Xls:
    return _Xls(data) if check_upload(data, filename) == "xls" else _Xlsx(data)


def _is_template_row(texts: list[str]) -> bool:
    return bool(texts) and (texts[0].startswith(NOTE_MARK) or texts[0].startswith(EXAMPLE_MARK))


FORMULA = "单元格含有公式，请复制后“粘贴为数值”再导入。"


class SheetReader:
    """The first sheet of a workbook whose header names the expected columns."""

    def __init__(self, data: bytes, columns: Sequence[Column], filename: str = "") -> None:
        self._source = open_sheet(data, filename)
        empty = FileRefused(_("工作簿是空的：第一行应为列名。请使用导入模板。"))
        if self._source.empty:
            raise empty
        self._lines = self._source.lines()
        try:
            first = next(self._lines, None)
        except FileRefused:
            raise
        except Exception:
            raise _damaged() from None
        # The header is row 1, as the template has it; a sheet that starts lower has none.
        cells = first[1] if first is not None and first[0] == 1 else {}
        width = max(cells, default=0)
        header = [cell_text(cells[i][0]) if i in cells else "" for i in range(1, width + 1)]
        if not any(header):
            raise empty
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
        self._data = data
        self._total: int | None = None

    @property
    def total(self) -> int:
        """How many data rows the sheet may hold, for a progress bar: what the file says (Excel
        writes it down, formatted blank rows included), else a count of its non-blank rows."""
        if self._total is None:
            claimed = self._source.claimed_rows
            if claimed is None:
                again = open_sheet(self._data)
                try:
                    claimed = again.count()
                finally:
                    again.close()
            self._total = max(min(claimed - 1, max_rows()), 0)
        return self._total

    def rows(self) -> Iterator[Row]:
        """The data rows: blank lines and the template's notes and example are passed over; more
        than SANFUWU_IMPORT_MAX_ROWS refuse the file."""
        positions = [(i, t) for i, t in enumerate(self.header, start=1) if t and t != REPORT_COLUMN]
        limit, count = max_rows(), 0
        try:
            for number, cells in self._lines:
                count += 1
                if count > limit:
                    raise FileRefused(_("工作表超过 %(n)s 行数据，请拆分后分批导入。") % {"n": f"{limit:,}"})
                values: dict[str, str] = {}
                errors: list[CellError] = []
                for index, title in positions:
                    value, formula = cells.get(index, (None, False))
                    if formula:
                        errors.append(CellError(number, title, _(FORMULA)))
                        values[title] = ""
                        continue
                    values[title] = cell_text(value)
                texts = [v for v in values.values() if v]
                if (not texts and not errors) or _is_template_row(texts):
                    continue
                yield Row(number=number, values=values, errors=errors)
        except FileRefused:
            raise
        except Exception:
            raise _damaged() from None
        finally:
            self._source.close()


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
