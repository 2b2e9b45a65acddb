"""Reading one cell's text as a value, the way a clerk types it; every refusal says what was expected.

Each reader raises CellProblem with a Chinese message for the cell concerned.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

LIST_SEPARATORS = re.compile(r"[、，,；;\n]+")


class CellProblem(ValueError):
    pass


_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # 20260301
# A date cell pasted as text, or a date in a general-format cell, is Excel's day number: 46082.
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_CLOCK = re.compile(r"^(\d{1,2})\s*[:：]\s*(\d{1,2})(?:\s*[:：]\s*(\d{1,2})(?:\.\d+)?)?$")
_CHINESE_CLOCK = re.compile(r"^(\d{1,2})\s*[时點点]\s*(?:(\d{1,2})\s*分\s*(?:(\d{1,2})\s*秒)?)?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]\s*0?1\s*日?)?$")
_EXCEL_DAY_ZERO = date(1899, 12, 30)


def _day_and_clock(text: str) -> tuple[date, time | None]:
    """A date and, if written, a time of day, in the ways a clerk or a spreadsheet writes them:
    2026-03-01, 2026/3/1, 2026年3月1日, 20260301 or Excel's day number 46082, then 09:30,
    9:30:15 or 9时30分. Raises ValueError on anything else."""
    text = text.strip()
    found = _COMPACT_DAY.match(text)
    if found:
        return date(*(int(g) for g in found.groups())), None
    if _SERIAL.match(text):
        serial = float(text)
        day = _EXCEL_DAY_ZERO + timedelta(days=int(serial))
        seconds = min(round((serial - int(serial)) * 86400), 86399)
        return day, time(seconds // 3600, seconds % 3600 // 60, seconds % 60) if seconds else None
    found = _DAY.match(text)
    if found is None:
        raise ValueError(text)
    day = date(*(int(g) for g in found.groups()))
    rest = text[found.end() :].strip().removeprefix("T").strip()
    if not rest:
        return day, None
    clock = _CLOCK.match(rest) or _CHINESE_CLOCK.match(rest)
    if clock is None:
        raise ValueError(text)
    hour, minute, second = (int(g) if g else 0 for g in clock.groups())
    return day, time(hour, minute, second)


def parse_date(text: str) -> date:
    # A date cell read back from Excel carries a midnight time; a date is still meant.
    try:
        day, clock = _day_and_clock(text)
        if clock is not None and clock != time(0, 0):
            raise ValueError(text)
    except (ValueError, OverflowError):
        raise CellProblem(
            _("“%(text)s”不是有效日期，请写成 2025-10-08 的形式。") % {"text": text.strip()}
        ) from None
    return day


def parse_moment(text: str) -> datetime:
    """A Beijing time "2025-10-08 09:30"; a date alone means the start of that day."""
    try:
        day, clock = _day_and_clock(text)
        naive = datetime.combine(day, clock or time(0, 0))
    except (ValueError, OverflowError):
        raise CellProblem(
            _("“%(text)s”不是有效时间，请写成 2025-10-08 09:30 的形式。") % {"text": text}
        ) from None
    # Kept in UTC, as the workflow keeps every moment: an event's recorded changes then read the
    # same as the issue's own fields.
    return timezone.make_aware(naive, timezone.get_current_timezone()).astimezone(UTC)


def parse_month(text: str) -> date:
    found = _MONTH.match(text.strip())
    try:
        if found is None:
            raise ValueError
        return date(int(found.group(1)), int(found.group(2)), 1)
    except ValueError:
        raise CellProblem(_("“%(text)s”不是有效月份，请写成 2025-10 的形式。") % {"text": text}) from None


def parse_decimal(text: str) -> Decimal:
    cleaned = text.replace(",", "").replace("，", "").strip()
    try:
        value = Decimal(cleaned)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise CellProblem(_("“%(text)s”不是数字。") % {"text": text}) from None
    return value


def parse_yes_no(text: str) -> bool:
    if text in ("", "否", "0"):
        return False
    if text in ("是", "1"):
        return True
    raise CellProblem(_("请填写“是”或“否”。"))


@functools.cache
def _choice_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    # Files are in Chinese whatever the page's language: labels are read in Chinese, once.
    with translation.override("zh-hans"):
        return {str(value): str(label) for value, label in choices.choices}


@functools.cache
def _choice_texts(choices: type[models.TextChoices]) -> dict[str, str]:
    """What a cell may hold for each choice: its label, or its stored value."""
    labels = _choice_labels(choices)
    return {**{value: value for value in labels}, **{label: value for value, label in labels.items()}}


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The Chinese label a file writes for a stored value ("" for none), without Django's per-call
    lookup of the field's choices, which costs more than the rest of an export row."""
    return _choice_labels(choices).get(value, value) if value else ""


def parse_choice(text: str, choices: type[models.TextChoices], what: str) -> str:
    """A choice by its Chinese label, as the export writes it (the stored value works too)."""
    found = _choice_texts(choices).get(text)
    if found is not None:
        return found
    options = "、".join(_choice_labels(choices).values())
    raise CellProblem(_("%(what)s应为：%(options)s。") % {"what": what, "options": options})


def split_list(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]


def join_list(items: Iterable[str]) -> str:
    return "、".join(items)


def moment_text(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def date_text(value: date | None) -> str:
    return value.isoformat() if value else ""
