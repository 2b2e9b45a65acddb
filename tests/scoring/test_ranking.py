"""The horse race's arithmetic on numbers worked out by hand in the comments."""

from __future__ import annotations

import pytest

from sanfuwu.scoring.ranking import (
    Measure,
    Rule,
    Standing,
    competition_ranks,
    completion,
    contributions,
    index_of,
    movement,
    rate,
    red_and_black,
    score_indicator,
    trimmed_mean,
)


def test_it_gives_no_rate_for_a_zero_denominator() -> None:
    assert rate(0, 0) is None
    assert rate(3, 4) == 0.75
    assert rate(0, 4) == 0.0


def test_it_computes_completion_against_the_target_capped() -> None:
    # 0.90 against 0.95 → 0.947…; 1.14 against 0.95 → 1.2, the cap.
    assert completion(0.90, 0.95, higher_is_better=True, cap=1.2) == pytest.approx(0.947368, rel=1e-5)
    assert completion(1.14, 0.95, higher_is_better=True, cap=1.2) == 1.2
    # Lower is better: a reopen rate of 0.04 against 0.05 → 1.25, capped at 1.2; 0.10 → 0.5.
    assert completion(0.04, 0.05, higher_is_better=False, cap=1.2) == 1.2
    assert completion(0.10, 0.05, higher_is_better=False, cap=1.2) == 0.5
    assert completion(0.0, 0.05, higher_is_better=False, cap=1.2) == 1.2
    assert completion(None, 0.95, higher_is_better=True, cap=1.2) is None
    assert completion(0.9, None, higher_is_better=True, cap=1.2) is None


def test_it_computes_contribution_as_a_share_of_the_league_total() -> None:
    # 30 + 50 + 20 = 100 → 0.3, 0.5, 0.2; a unit without a value has no share.
    assert contributions({"a": 30, "b": 50, "c": 20, "d": None}) == {"a": 0.3, "b": 0.5, "c": 0.2, "d": None}
    assert contributions({"a": 0, "b": None}) == {"a": None, "b": None}


def test_it_scores_an_indicator_by_completion_with_the_minimum_sample() -> None:
    rule = Rule(weight=20, method="completion", target=0.9, cap=1.2, min_cases=5)
    measures = {
        "xiasha": Measure(value=0.9, cases=40),  # 0.9/0.9 = 1.0 → 20 points
        "baiyang": Measure(value=0.72, cases=25),  # 0.72/0.9 = 0.8 → 16 points
        "park": Measure(value=1.0, cases=3),  # 3 cases < 5: 样本不足, not scored
        "hezhuang": Measure(value=None, cases=0),  # nothing dispatched: "—"
    }
    scored = score_indicator(rule, measures, targets={"baiyang": 0.9})
    assert scored["xiasha"].points == pytest.approx(20)
    assert scored["baiyang"].points == pytest.approx(16)
    assert scored["park"].insufficient and scored["park"].points is None
    assert scored["hezhuang"].points is None and not scored["hezhuang"].insufficient


def test_it_uses_a_units_own_target_before_the_default() -> None:
    rule = Rule(weight=10, method="completion", target=100)
    # 规上工业增加值 120 against its own target 150 → 0.8 → 8 points; 120 against 100 → 1.2 → 12.
    scored = score_indicator(rule, {"a": Measure(120, 1), "b": Measure(120, 1)}, targets={"a": 150})
    assert scored["a"].points == pytest.approx(8) and scored["b"].points == pytest.approx(12)


def test_it_scores_contribution_relative_to_the_largest_share() -> None:
    rule = Rule(weight=30, method="contribution")
    # Shares 0.5, 0.3, 0.2 → points 30, 18, 12.
    scored = score_indicator(rule, {"a": Measure(50, 1), "b": Measure(30, 1), "c": Measure(20, 1)})
    assert [round(scored[u].points or 0, 6) for u in "abc"] == [30, 18, 12]
    assert scored["a"].contribution == 0.5


def test_it_builds_the_index_over_the_indicators_a_unit_was_scored_on() -> None:
    from sanfuwu.scoring.ranking import Scored

    # 20 of 20 and 12 of 30 → 32 / 50 = 64; an unscored indicator of weight 50 is left out.
    pairs = [(20, Scored(1, 9, points=20)), (30, Scored(1, 9, points=12)), (50, Scored(None, 0))]
    assert index_of(pairs) == pytest.approx(64)
    assert index_of([(50, Scored(None, 0))]) is None


def test_it_shares_ranks_between_ties() -> None:
    ranks = competition_ranks({"a": 91.004, "b": 91.0, "c": 88.5, "d": None, "e": 95})
    # e first; a and b tie at 91.00 (to two decimals) → both 2nd; c is 4th; d unranked.
    assert ranks == {"e": 1, "a": 2, "b": 2, "c": 4, "d": None}


def test_it_reports_movement_against_the_previous_period() -> None:
    assert movement(2, 5) == 3  # 进位 three places
    assert movement(4, 1) == -3  # 退位
    assert movement(3, None) is None


def test_it_drops_the_highest_and_lowest_of_five_or_more_scores() -> None:
    # 9, 8, 8, 7, 3 → drop 9 and 3 → (8 + 8 + 7) / 3 = 7.666…
    assert trimmed_mean([9, 8, 3, 8, 7]) == pytest.approx(23 / 3)
    # Four scores: all of them count → 6.5.
    assert trimmed_mean([9, 8, 3, 6]) == pytest.approx(6.5)
    assert trimmed_mean([]) is None


def test_it_lists_the_red_and_black_boards_without_overlap() -> None:
    standings = [
        Standing(unit=u, index=i, rank=r)
        for u, i, r in [("a", 95, 1), ("b", 90, 2), ("c", 80, 3), ("d", 70, 4), ("e", None, None)]
    ]
    red, black = red_and_black(standings, 3)
    # Four ranked units allow one on each board: a third of the league at most, never all of it.
    assert [s.unit for s in red] == ["a"] and [s.unit for s in black] == ["d"]
