"""Roll-ups give the same rankings as counting the issues, month by month and summed."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from sanfuwu.core.jobs import queue
from sanfuwu.issues.models import Issue, Status, Tier
from sanfuwu.orgs.models import Category
from sanfuwu.scoring.measures import resolution
from sanfuwu.scoring.models import Indicator, League, MonthlyCount, MonthlyRollup, Source
from sanfuwu.scoring.rollup import months_of, rolled_measures, rollup_month
from sanfuwu.scoring.standings import league_board
from tests.conftest import World

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def issues(world: World) -> None:
    road = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    for n, (month, day, status) in enumerate([(10, 3, Status.RESOLVED), (10, 9, Status.IN_PROGRESS), (11, 4, Status.RESOLVED),
                                              (11, 5, Status.RESOLVED), (12, 1, Status.IN_PROGRESS)]):  # fmt: skip
        Issue.objects.create(
            number=f"WT-U-{n}", title="测试", description="测试", source="visit", category=road, region=world.touge_grid,
            tier=Tier.DEADLINE, status=status, lead_department=world.jianshe,
            dispatched_at=datetime.combine(date(2025, month, day), time(10), BEIJING),
        )  # fmt: skip
    Indicator.objects.create(
        league=League.TERRITORY, name="办结率", source=Source.RESOLUTION, weight=100, target=1, min_cases=1
    )


def test_it_reads_whole_months_only() -> None:
    assert months_of(date(2025, 10, 1), date(2025, 12, 31)) == [
        date(2025, 10, 1),
        date(2025, 11, 1),
        date(2025, 12, 1),
    ]
    assert months_of(date(2025, 10, 2), date(2025, 10, 31)) is None
    assert months_of(date(2025, 2, 1), date(2025, 2, 28)) == [date(2025, 2, 1)]


def test_a_quarter_sums_its_months_and_matches_counting_the_issues(world: World, issues: None) -> None:
    quarter = (date(2025, 10, 1), date(2025, 12, 31))
    live = resolution(League.TERRITORY, *quarter)[world.xiasha.pk]
    assert rolled_measures(Source.RESOLUTION, League.TERRITORY, *quarter) is None  # not rolled up yet
    for month in (10, 11, 12):
        rollup_month(date(2025, month, 1))
    rolled = rolled_measures(Source.RESOLUTION, League.TERRITORY, *quarter)
    assert rolled is not None
    # 3 of 5 dispatched in the quarter resolved, both ways.
    assert (rolled[world.xiasha.pk].numerator, rolled[world.xiasha.pk].denominator) == (3, 5)
    assert (live.numerator, live.denominator) == (3, 5)
    board = league_board(League.TERRITORY, *quarter)
    assert board.counted_at is not None
    assert next(s for s in board.standings if s.unit == world.xiasha.pk).index == pytest.approx(60)


def test_it_recounts_a_month_without_doubling(world: World, issues: None) -> None:
    rollup_month(date(2025, 11, 1))
    rollup_month(date(2025, 11, 1))
    assert (
        MonthlyCount.objects.filter(
            month=date(2025, 11, 1), league=League.TERRITORY, source=Source.RESOLUTION
        )
        .get()
        .denominator
        == 2
    )
    assert MonthlyRollup.objects.count() == 1
    # A change after the count shows once the month is recounted.
    Issue.objects.filter(number="WT-U-1").update(dispatched_at=datetime(2025, 11, 9, 10, tzinfo=BEIJING))
    rollup_month(date(2025, 11, 1))
    assert (
        MonthlyCount.objects.get(
            month=date(2025, 11, 1), league=League.TERRITORY, source=Source.RESOLUTION
        ).denominator
        == 3
    )


def test_the_command_and_the_hourly_job_recount_recent_months(world: World, issues: None) -> None:
    call_command("rollup_scores", "2025-10", "2025-11", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(MonthlyRollup.objects.values_list("month", flat=True)) == {
        date(2025, 10, 1),
        date(2025, 11, 1),
    }
    periodic = {task.name for task in queue._registry.periodic_tasks}
    assert "rollup_recent_months" in periodic


def test_the_hourly_job_counts_the_dashboards_months_once_and_the_recent_ones_again(
    world: World, issues: None
) -> None:
    from sanfuwu.scoring.rollup import dashboard_months, rollup_recent

    first = rollup_recent(date(2025, 12, 15))
    # The three recent months, then every month of the year before never counted for the dashboard.
    assert first[:3] == [date(2025, 12, 1), date(2025, 11, 1), date(2025, 10, 1)] and len(first) == 24
    assert dashboard_months(first) is not None
    assert rollup_recent(date(2025, 12, 15)) == [date(2025, 12, 1), date(2025, 11, 1), date(2025, 10, 1)]
