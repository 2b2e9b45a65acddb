"""红榜 and 黑榜 make sense in a league of any size: at most a third of it on each, never a unit
on both, and units tied at the cut all in or all out."""

from __future__ import annotations

from collections.abc import Mapping

from sanfuwu.scoring.ranking import Standing, competition_ranks, red_and_black


def league(indexes: Mapping[str, float | None]) -> list[Standing]:
    ranks = competition_ranks(indexes)
    return [Standing(unit=u, index=i, rank=ranks[u]) for u, i in indexes.items()]


def units(boards: tuple[list[Standing], list[Standing]]) -> tuple[list[str], list[str]]:
    red, black = boards
    return [s.unit for s in red], [s.unit for s in black]


def test_a_four_unit_league_puts_one_on_each_board_never_all() -> None:
    # The demo's streets and park: four units.
    assert units(red_and_black(league({"下沙": 91.2, "白杨": 88.0, "河庄": 85.5, "医药港": 80.1}), 3)) == (
        ["下沙"],
        ["医药港"],
    )


def test_a_large_league_fills_each_board_to_its_size_best_and_worst_first() -> None:
    scores = {f"部门{n:02d}": 100.0 - n for n in range(17)}
    red, black = units(red_and_black(league(scores), 3))
    assert red == ["部门00", "部门01", "部门02"] and black == ["部门16", "部门15", "部门14"]


def test_a_league_too_small_for_a_third_has_no_boards() -> None:
    assert units(red_and_black(league({"a": 90.0, "b": 80.0}), 3)) == ([], [])
    assert units(red_and_black(league({"a": 90.0, "b": 80.0, "c": 70.0}), 3)) == (["a"], ["c"])


def test_units_tied_at_the_cut_are_all_left_off_rather_than_one_picked() -> None:
    # Six units allow two a board; 2nd and 3rd tie, so only the first is on the red board.
    scores = {"a": 95.0, "b": 90.0, "c": 90.0, "d": 80.0, "e": 70.0, "f": 60.0}
    assert units(red_and_black(league(scores), 3)) == (["a"], ["f", "e"])
    # A tie for first place beyond the board's size: nobody is singled out.
    tied = {"a": 90.0, "b": 90.0, "c": 90.0, "d": 80.0, "e": 70.0, "f": 60.0}
    assert units(red_and_black(league(tied), 3))[0] == []


def test_a_league_all_level_has_no_boards_and_the_unranked_are_never_on_them() -> None:
    assert units(red_and_black(league(dict.fromkeys("abcdef", 80.0)), 3)) == ([], [])
    red, black = units(red_and_black(league({"a": 90.0, "b": 80.0, "c": 70.0, "x": None, "y": None}), 3))
    assert red == ["a"] and black == ["c"]


def test_no_unit_is_ever_on_both_boards() -> None:
    for size in range(1, 20):
        scores = {f"u{n}": float(n % 5) for n in range(size)}
        red, black = units(red_and_black(league(scores), 3))
        assert not set(red) & set(black) and len(red) <= size // 3 and len(black) <= size // 3
