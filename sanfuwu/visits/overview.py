"""走访覆盖 as a reader asks for it: the coverage of their pairings for a period, region and level,
and the seeds' figures beside it. The coverage page and its export read the same numbers here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from sanfuwu.core.periods import SPANS, day_range, span_bounds
from sanfuwu.issues.models import DONE_STATUSES
from sanfuwu.issues.selectors import issues_visible_to
from sanfuwu.orgs.models import Region
from sanfuwu.people.models import Person
from sanfuwu.visits.coverage import by_department, by_grid, by_person, coverage, roll_up, street_finder
from sanfuwu.visits.forms import PeriodForm
from sanfuwu.visits.selectors import pairings_visible_to, visits_visible_to

# The level a coverage is rolled up to: its key (None: the streets, found per call) and its name.
LEVELS: dict[str, tuple[Callable[..., Any] | None, str | Promise]] = {
    "grid": (by_grid, gettext_lazy("网格")),
    "street": (None, gettext_lazy("街道/园区")),
    "department": (by_department, gettext_lazy("部门")),
    "person": (by_person, gettext_lazy("包联人")),
}


def coverage_query(person: Person, params: QueryDict) -> dict[str, Any]:
    """What the reader asks for: the period, region and level, and the pairings that answers."""
    today = timezone.localdate()
    period = PeriodForm(params or None, actor=person)
    period.is_valid()
    span = params.get("span") or "month"
    if span not in SPANS:
        span = "month"
    start, end = span_bounds(span, params.get("month"), today)
    pairings = pairings_visible_to(person)
    region = period.cleaned_data.get("region") if hasattr(period, "cleaned_data") else None
    if region is not None:
        ids = region.subtree().values("id")
        pairings = pairings.filter(Q(target__region_id__in=ids) | Q(target__grid_id__in=ids))
    level = params.get("level") or "grid"
    if level not in LEVELS:
        level = "grid"
    return {
        "period": period, "span": span, "start": start, "end": end, "region": region, "level": level,
        "level_label": LEVELS[level][1], "today": today, "pairings": pairings,
    }  # fmt: skip


def coverage_data(person: Person, params: QueryDict) -> dict[str, Any]:
    """The coverage of the reader's pairings for the period and region asked."""
    return coverage_of(coverage_query(person, params))


def coverage_of(query: dict[str, Any]) -> dict[str, Any]:
    """A `coverage_query` answered: each pairing's coverage, and their roll-up to its level."""
    results = coverage(query["pairings"], start=query["start"], end=query["end"], today=query["today"])
    key = LEVELS[query["level"]][0] or street_finder()
    return {**query, "results": results, "rollups": roll_up(results, key)}


def seed_figures(person: Person, start: date, end: date, region: Region | None) -> dict[str, Any]:
    """The seeds' figures: visits made, reports written, problems collected and resolved."""
    since, until = day_range(start, end)
    visits = visits_visible_to(person).filter(visited_at__gte=since, visited_at__lt=until)
    issues = issues_visible_to(person).filter(visit__in=visits.values("pk"))
    if region is not None:
        visits = visits.filter(region__in=region.subtree())
        issues = issues.filter(region__in=region.subtree())
    collected = issues.count()
    resolved = issues.filter(status__in=DONE_STATUSES).count()
    return {
        "visits": visits.count(),
        "reports": visits.exclude(report="").count(),
        "collected": collected,
        "resolved": resolved,
        "rate": resolved / collected if collected else None,
    }
