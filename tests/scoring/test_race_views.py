"""The ranking, the dashboard and review meetings, as their users meet them, across roles and units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanfuwu.people.models import Person, Role
from sanfuwu.scoring.admin import IndicatorForm
from sanfuwu.scoring.models import Indicator, League, ReviewCriterion, ReviewMeeting, ReviewScore, Source
from tests.conftest import World, client_for, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicators(world: World) -> list[Indicator]:
    territory, department, rate = League.TERRITORY, League.DEPARTMENT, Decimal("0.9")
    return [
        Indicator.objects.create(league=territory, name="办结率", source=Source.RESOLUTION, weight=60, target=rate),
        Indicator.objects.create(league=territory, name="走访覆盖率", source=Source.COVERAGE, weight=40, target=1, min_cases=3),
        Indicator.objects.create(league=department, name="办结率", source=Source.RESOLUTION, weight=100, target=rate),
    ]  # fmt: skip


def test_it_sends_strangers_to_the_login_page(world: World) -> None:
    for name in ("race:ranking", "race:dashboard", "race:reviews"):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_ranks_every_street_and_drills_down_only_within_scope(
    world: World, indicators, xiasha_dispatcher
) -> None:
    page = client_for(xiasha_dispatcher).get(
        reverse("race:ranking"), {"league": "territory", "month": "2025-10"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    for street in ("下沙街道", "白杨街道", "医药港小镇"):
        assert street in html
    # Nothing was dispatched: no value is a dash, never 0 % or 100 %.
    assert "0.0%" not in html and "100.0%" not in html
    # 下沙's numbers open the rows behind them; 白杨's are no link for 下沙's dispatcher.
    assert f"unit={world.xiasha.pk}&" in html and f"unit={world.baiyang.pk}&" not in html


def test_it_shows_the_indicator_table_with_its_definitions(world: World, indicators, leader) -> None:
    html = client_for(leader).get(reverse("race:ranking"), {"league": "territory"}).content.decode()
    assert 'id="indicator-table"' in html and "走访覆盖率" in html and "越高越好" in html


def test_it_keeps_the_dashboard_to_those_who_oversee_work(
    world: World, indicators, leader, grid_worker, handler
) -> None:
    assert client_for(leader).get(reverse("race:dashboard")).status_code == 200
    assert client_for(grid_worker).get(reverse("race:dashboard")).status_code == 403
    html = client_for(handler).get(reverse("race:dashboard")).content.decode()
    # A department head sees the departments' race, not the streets'.
    assert "部门赛马" in html and "街道园区赛马" not in html and 'id="dashboard-data"' in html


def test_it_offers_a_street_dispatcher_only_their_street_on_the_dashboard(
    world: World, indicators, xiasha_dispatcher
) -> None:
    html = client_for(xiasha_dispatcher).get(reverse("race:dashboard")).content.decode()
    options = html.split('id="region"')[1].split("</select>")[0]
    assert "下沙街道" in options and "白杨街道" not in options


@pytest.fixture
def meeting(world: World) -> ReviewMeeting:
    m = ReviewMeeting.objects.create(name="季度测评会", league=League.TERRITORY, held_on=timezone.localdate())
    m.evaluators.set([make_person(f"ev{n}", [Role.EVALUATOR], region=world.district) for n in range(1, 6)])
    ReviewCriterion.objects.create(meeting=m, name="工作推进", max_score=60)
    ReviewCriterion.objects.create(meeting=m, name="问题解决", max_score=40)
    return m


def scores_for(meeting: ReviewMeeting, world: World, first: str, second: str = "30") -> dict[str, str]:
    a, b = meeting.criteria.all()
    data = {}
    for street in (world.xiasha, world.baiyang, world.park):
        data[f"score-{street.pk}-{a.pk}"] = first
        data[f"score-{street.pk}-{b.pk}"] = second
    return data


def evaluator(n: int) -> Person:
    return Person.objects.get(username=f"ev{n}")


def test_an_evaluator_scores_and_others_cannot_see_it_before_closing(
    world: World, meeting: ReviewMeeting, leader
) -> None:
    url = reverse("race:review", args=[meeting.pk])
    assert client_for(evaluator(1)).post(url, scores_for(meeting, world, "51.5")).status_code == 302
    assert ReviewScore.objects.filter(evaluator=evaluator(1)).count() == 6
    assert 'value="51.5"' in client_for(evaluator(1)).get(url).content.decode()
    for other in (client_for(evaluator(2)), client_for(leader)):
        html = other.get(url).content.decode()
        assert "51.5" not in html and "1 / 5" in html


def test_it_refuses_a_score_out_of_range_and_saves_none(world: World, meeting: ReviewMeeting) -> None:
    url = reverse("race:review", args=[meeting.pk])
    data = scores_for(meeting, world, "50", second="45")  # 问题解决 is out of 40
    html = client_for(evaluator(1)).post(url, data).content.decode()
    assert "分数应在 0 到 40 之间" in html and 'data-field-error="score-' in html
    assert ReviewScore.objects.count() == 0
    data = scores_for(meeting, world, "", second="30")
    assert "请为每一项打分" in client_for(evaluator(1)).post(url, data).content.decode()
    assert ReviewScore.objects.count() == 0


def test_it_keeps_an_open_meeting_to_its_evaluators_and_leaders(
    world: World, meeting: ReviewMeeting, xiasha_dispatcher, leader
) -> None:
    url = reverse("race:review", args=[meeting.pk])
    assert client_for(xiasha_dispatcher).get(url).status_code == 404
    assert client_for(leader).get(url).status_code == 200
    assert (
        client_for(leader).post(url, scores_for(meeting, world, "50")).status_code == 404
    )  # not an evaluator
    assert ReviewScore.objects.count() == 0


def test_closing_publishes_trimmed_results_and_freezes_the_scores(
    world: World, meeting: ReviewMeeting, leader, xiasha_dispatcher
) -> None:
    url = reverse("race:review", args=[meeting.pk])
    # Totals 90, 80, 80, 70, 30 for 下沙 → drop 90 and 30 → (80 + 80 + 70) / 3 = 76.67.
    for n, first in zip(range(1, 6), ["60", "50", "50", "40", "0"], strict=True):
        client_for(evaluator(n)).post(url, scores_for(meeting, world, first))
    assert client_for(evaluator(1)).post(reverse("race:review_close", args=[meeting.pk])).status_code == 403
    assert client_for(leader).post(reverse("race:review_close", args=[meeting.pk])).status_code == 302
    meeting.refresh_from_db()
    assert meeting.closed
    html = client_for(xiasha_dispatcher).get(url).content.decode()
    assert "76.67" in html and 'id="review-results"' in html
    response = client_for(evaluator(1)).post(url, scores_for(meeting, world, "10"))
    assert response.status_code == 200 or response.status_code == 302
    assert ReviewScore.objects.filter(evaluator=evaluator(1), score=Decimal("10")).count() == 0


def test_it_feeds_a_closed_meeting_into_its_indicator(world: World, meeting: ReviewMeeting, leader) -> None:
    from sanfuwu.scoring.standings import league_board

    Indicator.objects.create(league=League.TERRITORY, name="测评得分", source=Source.REVIEW, weight=100,
                             target=Decimal("90"), meeting=meeting, min_cases=3)  # fmt: skip
    url = reverse("race:review", args=[meeting.pk])
    for n in range(1, 6):
        client_for(evaluator(n)).post(url, scores_for(meeting, world, "60", second=str(30 - n)))
    # Open: the indicator has no values yet.
    board = league_board(League.TERRITORY, date(2025, 1, 1), date(2025, 1, 31))
    assert all(s.index is None for s in board.standings)
    client_for(leader).post(reverse("race:review_close", args=[meeting.pk]))
    board = league_board(League.TERRITORY, date(2025, 1, 1), date(2025, 1, 31))
    # Totals 89, 88, 87, 86, 85 → drop 89 and 85 → 87; completion 87 / 90 → index 96.67 for every street.
    assert {round(s.index or 0, 2) for s in board.standings} == {96.67}
    assert {s.rank for s in board.standings} == {1}


def test_the_admin_refuses_weights_that_do_not_make_100(world: World, indicators) -> None:
    first = indicators[0]
    form = IndicatorForm(
        data={"league": "territory", "name": "办结率", "source": "resolution", "unit": "%", "higher_is_better": "on",
              "weight": "50", "method": "completion", "target": "0.9", "cap": "1.2", "min_cases": "5", "sort_order": "0",
              "active": "on"},
        instance=first,
    )  # fmt: skip
    assert not form.is_valid() and "现为 90" in form.errors["weight"][0]
    form = IndicatorForm(data={**form.data, "weight": "60"}, instance=first)
    assert form.is_valid(), form.errors


def test_six_months_back_is_the_previous_period(world: World) -> None:
    from sanfuwu.core.periods import previous_span

    assert previous_span("month", date(2025, 1, 1)) == (date(2024, 12, 1), date(2024, 12, 31))
    assert previous_span("quarter", date(2025, 4, 1)) == (date(2025, 1, 1), date(2025, 3, 31))
    assert previous_span("year", date(2025, 1, 1)) == (date(2024, 1, 1), date(2024, 12, 31))


def test_a_drill_down_lists_the_issues_its_rate_counts(world: World, indicators, leader) -> None:
    from sanfuwu.issues.models import Issue, Status, Tier
    from sanfuwu.orgs.models import Category

    road = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    tz = timezone.get_current_timezone()
    from datetime import datetime

    def make(number: str, registered: date, dispatched: date) -> None:
        Issue.objects.create(
            number=number, title=number, description="测试", source="visit", category=road, region=world.touge_grid,
            tier=Tier.DEADLINE, status=Status.IN_PROGRESS, lead_department=world.jianshe,
            registered_at=datetime.combine(registered, datetime.min.time(), tz).replace(hour=10),
            dispatched_at=datetime.combine(dispatched, datetime.min.time(), tz).replace(hour=11),
        )  # fmt: skip

    make("WT-A-1", date(2025, 9, 30), date(2025, 10, 1))  # registered in September, dispatched in October
    make("WT-A-2", date(2025, 10, 5), date(2025, 11, 2))  # registered in October, dispatched in November
    html = (
        client_for(leader)
        .get(reverse("race:ranking"), {"league": "territory", "month": "2025-10"})
        .content.decode()
    )
    resolution = indicators[0]
    link = (
        next(part for part in html.split('href="') if f"indicator={resolution.pk}&" in part)
        .split('"')[0]
        .replace("&amp;", "&")
    )
    listed = client_for(leader).get(link).content.decode()
    # 办结率 counts by dispatch date: October's list holds WT-A-1, not WT-A-2.
    assert "WT-A-1" in listed and "WT-A-2" not in listed
