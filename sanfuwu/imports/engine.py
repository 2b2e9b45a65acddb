"""Running one import: every row checked, then all written in one transaction, or nothing at all.

A kind's importer sees the rows in batches, checks each through the domain's services (or the
same rules, in bulk, where a ledger of 100,000 rows needs it) and writes what is good. Whatever it
finds wrong goes into the outcome at its row and column; one problem anywhere, or a dry run, and
nothing is kept. Duplicates inside the file are caught here, once, for every kind.

Checking never takes the database's write lock: the file is read outside any transaction, and a
dry run's importer checks each row through the services' own rules without saving anything (they
read, never write). Only a file found without problems is then written, in one transaction, so
that on SQLite other people's actions wait only for the writing itself, once it is known to be
good. The problems are counted in full but only the
first few hundred are kept (SANFUWU_IMPORT_MAX_PROBLEMS), so a file of bad rows costs no memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from sanfuwu.imports.cells import CellProblem, split_list
from sanfuwu.imports.workbook import CellError, Column, FileRefused, Row, SheetReader
from sanfuwu.people.models import Person

BATCH = 500
PREVIEW = 200  # lines of "what would happen" a dry run shows


class RowAction:
    """What an import did with a row: created, updated or skipped it."""

    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"


@dataclass(frozen=True)
class PreviewLine:
    row: int
    label: str
    action: str
    note: str = ""


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[CellError] = field(default_factory=list)  # the first few hundred
    error_count: int = 0  # all of them
    preview: list[PreviewLine] = field(default_factory=list)
    written: bool = False
    notices: list[str] = field(default_factory=list)  # said once, after the import
    # "请填写…。" per column, made once: a file of 200,000 rows missing a column would otherwise
    # look up the same translation 200,000 times.
    _asking: dict[str, str] = field(default_factory=dict, repr=False)

    def asking_for(self, column: str) -> str:
        message = self._asking.get(column)
        if message is None:
            message = self._asking[column] = _("请填写%(c)s。") % {"c": column}
        return message

    def fail(self, row: Row | int, column: str, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        self.add(CellError(number, column, message))

    def add(self, error: CellError) -> None:
        self.error_count += 1
        if len(self.errors) < settings.SANFUWU_IMPORT_MAX_PROBLEMS:
            self.errors.append(error)

    def done(self, row: Row, label: str, action: str, note: str = "") -> None:
        if action == RowAction.CREATE:
            self.created += 1
        elif action == RowAction.UPDATE:
            self.updated += 1
        else:
            self.skipped += 1
        if len(self.preview) < PREVIEW:
            self.preview.append(PreviewLine(row.number, label, action, note))


class RowReader:
    """Reads one row's cells for an importer, noting each problem at its cell: a blank required
    cell, or what the cell's parser refused. `failed` says whether anything was refused."""

    def __init__(self, row: Row, outcome: Outcome) -> None:
        self.row, self.outcome, self.failed = row, outcome, False

    def __call__(
        self, column: str, parse: Callable[[str], Any] = str, *, required: bool = False, default: Any = None
    ) -> Any:
        text = self.row.get(column)
        if not text:
            if required:
                self.outcome.fail(self.row, column, self.outcome.asking_for(column))
                self.failed = True
            return default
        try:
            return parse(text)
        except CellProblem as problem:
            self.outcome.fail(self.row, column, str(problem))
            self.failed = True
            return default


def each(parse: Callable[[str], Any]) -> Callable[[str], list[Any]]:
    """A parser of a list cell (顿号-separated) from a parser of one item."""
    return lambda text: [parse(part) for part in split_list(text)]


class Importer:
    """One kind of import. Subclasses name their columns and check and write a batch of rows."""

    columns: ClassVar[list[Column]]
    # The column whose value may appear only once in a file (a credit code, a ledger number), or
    # where a doubled row is reported when the key is made of several columns (see row_key).
    unique_column: ClassVar[str | None] = None

    def __init__(self, *, actor: Person, dry_run: bool) -> None:
        self.actor = actor
        self.dry_run = dry_run

    def row_key(self, row: Row) -> str | None:
        if self.unique_column is None:
            return None
        return row.get(self.unique_column) or None

    def duplicate_column(self, row: Row) -> str:
        """Where a row doubling an earlier one is reported."""
        return self.unique_column or ""

    def handle(self, rows: list[Row], outcome: Outcome) -> None:
        """Check a batch of rows and, unless this is a dry run, write them. A dry run (which is
        also how every import is checked before it is written) only reads the database."""
        raise NotImplementedError

    def finish(self, outcome: Outcome) -> None:
        """Inside the transaction, after the last batch: counters, caches, follow-up jobs."""


class _Rollback(Exception):
    pass


Progress = Callable[[int, int], None]


def import_rows(
    importer: Importer,
    rows: Iterable[Row],
    *,
    total: int = 0,
    progress: Progress | None = None,
) -> Outcome:
    """One pass over the rows. A dry run's importer (checking) only reads; any other writes
    every batch in one transaction, kept only if nothing was wrong."""
    outcome = Outcome()
    seen: dict[str, int] = {}
    limits = [(c.title, c.max_length) for c in importer.columns if c.max_length]
    batch: list[Row] = []

    def flush() -> None:
        if batch:
            importer.handle(batch, outcome)
        batch.clear()
        if progress is not None:
            progress(outcome.rows, max(total, outcome.rows))

    def each_row() -> None:
        for row in rows:
            outcome.rows += 1
            for title, limit in limits:
                if len(row.get(title)) > limit:
                    row.errors.append(
                        CellError(row.number, title, _("内容过长，最多 %(n)s 个字。") % {"n": limit})
                    )
            if row.errors:
                for error in row.errors:
                    outcome.add(error)
                continue
            key = importer.row_key(row)
            if key is not None:
                first = seen.setdefault(key, row.number)
                if first != row.number:
                    outcome.fail(row, importer.duplicate_column(row), _("与第 %(n)s 行重复。") % {"n": first})
                    continue
            batch.append(row)
            if len(batch) >= BATCH:
                flush()
        flush()
        if outcome.rows == 0:
            raise FileRefused(_("工作簿中没有可导入的数据行。"))

    if not importer.dry_run:
        try:
            with transaction.atomic():
                each_row()
                importer.finish(outcome)
                if outcome.errors:
                    raise _Rollback
                outcome.written = True
        except _Rollback:
            pass
    else:
        each_row()
        importer.finish(outcome)
    if outcome.errors:
        outcome.notices.clear()  # what would have followed an import that did not happen
    outcome.errors.sort(key=lambda e: (e.row, _column_order(importer.columns, e.column)))
    return outcome


def _column_order(columns: list[Column], title: str) -> int:
    for index, column in enumerate(columns):
        if column.title == title:
            return index
    return -1


def import_file(
    importer: Importer,
    data: bytes,
    *,
    progress: Progress | None = None,
    filename: str = "",
    checked: bool = False,
) -> Outcome:
    """Check the file; then, unless it is a dry run or something was wrong, write it. A file that
    a dry run has just checked (`checked`) goes straight to writing, which checks it again."""
    if not importer.dry_run and not checked:
        trial = type(importer)(actor=importer.actor, dry_run=True)
        found = _once(trial, data, progress=progress, filename=filename)
        if found.errors:
            return found
    return _once(importer, data, progress=progress, filename=filename)


def _once(importer: Importer, data: bytes, *, progress: Progress | None, filename: str) -> Outcome:
    reader = SheetReader(data, importer.columns, filename)
    return import_rows(importer, reader.rows(), total=reader.total, progress=progress)
