"""Every rate of the ranking shows what it was counted from, and the list behind it holds exactly
those rows — lead assignments, issues, return visits or pairings — the failing ones first."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from sanfuwu.core.demokit import demo_build
from sanfuwu.core.periods import previous_span, span_bounds
from sanfuwu.issues.models import Assignment, Issue, Status, Tier
from sanfuwu.orgs.models import Category, Department
from sanfuwu.people.models import Person
from sanfuwu.scoring.drill import BAD_NUMERATOR, DRILLABLE, drill
from sanfuwu.scoring.models import Indicator, League, Source
from sanfuwu.scoring.standings import league_board
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db
TODAY = date(2025, 11, 14)
BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 10, 1, 10, tzinfo=BEIJING)


def test_every_rate_of_the_demo_district_is_the_rows_of_its_drill_down(db: None) -> None:
    demo_build(seed=2025, today=TODAY, out=io.StringIO(), small=True)
    start, end = span_bounds("month", "2025-10", TODAY)
    checked = 0
    for league in League.values:
        board = league_board(league, start, end, previous=previous_span("month", start))
        rates = [i for i in board.indicators if i.source in DRILLABLE]
        assert rates, league
        for indicator in rates:
            for standing in board.standings:
                scored = standing.scores[indicator.pk]
                found = drill(indicator.source, league, standing.unit, start, end)
                assert found is not None
                counted = sum(row.counted for row in found.rows)
                what = (league, indicator.name, board.name(standing.unit))
                assert (scored.numerator or 0, scored.denominator or 0) == (counted, len(found.rows)), what
                assert (found.numerator, found.denominator) == (counted, len(found.rows)), what
                # The failing rows come first, then the rest.
                failing = [row.failing for row in found.rows]
                assert failing == sorted(failing, reverse=True), what
                assert all(
                    row.failing == (row.counted == (indicator.source in BAD_NUMERATOR)) for row in found.rows
                )
                checked += int(scored.denominator or 0)
    assert checked > 100

    # The page says the same: the fraction beside each rate, the rows behind it.
    leader = Person.objects.get(username="leader")
    page = client_for(leader).get(reverse("race:ranking"), {"league": "department", "month": "2025-10"})
    html = page.content.decode()
    response = Indicator.objects.get(league=League.DEPARTMENT, source=Source.RESPONSE)
    department = Department.objects.get(name="建设局")
    board = league_board(League.DEPARTMENT, start, end)
    scored = next(s for s in board.standings if s.unit == department.pk).scores[response.pk]
    fraction = f"{scored.numerator:.0f}/{scored.denominator:.0f}"
    assert f'<span class="fraction text-secondary small fw-normal">{fraction}</span>' in html
    drill_page = client_for(leader).get(
        reverse("race:drill"),
        {"indicator": str(response.pk), "unit": str(department.pk), "month": "2025-10", "span": "month"},
    )
    text = drill_page.content.decode()
    assert drill_page.status_code == 200 and f'id="drill-fraction">{fraction}<' in text
    listed = len(re.findall(r'class="drill-row ', text))
    assert listed == min(int(scored.denominator or 0), 100)


@pytest.fixture
def handovers(world: World) -> list[Issue]:
    """建设局 was handed three issues of 下沙 on 1 October 2025 (a Wednesday of the National Day
    holiday): one accepted the next working day (8 October), one two days later, one never; the
    second was then returned and handed to 建设局 again on 9 October, accepted at once."""
    road = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    issues = []
    for n, accepted in enumerate([date(2025, 10, 8), date(2025, 10, 10), None]):
        issue = Issue.objects.create(
            number=f"WT-D-{n}", title=f"道路破损{n}", description="测试", source="visit", category=road,
            region=world.touge_grid, tier=Tier.DEADLINE, status=Status.IN_PROGRESS, lead_department=world.jianshe,
            registered_at=datetime.combine(date(2025, 10, 1), time(9), BEIJING),
            dispatched_at=datetime.combine(date(2025, 10, 1), time(10), BEIJING),
        )  # fmt: skip
        Assignment.objects.create(
            issue=issue, department=world.jianshe, is_lead=True, dispatched_at=issue.dispatched_at or NOW,
            accepted_at=datetime.combine(accepted, time(9), BEIJING) if accepted else None,
        )  # fmt: skip
        issues.append(issue)
    Assignment.objects.create(
        issue=issues[1], department=world.jianshe, is_lead=True,  # returned, then handed over again
        dispatched_at=datetime.combine(date(2025, 10, 9), time(10), BEIJING),
        accepted_at=datetime.combine(date(2025, 10, 9), time(11), BEIJING),
    )  # fmt: skip
    Indicator.objects.create(
        league=League.DEPARTMENT, name="响应率", source=Source.RESPONSE, weight=100, target=1
    )
    return issues


def test_the_response_rate_lists_lead_assignments_not_issues_late_ones_first(
    world: World, handovers: list[Issue], leader: Person
) -> None:
    start, end = date(2025, 10, 1), date(2025, 10, 31)
    found = drill(Source.RESPONSE, League.DEPARTMENT, world.jianshe.pk, start, end)
    assert found is not None
    # Four handovers of three issues: two in time (8 and 9 October), two not (late, never).
    assert (found.numerator, found.denominator) == (2, 4)
    assert [row.number for row in found.rows[:2]] == ["WT-D-1", "WT-D-2"]
    assert [row.failing for row in found.rows] == [True, True, False, False]
    indicator = Indicator.objects.get()
    html = (
        client_for(leader).get(reverse("race:ranking"), {"league": "department", "month": "2025-10"}).content
    )
    assert "2/4" in html.decode()
    page = client_for(leader).get(
        reverse("race:drill"),
        {"indicator": str(indicator.pk), "unit": str(world.jianshe.pk), "month": "2025-10"},
        headers={"HX-Request": "true"},
    )
    text = page.content.decode()
    # Asked by htmx, the fragment alone, to open under the ranking.
    assert page.status_code == 200 and "<html" not in text and 'id="drill-fraction">2/4<' in text
    assert text.count("drill-failing") == 2 and text.count("drill-passing") == 2


def test_the_drill_down_stays_within_the_readers_scope(
    world: World,
    handovers: list[Issue],
    handler: Person,
    xiasha_dispatcher: Person,
    baiyang_dispatcher: Person,
) -> None:
    indicator = Indicator.objects.get()
    other = Department.objects.create(code="gongan", name="公安分局", region=world.district)
    query: dict[str, Any] = {"indicator": indicator.pk, "month": "2025-10"}
    url = reverse("race:drill")
    # A department's own people see its rows; another department's are as if missing.
    assert client_for(handler).get(url, {**query, "unit": world.jianshe.pk}).status_code == 200
    assert client_for(handler).get(url, {**query, "unit": other.pk}).status_code == 404
    street = Indicator.objects.create(
        league=League.TERRITORY, name="办结率", source=Source.RESOLUTION, weight=100
    )
    street_query: dict[str, Any] = {"indicator": street.pk, "month": "2025-10"}
    assert (
        client_for(xiasha_dispatcher).get(url, {**street_query, "unit": world.xiasha.pk}).status_code == 200
    )
    assert (
        client_for(baiyang_dispatcher).get(url, {**street_query, "unit": world.xiasha.pk}).status_code == 404
    )
    # Nonsense is a 404 too, never a 500.
    assert client_for(handler).get(url, {"indicator": "x", "unit": "1"}).status_code == 404
    assert client_for(handler).get(url, {**query, "unit": "999999"}).status_code == 404


def test_a_rate_without_cases_shows_a_dash_and_no_fraction(
    world: World, handovers: list[Issue], leader
) -> None:
    html = (
        client_for(leader).get(reverse("race:ranking"), {"league": "department", "month": "2025-09"}).content
    )
    assert "0/0" not in html.decode() and "fraction" not in html.decode()
