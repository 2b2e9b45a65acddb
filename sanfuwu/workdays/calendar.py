"""Working days of mainland China.

A deadline of N working days counts from the next working day after the start and falls due at
the end of the Nth working day. Statutory holidays are skipped and make-up weekends (调休) count.
The admin's table wins over the chinese-calendar package; a year neither knows is refused, never
guessed, because a guessed deadline is a wrong deadline.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from django.utils.translation import gettext as _

from sanfuwu.workdays.models import CalendarDay, CalendarYear, DayKind

# Far more than any deadline needs; stops a runaway loop on a calendar of only holidays.
MAX_DAYS_SCANNED = 3660


class UnknownYearError(ValueError):
    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "工作日历中没有 %(year)s 年的节假日安排，无法计算期限。请系统管理员先录入该年的放假和调休安排。"
            )
            % {"year": year}
        )


class WorkCalendar:
    """Answers for a span of dates with one query for the admin's overrides. Without `stored`
    (a fresh install whose database is not built yet) the package's calendar alone answers."""

    def __init__(self, start: date, end: date, *, stored: bool = True):
        self.overrides: dict[date, str] = {}
        self.entered_years: set[int] = set()
        if stored:
            self.overrides = dict(
                CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind")
            )
            self.entered_years = set(CalendarYear.objects.values_list("year", flat=True))

    def is_workday(self, day: date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == DayKind.WORKDAY
        if day.year in self.entered_years:
            return day.weekday() < 5
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise UnknownYearError(day.year) from None


def add_workdays(start: date, n: int, *, stored: bool = True) -> date:
    """The date at whose end a task started on `start` with `n` working days falls due."""
    if n < 1:
        raise ValueError(_("期限至少为 1 个工作日。"))
    day, counted, window_end = start, 0, start
    calendar = WorkCalendar(start, start, stored=stored)
    while counted < n:
        day += timedelta(days=1)
        if (day - start).days > MAX_DAYS_SCANNED:
            raise ValueError(_("工作日历中连续多年没有工作日，请检查节假日设置。"))
        if day > window_end:
            window_end = day + timedelta(days=2 * n + 60)
            calendar = WorkCalendar(day, window_end, stored=stored)
        if calendar.is_workday(day):
            counted += 1
    return day


def is_workday(day: date) -> bool:
    return WorkCalendar(day, day).is_workday(day)


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    calendar = WorkCalendar(start, end)
    return sum(calendar.is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
