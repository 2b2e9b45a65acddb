"""Workbooks built in memory, imports run through the engine, exports read back as rows."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.http import QueryDict
from openpyxl import Workbook, load_workbook

from sanfuwu.core.xlsx import xlsx_chunks
from sanfuwu.imports.engine import Outcome, import_file
from sanfuwu.imports.kinds import KINDS
from sanfuwu.people.models import Person
from sanfuwu.portal.exporting import EXPORTS


def workbook(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def header_of(kind: str) -> list[str]:
    return [c.title for c in KINDS[kind].columns]


def row_of(kind: str, **values: object) -> list[object]:
    """A row in the kind's column order from column titles given as keywords."""
    titles = header_of(kind)
    unknown = set(values) - set(titles)
    assert not unknown, unknown
    return [values.get(t, "") for t in titles]


def run(kind: str, data: bytes, actor: Person, *, dry_run: bool = False) -> Outcome:
    importer = KINDS[kind].importer(actor=actor, dry_run=dry_run)
    return import_file(importer, data)


def run_rows(
    kind: str, rows: Sequence[dict[str, object]], actor: Person, *, dry_run: bool = False
) -> Outcome:
    return run(kind, workbook(header_of(kind), [row_of(kind, **r) for r in rows]), actor, dry_run=dry_run)


def export_bytes(kind: str, person: Person, /, **params: str) -> bytes:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    built = EXPORTS[kind](person, query)
    return b"".join(xlsx_chunks(built.sheets))


def sheet_rows(data: bytes, sheet: int = 0) -> list[list[str]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [
        [str(v) if v is not None else "" for v in row]
        for row in book.worksheets[sheet].iter_rows(values_only=True)
    ]


def exported(kind: str, person: Person, /, **params: str) -> list[list[str]]:
    return sheet_rows(export_bytes(kind, person, **params))


def problems(outcome: Outcome) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in outcome.errors}
