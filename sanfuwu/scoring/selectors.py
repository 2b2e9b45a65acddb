"""Reads of the horse race that depend on who is reading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from sanfuwu.core.periods import previous_span, span_bounds
from sanfuwu.people.models import Person
from sanfuwu.people.roles import MEETING_CHAIRS
from sanfuwu.scoring.measures import league_units
from sanfuwu.scoring.models import League, ReviewMeeting
from sanfuwu.scoring.rollup import rolled_at
from sanfuwu.scoring.standings import league_board


def meetings_visible_to(person: Person) -> QuerySet[ReviewMeeting]:
    """Leaders and admins see every meeting, evaluators their own; everyone sees closed results."""
    qs = ReviewMeeting.objects.all()
    if person.is_superuser or person.has_role(*MEETING_CHAIRS):
        return qs
    return qs.filter(Q(evaluators=person) | Q(closed_at__isnull=False)).distinct()


def meeting_get_for(person: Person, pk: int) -> ReviewMeeting:
    meeting = meetings_visible_to(person).filter(pk=pk).first()
    if meeting is None:
        raise Http404("没有找到该测评会议")
    return meeting


@dataclass(frozen=True)
class MeetingToScore:
    meeting: ReviewMeeting
    scored: int  # the scores this evaluator has saved
    expected: int  # every unit of the league on every criterion


def meetings_to_score(person: Person) -> list[MeetingToScore]:
    """The running meetings this person scores at, each with how far their scoring has got."""
    meetings = list(
        ReviewMeeting.objects.filter(evaluators=person, closed_at__isnull=True)
        .annotate(
            criteria_n=Count("criteria", distinct=True),
            mine=Count("criteria__scores", filter=Q(criteria__scores__evaluator=person), distinct=True),
        )
        .order_by("held_on", "id")
    )
    units = {league: len(league_units(league)) for league in {m.league for m in meetings}}
    return [MeetingToScore(m, m.mine, m.criteria_n * units[m.league]) for m in meetings]


@dataclass(frozen=True)
class Movement:
    league: str
    unit: Any
    name: str
    rank: int
    previous_rank: int
    places: int  # gained (进位, positive) or lost (退位, negative)

    @property
    def distance(self) -> int:
        return abs(self.places)

    @property
    def league_label(self) -> str:
        return str(League(self.league).label)


@dataclass
class Movements:
    start: date  # the period compared with the one before it
    end: date
    risers: list[Movement]
    fallers: list[Movement]


# How long the home keeps the movements it read: a ranking changes with the hourly roll-up (whose
# time is part of the key), and counted from the issues it costs seconds on a large district.
MOVEMENTS_TTL = 600


def ranking_movements(today: date, *, n: int = 2) -> Movements:
    """The units that rose and fell most in the horse race between the last two complete months,
    the `n` biggest each way in each league (streets and parks, departments), as the ranking page
    shows them for the month just ended."""
    last = today.replace(day=1) - timedelta(days=1)
    start, end = span_bounds("month", f"{last:%Y-%m}", today)
    previous = previous_span("month", start)
    stamps = [rolled_at(start, end), rolled_at(*previous)]
    key = "home-movements-{}-{}-{}-{}".format(
        start, n, *(f"{s:%Y%m%d%H%M%S%f}" if s else "live" for s in stamps)
    )
    cached = cache.get(key)
    if isinstance(cached, Movements):
        return cached
    risers: list[Movement] = []
    fallers: list[Movement] = []
    for league in League.values:
        board = league_board(league, start, end, previous=previous)
        moved = [
            Movement(league, s.unit, board.name(s.unit), s.rank, s.previous_rank, s.movement)
            for s in board.standings
            if s.movement and s.rank is not None and s.previous_rank is not None
        ]
        risers += sorted((m for m in moved if m.places > 0), key=lambda m: (-m.places, m.rank, m.name))[:n]
        fallers += sorted((m for m in moved if m.places < 0), key=lambda m: (m.places, m.rank, m.name))[:n]
    movements = Movements(start=start, end=end, risers=risers, fallers=fallers)
    cache.set(key, movements, MOVEMENTS_TTL)
    return movements
