"""Working days against the State Council's published schedules for 2025 and 2026."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from sanfuwu.workdays.calendar import UnknownYearError, add_workdays, is_workday, workdays_between
from sanfuwu.workdays.models import CalendarDay, CalendarYear, DayKind


def days(year: int, spans: str) -> set[date]:
    """'01-28..02-04, 04-04' → the dates, written the way the notice writes them."""
    out: set[date] = set()
    for part in spans.split(","):
        first, _, last = part.strip().partition("..")
        start = date.fromisoformat(f"{year}-{first}")
        end = date.fromisoformat(f"{year}-{last or first}")
        out |= {start + timedelta(days=i) for i in range((end - start).days + 1)}
    return out


# 国办发明电〔2024〕12号 (2025) and 国办发明电〔2025〕7号 (2026), typed from the notices.
OFFICIAL = {
    2025: (
        days(2025, "01-01, 01-28..02-04, 04-04..04-06, 05-01..05-05, 05-31..06-02, 10-01..10-08"),
        days(2025, "01-26, 02-08, 04-27, 09-28, 10-11"),
    ),
    2026: (
        days(
            2026,
            "01-01..01-03, 02-15..02-23, 04-04..04-06, 05-01..05-05, 06-19..06-21, 09-25..09-27, 10-01..10-07",
        ),
        days(2026, "01-04, 02-14, 02-28, 05-09, 09-20, 10-10"),
    ),
}


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_of_the_year_matches_the_official_schedule(db, year):
    holidays, makeups = OFFICIAL[year]
    day = date(year, 1, 1)
    while day.year == year:
        expected = day in makeups or (day.weekday() < 5 and day not in holidays)
        assert is_workday(day) == expected, day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2025-04-30", 3, "2025-05-08"),  # the May Day break is skipped
        ("2025-04-25", 1, "2025-04-27"),  # Friday → the make-up Sunday counts
        ("2025-01-24", 2, "2025-01-27"),  # Friday: the make-up Sunday Jan 26, then Monday
        ("2025-01-24", 3, "2025-02-05"),  # …then eight days of Spring Festival
        ("2025-09-30", 1, "2025-10-09"),  # National Day and Mid-Autumn together
        ("2025-10-09", 2, "2025-10-11"),  # the make-up Saturday after the break
        ("2026-02-13", 1, "2026-02-14"),  # Saturday make-up before Spring Festival
        ("2026-02-14", 1, "2026-02-24"),  # nine days of Spring Festival
        ("2026-02-27", 1, "2026-02-28"),  # Saturday make-up after it
        ("2026-05-08", 1, "2026-05-09"),  # Saturday make-up after May Day
        ("2026-11-20", 5, "2026-11-27"),  # an ordinary week
    ],
)
def test_it_counts_from_the_next_working_day(db, start, n, due):
    assert add_workdays(date.fromisoformat(start), n) == date.fromisoformat(due)


def test_a_deadline_counts_a_make_up_sunday_right_after_new_year(db):
    assert add_workdays(date(2025, 12, 31), 1) == date(2026, 1, 4)


def test_it_refuses_a_year_nobody_knows(db):
    with pytest.raises(UnknownYearError) as exc:
        add_workdays(date(2026, 12, 28), 5)
    assert exc.value.year == 2027
    assert "请系统管理员先录入" in str(exc.value)


def test_it_uses_a_year_once_an_admin_entered_its_schedule(db):
    CalendarYear.objects.create(year=2027, note="测试")
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, kind=DayKind.HOLIDAY) for d in days(2027, "01-01")]
        + [CalendarDay(date=date(2027, 1, 2), kind=DayKind.WORKDAY)]  # a made-up make-up Saturday
    )
    assert add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 2)
    assert add_workdays(date(2026, 12, 28), 5) == date(2027, 1, 4)


def test_it_takes_only_weekends_off_in_an_entered_year_without_holidays_or_make_ups(db):
    # 2031 is beyond chinese-calendar, so only the admin's entry answers for it; an entered year
    # without a single holiday or make-up row is taken at its word: weekends off, nothing else.
    CalendarYear.objects.create(year=2031, note="测试：只有周末休息")
    friday, monday = date(2031, 3, 7), date(2031, 3, 10)
    assert add_workdays(friday, 1) == monday
    assert add_workdays(friday, 5) == date(2031, 3, 14)  # the next Friday
    assert [is_workday(friday + timedelta(days=i)) for i in range(4)] == [True, False, False, True]
    assert workdays_between(friday, monday) == 1
    # No holiday was entered, so not even New Year's Day (a Wednesday in 2031) is off.
    assert is_workday(date(2031, 1, 1))
    assert add_workdays(date(2030, 12, 31), 1) == date(2031, 1, 1)


def test_the_admins_table_overrides_the_package(db):
    CalendarDay.objects.create(date=date(2026, 11, 23), kind=DayKind.HOLIDAY, note="临时放假")
    assert not is_workday(date(2026, 11, 23))
    assert add_workdays(date(2026, 11, 20), 1) == date(2026, 11, 24)


def test_it_refuses_a_deadline_of_no_days(db):
    with pytest.raises(ValueError):
        add_workdays(date(2026, 11, 20), 0)


def test_it_counts_working_days_between_two_dates(db):
    assert workdays_between(date(2025, 4, 30), date(2025, 5, 8)) == 3
    assert workdays_between(date(2025, 5, 8), date(2025, 4, 30)) == 0


def test_the_command_prints_the_due_date(db, capsys):
    call_command("workdays", "2025-04-30", "3")
    assert capsys.readouterr().out.strip() == "2025-05-08"


def test_the_command_refuses_an_unknown_year_in_chinese(db):
    with pytest.raises(CommandError, match="2027"):
        call_command("workdays", "2026-12-28", "5")


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="日期格式"):
        call_command("workdays", "2025-13-01", "3")
