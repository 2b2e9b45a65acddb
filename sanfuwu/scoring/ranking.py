"""The arithmetic of the horse race, on plain numbers so that every rule is testable by hand.

- A rate with a zero denominator has no value ("—"), never 0 % or 100 %.
- 完成度 = value ÷ target (target ÷ value when lower is better), capped.
- 贡献度 = a unit's share of the league's total; as points, relative to the largest share.
- A unit with fewer cases than the indicator's minimum is 样本不足 and not scored on it.
- The index is the points earned over the weights of the indicators a unit was scored on, × 100,
  so a unit is never punished for an indicator that could not be measured for it.
- Ranks are competition ranks on the index to two decimals: ties share a rank (1, 1, 3).
- A review's result drops the highest and the lowest score when there are at least five.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

Unit = Any  # a region or department id


def rate(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def completion(
    value: float | None, target: float | None, *, higher_is_better: bool, cap: float
) -> float | None:
    if value is None or not target:
        return None
    # Lower is better: nothing at all (no complaints, no reopening) earns the cap.
    ratio = value / target if higher_is_better else (target / value if value > 0 else cap)
    return min(max(ratio, 0.0), cap)


def contributions(values: Mapping[Unit, float | None]) -> dict[Unit, float | None]:
    total = sum(v for v in values.values() if v is not None and v > 0)
    return {u: (max(v, 0.0) / total if total and v is not None else None) for u, v in values.items()}


@dataclass
class Measure:
    value: float | None
    cases: int
    numerator: float | None = None
    denominator: float | None = None


@dataclass
class Scored:
    value: float | None
    cases: int
    completion: float | None = None
    contribution: float | None = None
    points: float | None = None  # None: not scored on this indicator
    insufficient: bool = False
    numerator: float | None = None  # what the value was counted from, shown beside it (16/17)
    denominator: float | None = None


@dataclass(frozen=True)
class Rule:
    weight: float
    method: str  # "completion" or "contribution"
    higher_is_better: bool = True
    cap: float = 1.2
    min_cases: int = 0
    target: float | None = None


def score_indicator(
    rule: Rule, measures: Mapping[Unit, Measure], targets: Mapping[Unit, float] | None = None
) -> dict[Unit, Scored]:
    targets = targets or {}
    counted = {u: m for u, m in measures.items() if m.value is not None and m.cases >= rule.min_cases}
    shares = contributions({u: m.value for u, m in counted.items()})
    best_share = max((s for s in shares.values() if s is not None), default=None)
    result: dict[Unit, Scored] = {}
    for unit, m in measures.items():
        scored = Scored(
            value=m.value, cases=m.cases, insufficient=m.value is not None and m.cases < rule.min_cases,
            numerator=m.numerator, denominator=m.denominator,
        )  # fmt: skip
        if unit in counted:
            target = targets.get(unit, rule.target)
            scored.completion = completion(
                m.value, target, higher_is_better=rule.higher_is_better, cap=rule.cap
            )
            scored.contribution = shares.get(unit)
            if rule.method == "contribution":
                if scored.contribution is not None and best_share:
                    scored.points = rule.weight * scored.contribution / best_share
            elif scored.completion is not None:
                scored.points = rule.weight * scored.completion
        result[unit] = scored
    return result


def index_of(scored: Iterable[tuple[float, Scored]]) -> float | None:
    """(weight, score) pairs of one unit → its index, or None when nothing could be scored."""
    earned = weights = 0.0
    for weight, s in scored:
        if s.points is not None:
            earned += s.points
            weights += weight
    return earned / weights * 100 if weights else None


def competition_ranks(indexes: Mapping[Unit, float | None]) -> dict[Unit, int | None]:
    ranked = sorted(((round(v, 2), u) for u, v in indexes.items() if v is not None), key=lambda p: -p[0])
    ranks: dict[Unit, int | None] = dict.fromkeys(indexes)
    previous: float | None = None
    rank = 0
    for position, (value, unit) in enumerate(ranked, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[unit] = rank
    return ranks


def movement(rank: int | None, previous: int | None) -> int | None:
    """Places gained (进位, positive) or lost (退位, negative) since the previous period."""
    if rank is None or previous is None:
        return None
    return previous - rank


def trimmed_mean(scores: Iterable[float]) -> float | None:
    values = sorted(scores)
    if len(values) >= 5:
        values = values[1:-1]
    return mean(values) if values else None


@dataclass
class Standing:
    unit: Unit
    index: float | None
    rank: int | None
    previous_rank: int | None = None
    scores: dict[int, Scored] = field(default_factory=dict)  # indicator id → score

    @property
    def movement(self) -> int | None:
        return movement(self.rank, self.previous_rank)


def red_and_black(standings: list[Standing], n: int) -> tuple[list[Standing], list[Standing]]:
    """红榜 and 黑榜: the best and the worst, at most n each and at most a third of the ranked units,
    so that a small league is never all on the boards and no unit is on both. Units tied at the cut
    are all in or all out: rather a shorter board than one that picks between equals."""
    ranked = [s for s in standings if s.rank is not None and s.index is not None]
    size = min(n, len(ranked) // 3)
    return _board(ranked, size, best=True), _board(ranked, size, best=False)


def _board(ranked: list[Standing], size: int, *, best: bool) -> list[Standing]:
    if size <= 0:
        return []
    score = {id(s): round(s.index or 0.0, 2) for s in ranked}
    ordered = sorted(ranked, key=lambda s: (-score[id(s)] if best else score[id(s)], str(s.unit)))
    board = ordered[:size]
    if len(ordered) > size and score[id(ordered[size])] == score[id(board[-1])]:
        board = [s for s in board if score[id(s)] != score[id(board[-1])]]
    return board
