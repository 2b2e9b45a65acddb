"""What can be imported, each kind with its columns and its import function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sanfuwu.imports import targets
from sanfuwu.imports.workbook import Column


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    columns: list[Column]
    run: Callable[..., Any]


KINDS = {
    "targets": Kind("targets", "联系对象", targets.COLUMNS, targets.targets_import),
}
