"""数据驾驶舱: the figures behind each chart, as aggregate queries over what the reader may see.

Void issues (已作废) count nowhere, as in the bulletin and the ranking. The issue counts of the
charts and of the period's totals are read from the monthly roll-ups (DashboardCount, CoverageCount)
when the reader looks at the district, a street or park, or a department and every month asked is
rolled up; otherwise they are counted from the issues. Late and supervised issues are counted
as they stand now, always from the issues, over indexed columns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sanfuwu.core.periods import day_start
from sanfuwu.issues.models import (
    DONE_STATUSES,
    Issue,
    IssueEvent,
    Rating,
    Source,
    Status,
    Tier,
    overdue_q,
    supervised_open_q,
)
from sanfuwu.orgs.models import Category, Department, Region
from sanfuwu.scoring.models import CoverageCount, DashboardCount
from sanfuwu.scoring.rollup import coverage_span, dashboard_months, months_of
from sanfuwu.visits.coverage import by_grid, coverage, roll_up
from sanfuwu.visits.models import Pairing

CHART_MONTHS = 6


@dataclass(frozen=True)
class Slice:
    """What a reader's dashboard counts, in the roll-ups' terms: the district (neither set), one
    street or park, or the issues one department leads (and the pairings it holds)."""

    street: int | None = None
    department: int | None = None


def months_back(end: date, n: int) -> list[date]:
    first = end.replace(day=1)
    months = [first]
    for _ in range(n - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return list(reversed(months))


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def _month_of(value: Any) -> date:
    day = value.date() if isinstance(value, datetime) else value
    return day.replace(day=1)


@dataclass
class Counts:
    """A reader's issue counts by month: registered per source and per tier, registered, done,
    rated and pleased per month, and registered per category over the period."""

    by_source: dict[tuple[date, str], int]
    by_tier: dict[tuple[date, str], int]
    by_month: dict[date, tuple[int, int, int, int]]
    by_category: dict[int, int]


def _live_counts(issues: QuerySet[Issue], months: list[date], period: list[date]) -> Counts:
    """From the issues and their return visits."""
    since, until = day_start(months[0]), day_start(_next_month(months[-1]))
    live = issues.order_by().exclude(status=Status.VOID)
    registered = live.filter(registered_at__gte=since, registered_at__lt=until).annotate(
        m=TruncMonth("registered_at")
    )

    def per(field: str) -> dict[tuple[date, str], int]:
        return {
            (_month_of(r["m"]), r[field]): r["n"]
            for r in registered.values("m", field).annotate(n=Count("id"))
        }

    by_month: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in registered.values("m").annotate(
        n=Count("id"), ok=Count("id", filter=Q(status__in=DONE_STATUSES))
    ):
        by_month[_month_of(row["m"])][:2] = [row["n"], row["ok"]]
    pleased = Q(changes__rating__in=[Rating.SATISFIED.value, Rating.BASIC.value])
    visits = IssueEvent.objects.filter(
        action="rate", at__gte=since, at__lt=until, issue_id__in=live.values("id")
    )
    for row in (
        visits.annotate(m=TruncMonth("at"))
        .values("m")
        .annotate(n=Count("id"), ok=Count("id", filter=pleased))
    ):
        by_month[_month_of(row["m"])][2:] = [row["n"], row["ok"]]
    first, last = day_start(period[0]), day_start(_next_month(period[-1]))
    in_period = live.filter(registered_at__gte=first, registered_at__lt=last)
    categories = dict(in_period.values_list("category").annotate(n=Count("id")))
    return Counts(
        per("source"), per("tier"), {m: (a, b, c, d) for m, (a, b, c, d) in by_month.items()}, categories
    )


def _rolled_counts(slice_: Slice, months: list[date], period: list[date]) -> Counts:
    """From the monthly roll-ups: a few small sums, whatever the number of issues."""
    counts = DashboardCount.objects.filter(month__in=sorted(set(months) | set(period))).order_by()
    if slice_.street is not None:
        counts = counts.filter(street=slice_.street)
    if slice_.department is not None:
        counts = counts.filter(department=slice_.department)

    def per(field: str) -> dict[tuple[date, str], int]:
        rows = counts.filter(month__in=months).values_list("month", field).annotate(n=Sum("registered"))
        return {(month, key): n for month, key, n in rows}

    sums = counts.values_list("month").annotate(Sum("registered"), Sum("done"), Sum("rated"), Sum("pleased"))
    by_month = {month: (a, b, c, d) for month, a, b, c, d in sums}
    categories = dict(counts.filter(month__in=period).values_list("category").annotate(n=Sum("registered")))
    return Counts(per("source"), per("tier"), by_month, categories)


def _grid_coverage(
    pairings: QuerySet[Pairing], slice_: Slice | None, start: date, end: date, rolled: bool
) -> list[tuple[int, str, int, int]]:
    """(grid id, name, pairings due, visited as required) per grid, by name."""
    span = coverage_span(start, end)
    if rolled and slice_ is not None and span is not None:
        counts = CoverageCount.objects.filter(month=start, span=span, grid__isnull=False)
        if slice_.street is not None:
            counts = counts.filter(street=slice_.street)
        if slice_.department is not None:
            counts = counts.filter(department=slice_.department)
        per = {
            r["grid"]: (r["n"], r["met"])
            for r in counts.values("grid").annotate(n=Sum("pairings"), met=Sum("fulfilled"))
        }
        names = dict(Region.objects.filter(pk__in=per).values_list("pk", "name"))
        grids = [(pk, names.get(pk, ""), n, met) for pk, (n, met) in per.items() if n]
    else:
        results = coverage(pairings, start=start, end=end, today=timezone.localdate())
        grids = [(int(str(g.key)), g.label, g.pairings, g.fulfilled) for g in roll_up(results, by_grid)]
    return sorted(grids, key=lambda g: g[1])


def dashboard_data(
    issues: QuerySet[Issue],
    pairings: QuerySet[Pairing],
    start: date,
    end: date,
    *,
    slice_: Slice | None = None,
) -> dict[str, Any]:
    """The dashboard's figures. `issues` and `pairings` are what the reader sees; `slice_` says the
    same in the roll-ups' terms when it can be said so (None: always count from the issues)."""
    today = timezone.localdate()
    months = months_back(end, CHART_MONTHS)
    period = months_of(start, end) or []
    asked = sorted(set(months) | set(period))
    counted_at = dashboard_months(asked) if slice_ is not None and period else None
    if not period:  # a period of odd days is counted by its months
        period = months_of(start.replace(day=1), end) or [start.replace(day=1)]
    if counted_at is not None and slice_ is not None:
        counts = _rolled_counts(slice_, months, period)
    else:
        counts = _live_counts(issues, sorted(set(months) | set(period)), period)
    per_month = [counts.by_month.get(m, (0, 0, 0, 0)) for m in months]
    registered = sum(counts.by_month.get(m, (0, 0, 0, 0))[0] for m in period)
    done = sum(counts.by_month.get(m, (0, 0, 0, 0))[1] for m in period)
    rated, pleased = [m[2] for m in per_month], [m[3] for m in per_month]
    names = dict(Category.objects.filter(pk__in=list(counts.by_category)).values_list("pk", "name"))
    categories = sorted(
        ((pk, names.get(pk, ""), n) for pk, n in counts.by_category.items() if n), key=lambda c: (-c[2], c[1])
    )
    late, supervised = overdue_q(today), supervised_open_q()
    now = issues.order_by()
    overdue_by = dict(now.filter(late).values_list("lead_department").annotate(n=Count("id")))
    # Grouped in SQL: the worklist index (lead_department, status, due_date, handler, supervised)
    # answers it alone. Counted in Python, a board of a hundred thousand late issues (every late
    # issue is flagged hourly) was 300 ms of the page.
    supervised_by = dict(now.filter(supervised).values_list("lead_department").annotate(n=Count("id")))
    departments = Department.objects.filter(active=True)
    if slice_ is not None and slice_.department is not None:
        departments = departments.filter(pk=slice_.department)
    shown = sorted(
        departments.values_list("pk", "name", "sort_order"),
        key=lambda d: (-overdue_by.get(d[0], 0), -supervised_by.get(d[0], 0), d[2], d[1]),
    )
    grids = _grid_coverage(pairings, slice_, start, end, counted_at is not None)
    return {
        "months": [f"{m:%Y-%m}" for m in months],
        "month_starts": [m.isoformat() for m in months],
        "sources": [
            {"key": key, "name": str(label), "data": [counts.by_source.get((m, key), 0) for m in months]}
            for key, label in Source.choices
        ],
        "tiers": [
            {"key": key, "name": str(label), "data": [counts.by_tier.get((m, key), 0) for m in months]}
            for key, label in Tier.choices
        ],
        "categories": [{"id": pk, "name": name, "value": n} for pk, name, n in categories],
        "departments": {
            "ids": [d[0] for d in shown],
            "names": [d[1] for d in shown],
            "overdue": [overdue_by.get(d[0], 0) for d in shown],
            "supervised": [supervised_by.get(d[0], 0) for d in shown],
        },
        "satisfaction": [round(ok / n * 100, 1) if n else None for ok, n in zip(pleased, rated, strict=True)],
        "satisfaction_counts": [[ok, n] for ok, n in zip(pleased, rated, strict=True)],
        "coverage": {
            "ids": [g[0] for g in grids],
            "names": [g[1] for g in grids],
            "rates": [round(g[3] / g[2] * 100, 1) if g[2] else None for g in grids],
            "counts": [[g[3], g[2]] for g in grids],
        },
        "totals": {
            "registered": registered,
            "resolved": done,
            "overdue": sum(overdue_by.values()),
            "supervised": sum(supervised_by.values()),
        },
        "counted_at": counted_at.isoformat() if counted_at is not None else None,
    }


def region_filter(
    issues: QuerySet[Issue], pairings: QuerySet[Pairing], region: Region | None
) -> tuple[QuerySet[Issue], QuerySet[Pairing]]:
    if region is None:
        return issues, pairings
    ids = region.subtree().values("id")
    return issues.filter(region_id__in=ids), pairings.filter(
        Q(target__region_id__in=ids) | Q(target__grid_id__in=ids)
    )
