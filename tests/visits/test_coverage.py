"""Coverage on hand-built data whose answers are worked out in each test's comments."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person, Role
from sanfuwu.targets.models import Target
from sanfuwu.visits.coverage import (
    Slot,
    by_department,
    by_grid,
    by_person,
    coverage,
    roll_up,
    slots_ending_in,
    street_finder,
)
from sanfuwu.visits.models import Frequency, Pairing, Visit, VisitTarget
from tests.conftest import World, make_person

BEIJING = ZoneInfo("Asia/Shanghai")
JAN = (date(2025, 1, 1), date(2025, 1, 31))
AFTER = date(2025, 3, 1)  # "today", well after January


def visit(target: Target, when: datetime, *people: Person, departments: tuple[Department, ...] = ()) -> Visit:
    number = f"ZF-{when.year}-{Visit.objects.count() + 1:06d}"
    v = Visit.objects.create(
        number=number, visited_at=when, region=target.region, notes="走访", recorded_by=people[0]
    )
    v.visitors.set(people)
    v.departments.set(departments)
    VisitTarget.objects.create(visit=v, target=target, visited_on=when.astimezone(BEIJING).date())
    return v


def at(day: date, hh: int = 10, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), BEIJING)


def pair(target: Target, who: Person | Department, frequency: str = Frequency.MONTHLY,
         starts_on: date = date(2024, 1, 1), ends_on: date | None = None) -> Pairing:  # fmt: skip
    if isinstance(who, Person):
        return Pairing.objects.create(
            target=target, person=who, frequency=frequency, starts_on=starts_on, ends_on=ends_on
        )
    return Pairing.objects.create(
        target=target, department=who, frequency=frequency, starts_on=starts_on, ends_on=ends_on
    )


def one(pairing: Pairing, start: date = JAN[0], end: date = JAN[1], today: date = AFTER):
    (result,) = coverage(Pairing.objects.filter(pk=pairing.pk), start=start, end=end, today=today)
    return result


@pytest.fixture
def gridder(world: World) -> Person:
    return make_person("cov_gridder", [Role.VISITOR], region=world.touge_grid)


def test_it_cuts_weeks_from_monday_and_takes_slots_ending_in_the_period() -> None:
    # January 2025 starts on a Wednesday; the weeks ending in it end on the 5th, 12th, 19th, 26th.
    weeks = slots_ending_in(Frequency.WEEKLY, *JAN)
    assert [s.end.day for s in weeks] == [5, 12, 19, 26]
    assert weeks[0] == Slot(date(2024, 12, 30), date(2025, 1, 5))
    # A quarter ends in March only; a month report for January owes no quarterly visit.
    assert slots_ending_in(Frequency.QUARTERLY, *JAN) == []
    assert slots_ending_in(Frequency.QUARTERLY, date(2025, 3, 1), date(2025, 3, 31)) == [
        Slot(date(2025, 1, 1), date(2025, 3, 31))
    ]
    assert slots_ending_in(Frequency.MONTHLY, date(2024, 2, 1), date(2024, 2, 29)) == [
        Slot(date(2024, 2, 1), date(2024, 2, 29))
    ]


def test_it_counts_several_visits_in_one_month_once(world: World, gridder: Person) -> None:
    p = pair(world.xiasha_firm, gridder)
    for day in (3, 10, 20):
        visit(world.xiasha_firm, at(date(2025, 1, day)), gridder)
    result = one(p)
    assert result.due == result.met == [Slot(*JAN)]
    assert result.fulfilled and result.last_visit == date(2025, 1, 20)


def test_it_counts_a_visit_at_2359_beijing_on_the_last_day(world: World, gridder: Person) -> None:
    # 23:59 on 31 January in Beijing is 15:59 UTC the same day: January is met.
    p = pair(world.xiasha_firm, gridder)
    visit(world.xiasha_firm, at(date(2025, 1, 31), 23, 59), gridder)
    assert one(p).fulfilled
    # 00:30 on 1 February in Beijing is still 31 January in UTC, but belongs to February.
    q = pair(world.baiyang_firm, gridder)
    visit(world.baiyang_firm, at(date(2025, 2, 1), 0, 30), gridder)
    assert not one(q).fulfilled
    assert one(q, date(2025, 2, 1), date(2025, 2, 28)).fulfilled


def test_it_owes_the_month_a_pairing_starts_in_and_ignores_visits_before_it(
    world: World, gridder: Person
) -> None:
    p = pair(world.xiasha_firm, gridder, starts_on=date(2025, 1, 20))
    visit(world.xiasha_firm, at(date(2025, 1, 10)), gridder)  # before the pairing began
    result = one(p)
    assert result.due == [Slot(*JAN)] and result.met == []
    visit(world.xiasha_firm, at(date(2025, 1, 25)), gridder)
    assert one(p).fulfilled


def test_it_owes_nothing_for_a_month_the_pairing_ends_in(world: World, gridder: Person) -> None:
    p = pair(world.xiasha_firm, gridder, ends_on=date(2025, 1, 15))
    assert one(p).due == [] and not one(p).counted
    # Ending on the last day of the month still owes that month.
    q = pair(world.baiyang_firm, gridder, ends_on=date(2025, 1, 31))
    assert one(q).due == [Slot(*JAN)]


def test_it_stops_owing_visits_once_the_target_is_deactivated(world: World, gridder: Person) -> None:
    p = pair(world.xiasha_firm, gridder)
    Target.objects.filter(pk=world.xiasha_firm.pk).update(active=False, inactive_since=date(2025, 1, 20))
    assert not one(p).counted
    # Deactivated from 1 February: January is still owed.
    Target.objects.filter(pk=world.xiasha_firm.pk).update(inactive_since=date(2025, 2, 1))
    assert one(p).due == [Slot(*JAN)]


def test_it_owes_nothing_for_the_month_whose_last_day_the_target_was_deactivated_on(
    world: World, gridder: Person
) -> None:
    # inactive_since is the first day nothing is owed, and a month is owed only if the target is
    # still active on its last day: deactivated on 31 January, January is not owed and not missed.
    p = pair(world.xiasha_firm, gridder)
    Target.objects.filter(pk=world.xiasha_firm.pk).update(active=False, inactive_since=date(2025, 1, 31))
    result = one(p)
    assert result.due == [] and result.missed == [] and not result.counted
    assert roll_up([result], by_person) == []
    # A visit on the day it was deactivated does not bring January back.
    visit(world.xiasha_firm, at(date(2025, 1, 31)), gridder)
    assert one(p).due == []
    # Deactivated one day later, on 1 February, the 31st was still an active day: January is owed,
    # and the visit on the 31st meets it.
    Target.objects.filter(pk=world.xiasha_firm.pk).update(inactive_since=date(2025, 2, 1))
    assert one(p).due == one(p).met == [Slot(*JAN)]


def test_it_counts_only_the_paired_person_or_department(world: World, gridder: Person) -> None:
    stranger = make_person("cov_other", [Role.VISITOR], region=world.touge_grid)
    engineer = make_person("cov_engineer", [Role.HANDLER], department=world.jianshe)
    by_me = pair(world.xiasha_firm, gridder)
    by_dept = pair(world.xiasha_firm, world.jianshe)
    visit(world.xiasha_firm, at(date(2025, 1, 8)), stranger)
    assert not one(by_me).fulfilled and not one(by_dept).fulfilled
    # One of the department's people went: the department's pairing is met, the person's is not.
    visit(world.xiasha_firm, at(date(2025, 1, 9)), engineer)
    assert one(by_dept).fulfilled and not one(by_me).fulfilled
    # The department came along with someone else: that counts for the department too.
    other = pair(world.baiyang_firm, world.jianshe)
    visit(world.baiyang_firm, at(date(2025, 1, 9)), stranger, departments=(world.jianshe,))
    assert one(other).fulfilled


def test_it_counts_each_week_and_needs_all_of_them(world: World, gridder: Person) -> None:
    p = pair(world.xiasha_firm, gridder, frequency=Frequency.WEEKLY)
    visit(world.xiasha_firm, at(date(2024, 12, 31)), gridder)  # week ending 5 Jan
    visit(world.xiasha_firm, at(date(2025, 1, 15)), gridder)  # week ending 19 Jan
    visit(world.xiasha_firm, at(date(2025, 1, 16)), gridder)  # same week again
    result = one(p)
    assert len(result.due) == 4 and len(result.met) == 2
    assert [s.end.day for s in result.missed] == [12, 26]
    assert not result.fulfilled


def test_it_leaves_a_running_month_pending_until_met(world: World, gridder: Person) -> None:
    p = pair(world.xiasha_firm, gridder)
    today = date(2025, 1, 15)
    result = one(p, today=today)
    assert result.due == [] and result.pending == Slot(*JAN) and not result.counted
    visit(world.xiasha_firm, at(date(2025, 1, 14)), gridder)
    result = one(p, today=today)
    assert result.fulfilled and result.pending is None


def test_it_rolls_up_per_person_grid_street_and_department(world: World, gridder: Person) -> None:
    other = make_person("cov_park", [Role.VISITOR], region=world.park_grid)
    pair(world.xiasha_firm, gridder)
    pair(world.baiyang_firm, gridder)
    pair(world.park_firm, other)
    pair(world.park_firm, world.jianshe)
    pair(world.baiyang_firm, gridder, ends_on=date(2025, 1, 10))  # owes nothing: not counted anywhere
    visit(world.xiasha_firm, at(date(2025, 1, 6)), gridder)
    visit(world.park_firm, at(date(2025, 1, 7)), other)
    results = coverage(Pairing.objects.all(), start=JAN[0], end=JAN[1], today=AFTER)

    people = {r.label: (r.fulfilled, r.pairings, r.rate) for r in roll_up(results, by_person)}
    # gridder: 2 counted pairings, 1 met → 50 %; cov_park: 1 of 1.
    assert people == {"cov_gridder": (1, 2, 0.5), "cov_park": (1, 1, 1.0)}
    grids = {r.label: (r.fulfilled, r.pairings) for r in roll_up(results, by_grid)}
    # The park grid: cov_park met, the department did not.
    assert grids == {"头格第1网格": (1, 1), "白杨第1网格": (0, 1), "医药港第1网格": (1, 2)}
    streets = {r.label: (r.fulfilled, r.pairings) for r in roll_up(results, street_finder())}
    assert streets == {"下沙街道": (1, 1), "白杨街道": (0, 1), "医药港小镇": (1, 2)}
    departments = {r.label: (r.fulfilled, r.pairings, r.gaps) for r in roll_up(results, by_department)}
    assert departments == {"建设局": (0, 1, 1)}


def test_it_shows_no_rate_when_nothing_was_due(world: World, gridder: Person) -> None:
    pair(world.xiasha_firm, gridder, frequency=Frequency.QUARTERLY)
    results = coverage(Pairing.objects.all(), start=JAN[0], end=JAN[1], today=AFTER)
    assert roll_up(results, by_person) == []
    results = coverage(
        Pairing.objects.all(), start=date(2025, 1, 1), end=date(2025, 3, 31), today=date(2025, 4, 2)
    )
    (person,) = roll_up(results, by_person)
    assert person.rate == 0.0 and person.gaps == 1


def test_it_dates_a_blind_spot_by_its_holders_last_visit(world: World, gridder: Person) -> None:
    stranger = make_person("cov_stranger", [Role.VISITOR], region=world.touge_grid)
    p = pair(world.xiasha_firm, gridder)
    visit(world.xiasha_firm, at(date(2024, 11, 5)), gridder)
    visit(world.xiasha_firm, at(date(2025, 1, 20)), stranger)  # someone else: neither meets nor dates it
    result = one(p)
    assert not result.fulfilled and result.last_visit == date(2024, 11, 5)
