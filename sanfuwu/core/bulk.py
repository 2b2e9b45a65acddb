"""Rows written in bulk without building a model instance for each: for imports that write tens of
thousands of history rows, where Django's per-object work costs more than the database's.

Values are converted the way the fields themselves would (dates, times, JSON) for whichever
database is in use; what is written still has to be what the model allows: callers check first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from django.db import connection, models

CHUNK = 2000


def rows_insert(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT the rows, each a value per column (a field's name; a foreign key by its id)."""
    fields: list[models.Field[Any, Any]] = [model._meta.get_field(name) for name in columns]  # type: ignore[misc]
    ops = connection.ops
    converters: list[Callable[[Any], Any] | None] = []
    for field in fields:
        if isinstance(field, models.DateTimeField):
            converters.append(ops.adapt_datetimefield_value)
        elif isinstance(field, models.DateField):
            converters.append(ops.adapt_datefield_value)
        elif isinstance(field, models.JSONField):
            converters.append(partial(field.get_db_prep_save, connection=connection))
        else:
            converters.append(None)
    names = ", ".join(ops.quote_name(str(f.column)) for f in fields)
    table = ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        # COPY streams the rows in one statement, several times faster than INSERTs however batched.
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [
                        value if convert is None else convert(value)
                        for convert, value in zip(converters, row, strict=True)
                    ]
                )
        return
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(
                sql,
                [
                    [
                        value if convert is None else convert(value)
                        for convert, value in zip(converters, row, strict=True)
                    ]
                    for row in rows[start : start + CHUNK]
                ],
            )


def objects_insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """INSERT unsaved instances, every concrete field but the id; their ids are not read back."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows_insert(
        model, [f.name for f in fields], [[getattr(obj, f.attname) for f in fields] for obj in objects]
    )
