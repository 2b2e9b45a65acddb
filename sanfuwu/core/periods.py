"""Reporting periods: a month, the quarter or the year that holds it, and the one before."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy

SPANS = {"month": gettext_lazy("月度"), "quarter": gettext_lazy("季度"), "year": gettext_lazy("年度")}


def day_start(day: date) -> datetime:
    """The first moment of a Beijing day, as an aware datetime to compare stored times with."""
    return datetime.combine(day, time.min, timezone.get_current_timezone())


def day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """From the first moment of `start` up to, not including, the first moment after `end`: every
    day of [start, end] whole, whatever the time of day, for `__gte` / `__lt` filters."""
    return day_start(start), day_start(end + timedelta(days=1))


def month_bounds(raw: str | None, today: date) -> tuple[date, date]:
    """The month named "YYYY-MM", or this month when the name is missing or wrong."""
    try:
        year, month = (int(part) for part in (raw or "").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    return first, _month_end(first)


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def span_bounds(span: str, raw_month: str | None, today: date) -> tuple[date, date]:
    first, last = month_bounds(raw_month, today)
    if span == "quarter":
        first = first.replace(month=(first.month - 1) // 3 * 3 + 1)
        last = _month_end(first.replace(month=first.month + 2))
    elif span == "year":
        first, last = date(first.year, 1, 1), date(first.year, 12, 31)
    return first, last


def previous_span(span: str, start: date) -> tuple[date, date]:
    """The period of the same kind just before the one starting at `start`."""
    before = start - timedelta(days=1)
    return span_bounds(span, f"{before.year}-{before.month}", before)


def week_monday(raw: str) -> date | None:
    """The Monday of the ISO week named "2025-W42", or None when it names no week."""
    try:
        year, week = raw.strip().upper().split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None


def week_bounds(raw: str | None, today: date) -> tuple[date, date]:
    """The ISO week named "2025-W42" (Monday to Sunday), or the last whole week before today."""
    monday = week_monday(raw or "") or today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)


def week_name(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"
