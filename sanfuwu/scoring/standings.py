"""A league's standings for a period: every indicator measured, scored and weighed into the index."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Sum

from sanfuwu.scoring.measures import COMPUTED, league_units
from sanfuwu.scoring.models import (
    Indicator,
    League,
    ManualValue,
    ReviewCriterion,
    ReviewMeeting,
    ReviewScore,
    Source,
    UnitTarget,
)
from sanfuwu.scoring.ranking import (
    Measure,
    Rule,
    Scored,
    Standing,
    competition_ranks,
    index_of,
    red_and_black,
    score_indicator,
    trimmed_mean,
)
from sanfuwu.scoring.rollup import rolled_at, rolled_league, rolled_measures

BOARD_SIZE = 3  # 红黑榜: the top and bottom three


@dataclass
class Board:
    league: str
    start: date
    end: date
    units: dict[Any, str]
    indicators: list[Indicator]
    standings: list[Standing]
    red: list[Standing] = field(default_factory=list)
    black: list[Standing] = field(default_factory=list)
    counted_at: Any = None  # when the roll-ups read were taken; None: counted from the issues now

    def name(self, unit: Any) -> str:
        return self.units.get(unit, "")


def _unit_field(league: str) -> str:
    return "department_id" if league == League.DEPARTMENT else "region_id"


def manual_measures(indicator: Indicator, start: date, end: date) -> dict[Any, Measure]:
    """Hand-entered values over the months of the period, per month; cases = months entered."""
    unit = _unit_field(indicator.league)
    rows = (
        ManualValue.objects.filter(indicator=indicator, month__gte=start.replace(day=1), month__lte=end)
        .values(unit)
        .annotate(total=Sum("value"), months=Count("id"))
        .values_list(unit, "total", "months")
    )
    # A month's average, so that a quarter or a year compares with the same monthly target.
    return {key: Measure(value=float(total) / n, cases=n) for key, total, n in rows if key is not None}


def review_results(meeting: ReviewMeeting) -> dict[Any, Measure]:
    """Each unit's result: every evaluator's total over the criteria, trimmed and averaged."""
    unit = _unit_field(meeting.league)
    totals: dict[Any, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for key, evaluator, score in ReviewScore.objects.filter(criterion__meeting=meeting).values_list(
        unit, "evaluator_id", "score"
    ):
        totals[key][evaluator] += float(score)
    return {key: Measure(value=trimmed_mean(per.values()), cases=len(per)) for key, per in totals.items()}


ReviewRow = tuple[str, list[float | None], Measure | None]


def review_results_table(meeting: ReviewMeeting) -> tuple[list[ReviewCriterion], list[ReviewRow]]:
    """Criteria, and per unit, best first: its name, the trimmed mean of each criterion, its result."""
    criteria = list(meeting.criteria.all())
    measures = review_results(meeting)
    per_criterion = _criterion_means(meeting)
    results = sorted(
        (
            (name, [per_criterion.get((unit, c.pk)) for c in criteria], measures.get(unit))
            for unit, name in league_units(meeting.league).items()
        ),
        key=lambda r: -(r[2].value or 0) if r[2] else 0,
    )
    return criteria, results


def _criterion_means(meeting: ReviewMeeting) -> dict[tuple[Any, int], float | None]:
    scores: dict[tuple[Any, int], list[float]] = {}
    for unit, criterion, score in ReviewScore.objects.filter(criterion__meeting=meeting).values_list(
        _unit_field(meeting.league), "criterion_id", "score"
    ):
        scores.setdefault((unit, criterion), []).append(float(score))
    return {key: trimmed_mean(values) for key, values in scores.items()}


def format_value(indicator: Indicator, value: float | None) -> str:
    """An indicator's value as a board shows it: a rate in per cent, anything else with two decimals."""
    if value is None:
        return "—"
    if indicator.unit == "%":
        return f"{value * 100:.1f}%"
    return f"{value:,.2f}"


def indicator_measures(
    indicator: Indicator, start: date, end: date, cache: dict[str, Any]
) -> dict[Any, Measure]:
    if indicator.source == Source.MANUAL:
        return manual_measures(indicator, start, end)
    if indicator.source == Source.REVIEW:
        closed = indicator.meeting if indicator.meeting and indicator.meeting.closed else None
        return review_results(closed) if closed else {}
    key = f"{indicator.source}:{indicator.league}"
    if "rolled" not in cache:
        cache["rolled"] = rolled_league(indicator.league, start, end)
    if key not in cache and indicator.source in cache["rolled"]:
        cache[key] = cache["rolled"][indicator.source]
    if key not in cache:
        rolled = rolled_measures(indicator.source, indicator.league, start, end)
        cache[key] = (
            rolled if rolled is not None else COMPUTED[indicator.source](indicator.league, start, end)
        )
    measures: dict[Any, Measure] = cache[key]
    return measures


def unit_targets(indicator: Indicator, year: int) -> dict[Any, float]:
    unit = _unit_field(indicator.league)
    rows = UnitTarget.objects.filter(indicator=indicator, year=year).values_list(unit, "target")
    return {key: float(target) for key, target in rows}


def league_targets(indicators: list[Indicator], year: int) -> dict[int, dict[Any, float]]:
    """Each indicator's own targets per unit for the year, in one read."""
    targets: dict[int, dict[Any, float]] = {i.pk: {} for i in indicators}
    rows = UnitTarget.objects.filter(indicator__in=indicators, year=year).values_list(
        "indicator_id", "region_id", "department_id", "target"
    )
    for indicator, region, department, target in rows:
        targets[indicator][region if region is not None else department] = float(target)
    return targets


def rule_of(indicator: Indicator) -> Rule:
    return Rule(
        weight=float(indicator.weight), method=indicator.method, higher_is_better=indicator.higher_is_better,
        cap=float(indicator.cap), min_cases=indicator.min_cases,
        target=float(indicator.target) if indicator.target is not None else None,
    )  # fmt: skip


def league_board(league: str, start: date, end: date, *, previous: tuple[date, date] | None = None) -> Board:
    units = league_units(league)
    indicators = list(Indicator.objects.filter(league=league, active=True).select_related("meeting"))
    cache: dict[str, Any] = {}
    per_unit: dict[Any, dict[int, Scored]] = {unit: {} for unit in units}
    targets = league_targets(indicators, start.year)
    for indicator in indicators:
        measures = indicator_measures(indicator, start, end, cache)
        complete = {unit: measures.get(unit, Measure(value=None, cases=0)) for unit in units}
        for unit, scored in score_indicator(rule_of(indicator), complete, targets[indicator.pk]).items():
            per_unit[unit][indicator.pk] = scored
    weights = {i.pk: float(i.weight) for i in indicators}
    indexes = {
        unit: index_of((weights[pk], s) for pk, s in scores.items()) for unit, scores in per_unit.items()
    }
    ranks = competition_ranks(indexes)
    before: dict[Any, int | None] = {}
    if previous is not None:
        earlier = league_board(league, *previous)
        before = {s.unit: s.rank for s in earlier.standings}
    standings = [
        Standing(
            unit=unit,
            index=indexes[unit],
            rank=ranks[unit],
            previous_rank=before.get(unit),
            scores=per_unit[unit],
        )
        for unit in units
    ]
    standings.sort(key=lambda s: (s.rank is None, s.rank or 0, units[s.unit]))
    red, black = red_and_black(standings, BOARD_SIZE)
    return Board(
        league=league,
        start=start,
        end=end,
        units=units,
        indicators=indicators,
        standings=standings,
        red=red,
        black=black,
        counted_at=rolled_at(start, end),
    )
