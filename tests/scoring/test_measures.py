"""Each computed indicator on hand-built issues whose counts are worked out in the comments.

November 2025: the 1st is a Saturday; 3–7 and 10–14 are working weeks.
"""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from sanfuwu.issues.models import Assignment, Issue, IssueEvent, Status, Tier
from sanfuwu.orgs.models import Category, Department
from sanfuwu.scoring.measures import (
    density,
    on_time,
    reopen,
    resolution,
    response,
    satisfaction,
    visit_coverage,
)
from sanfuwu.scoring.models import League
from sanfuwu.visits.models import Pairing, Visit, VisitTarget
from tests.conftest import World, make_person

BEIJING = ZoneInfo("Asia/Shanghai")
NOV = (date(2025, 11, 1), date(2025, 11, 30))
numbers = count(1)


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime.combine(date(2025, month, day), time(hour), BEIJING)


@pytest.fixture
def road(world: World) -> Category:
    return Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)


def issue(
    world: World, road: Category, *, region=None, department: Department | None = None, **fields
) -> Issue:
    return Issue.objects.create(
        number=f"WT-T-{next(numbers):06d}", title="测试", description="测试", source="visit", category=road,
        region=region or world.touge_grid, tier=Tier.DEADLINE, lead_department=department or world.jianshe, **fields,
    )  # fmt: skip


def dispatched(
    world: World, road: Category, dispatched_at: datetime, accepted_at: datetime | None, **kw
) -> Issue:
    i = issue(world, road, status=Status.IN_PROGRESS, dispatched_at=dispatched_at, **kw)
    assert i.lead_department is not None
    Assignment.objects.create(issue=i, department=i.lead_department, is_lead=True, dispatched_at=dispatched_at,
                              accepted_at=accepted_at)  # fmt: skip
    return i


def test_it_counts_acceptance_within_one_working_day(world: World, road: Category) -> None:
    # Dispatched Friday 7th: due by the end of Monday 10th → accepted Monday 18:00 is in time.
    dispatched(world, road, at(7), at(10, 18))
    # Dispatched Monday 3rd: due by the end of Tuesday 4th → accepted Wednesday 5th is late.
    dispatched(world, road, at(3), at(5, 9))
    # Dispatched Tuesday 4th, never accepted: late.
    dispatched(world, road, at(4), None)
    # Dispatched in October: not this period's.
    dispatched(world, road, at(30, month=10), at(30, 11, month=10))
    (xiasha,) = response(League.TERRITORY, *NOV).items()
    assert xiasha[0] == world.xiasha.pk
    assert (xiasha[1].numerator, xiasha[1].denominator) == (1, 3)
    by_department = response(League.DEPARTMENT, *NOV)
    assert by_department[world.jianshe.pk].value == pytest.approx(1 / 3)


def test_it_counts_resolution_by_the_end_of_the_due_date(world: World, road: Category) -> None:
    issue(world, road, status=Status.RESOLVED, due_date=date(2025, 11, 10), resolved_at=at(10, 23))  # on time
    issue(
        world, road, status=Status.RESOLVED, due_date=date(2025, 11, 10), resolved_at=at(11, 0)
    )  # a day late
    issue(world, road, status=Status.IN_PROGRESS, due_date=date(2025, 11, 20))  # not resolved
    issue(world, road, status=Status.VOID, due_date=date(2025, 11, 20))  # void: not counted
    issue(
        world, road, status=Status.RESOLVED, due_date=date(2025, 12, 1), resolved_at=at(1)
    )  # due next month
    m = on_time(League.TERRITORY, *NOV)[world.xiasha.pk]
    assert (m.numerator, m.denominator) == (1, 3)


def test_it_counts_resolved_of_dispatched_and_by_lead_department(world: World, road: Category) -> None:
    other = Department.objects.create(code="chengguan", name="城市管理局", region=world.district)
    issue(
        world,
        road,
        status=Status.CLOSED,
        dispatched_at=at(3),
        resolution="已修复",
        feedback="已答复",
        rating="satisfied",
    )
    issue(world, road, status=Status.RESOLVED, dispatched_at=at(4))
    issue(world, road, status=Status.IN_PROGRESS, dispatched_at=at(5))
    issue(
        world,
        road,
        status=Status.IN_PROGRESS,
        dispatched_at=at(5),
        department=other,
        region=world.baiyang_grid,
    )
    territory = resolution(League.TERRITORY, *NOV)
    assert (territory[world.xiasha.pk].numerator, territory[world.xiasha.pk].denominator) == (2, 3)
    assert territory[world.baiyang.pk].value == 0.0
    departments = resolution(League.DEPARTMENT, *NOV)
    assert departments[world.jianshe.pk].value == pytest.approx(2 / 3) and departments[other.pk].value == 0.0
    assert world.park.pk not in territory  # nothing dispatched there: no value at all, shown as "—"


def test_it_counts_every_return_visit_of_the_period_for_satisfaction(world: World, road: Category) -> None:
    first = issue(world, road, status=Status.RESOLVED)
    second = issue(world, road, status=Status.RESOLVED)
    for i, (seq, rating, day) in enumerate([(5, "unsatisfied", 3), (9, "satisfied", 12)]):
        IssueEvent.objects.create(
            issue=first,
            seq=seq + i,
            action="rate",
            at=at(day),
            to_status="resolved",
            changes={"rating": rating},
        )
    IssueEvent.objects.create(
        issue=second, seq=5, action="rate", at=at(14), to_status="resolved", changes={"rating": "basic"}
    )
    IssueEvent.objects.create(
        issue=second,
        seq=6,
        action="rate",
        at=at(1, month=12),
        to_status="resolved",
        changes={"rating": "satisfied"},
    )
    # In November: 不满意, 满意, 基本满意 → 2 of 3, though the first issue now reads 满意.
    m = satisfaction(League.TERRITORY, *NOV)[world.xiasha.pk]
    assert (m.numerator, m.denominator) == (2, 3)


def test_it_counts_reopened_among_resolved(world: World, road: Category) -> None:
    issue(world, road, status=Status.RESOLVED, resolved_at=at(5), reopen_count=1)
    issue(world, road, status=Status.RESOLVED, resolved_at=at(6))
    issue(world, road, status=Status.RESOLVED, resolved_at=at(7))
    issue(world, road, status=Status.RESOLVED, resolved_at=at(8))
    m = reopen(League.TERRITORY, *NOV)[world.xiasha.pk]
    assert (m.numerator, m.denominator, m.value) == (1, 4, 0.25)


def test_it_counts_issues_per_thousand_enterprises(world: World, road: Category) -> None:
    issue(world, road, registered_at=at(3))
    issue(world, road, registered_at=at(4))
    issue(world, road, registered_at=at(4, month=10))
    # 下沙 has one enterprise: 2 issues → 2,000 per thousand; 白杨 has one and none → 0.
    measures = density(League.TERRITORY, *NOV)
    assert measures[world.xiasha.pk].value == 2000 and measures[world.baiyang.pk].value == 0
    assert density(League.DEPARTMENT, *NOV) == {}


def test_it_rolls_visit_coverage_up_to_streets_and_departments(world: World) -> None:
    worker = make_person("m_worker", ["visitor"], region=world.touge_grid)
    Pairing.objects.create(target=world.xiasha_firm, person=worker, starts_on=date(2025, 1, 1))
    Pairing.objects.create(target=world.baiyang_firm, department=world.jianshe, starts_on=date(2025, 1, 1))
    visit = Visit.objects.create(
        number="ZF-2025-000001", visited_at=at(12), region=world.touge_grid, notes="走访", recorded_by=worker
    )
    visit.visitors.add(worker)
    VisitTarget.objects.create(visit=visit, target=world.xiasha_firm, visited_on=date(2025, 11, 12))
    streets = visit_coverage(League.TERRITORY, *NOV)
    assert streets[world.xiasha.pk].value == 1.0 and streets[world.baiyang.pk].value == 0.0
    assert visit_coverage(League.DEPARTMENT, *NOV)[world.jianshe.pk].value == 0.0
