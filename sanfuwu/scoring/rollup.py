"""Monthly roll-ups of the issue rates (incremental, so rankings never rescan the issues).

The five issue rates add up month by month, so a quarter or a year is the sum of its months'
numerators and denominators. A job recounts the running month and the two before it every hour:
an issue dispatched in one month may be resolved in the next, so recent months still move, while
older ones have settled. A period with a month not rolled up yet is computed from the issues.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from sanfuwu.core.periods import day_range
from sanfuwu.issues.models import DONE_STATUSES, Issue, IssueEvent, Rating, Status
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.scoring.measures import COMPUTED, STREET_PATH_LENGTH
from sanfuwu.scoring.models import CoverageCount, DashboardCount, League, MonthlyCount, MonthlyRollup, Source
from sanfuwu.scoring.ranking import Measure, rate
from sanfuwu.visits.coverage import coverage, street_finder
from sanfuwu.visits.models import Pairing

ROLLED = (Source.RESPONSE, Source.ON_TIME, Source.RESOLUTION, Source.SATISFACTION, Source.REOPEN)
RECOUNTED_MONTHS = 3
BACKFILLED_MONTHS = 24  # two years: a year and the year before it, for its movement


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def months_of(start: date, end: date) -> list[date] | None:
    """The months a period is made of, or None when it does not begin and end with whole months."""
    if start.day != 1 or end != month_end(end.replace(day=1)):
        return None
    months, first = [], start
    while first <= end:
        months.append(first)
        first = month_end(first) + timedelta(days=1)
    return months


@transaction.atomic
def rollup_month(month: date, *, counted: set[tuple[str, date]] | None = None) -> int:
    """Recount one month for both leagues; returns the rows written."""
    first, last = month.replace(day=1), month_end(month.replace(day=1))
    rows = []
    for league in League.values:
        for source in ROLLED:
            for unit, m in COMPUTED[source](league, first, last).items():
                rows.append(MonthlyCount(month=first, league=league, source=source, unit=unit,
                                         numerator=int(m.numerator or 0), denominator=int(m.denominator or 0)))  # fmt: skip
    MonthlyCount.objects.filter(month=first).delete()
    MonthlyCount.objects.bulk_create(rows)
    written = len(rows) + rollup_dashboard(first, last, counted=counted)
    now = timezone.now()
    MonthlyRollup.objects.update_or_create(month=first, defaults={"computed_at": now, "dashboard_at": now})
    return written


def _streets() -> dict[str, int]:
    streets = Region.objects.filter(kind__in=[RegionKind.STREET, RegionKind.PARK]).values_list("path", "pk")
    return {path[:STREET_PATH_LENGTH]: pk for path, pk in streets}


def rollup_dashboard(first: date, last: date, *, counted: set[tuple[str, date]] | None = None) -> int:
    """The dashboard's counts of one month (DashboardCount), and the coverage of the month, its
    quarter and its year (CoverageCount) unless `counted` already holds them; returns the rows written."""
    since, until = day_range(first, last)
    streets = _streets()
    keys = ("street", "department", "source", "tier", "category")
    fields = ("registered", "done", "rated", "pleased")
    counts: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: dict.fromkeys(fields, 0))
    registered = (
        Issue.objects.filter(registered_at__gte=since, registered_at__lt=until)
        .exclude(status=Status.VOID)
        .values("source", "tier", street=Substr("region__path", 1, STREET_PATH_LENGTH),
                dept=F("lead_department_id"), cat=F("category_id"))
        .annotate(n=Count("id"), ok=Count("id", filter=Q(status__in=DONE_STATUSES)))
    )  # fmt: skip
    for row in registered:
        entry = counts[(streets.get(row["street"]), row["dept"], row["source"], row["tier"], row["cat"])]
        entry["registered"] += row["n"]
        entry["done"] += row["ok"]
    rated = (
        IssueEvent.objects.filter(action="rate", at__gte=since, at__lt=until)
        .exclude(issue__status=Status.VOID)
        .values(street=Substr("issue__region__path", 1, STREET_PATH_LENGTH), dept=F("issue__lead_department_id"),
                source=F("issue__source"), tier=F("issue__tier"), cat=F("issue__category_id"))
        .annotate(n=Count("id"), ok=Count("id", filter=Q(changes__rating__in=[Rating.SATISFIED.value, Rating.BASIC.value])))
    )  # fmt: skip
    for row in rated:
        entry = counts[(streets.get(row["street"]), row["dept"], row["source"], row["tier"], row["cat"])]
        entry["rated"] += row["n"]
        entry["pleased"] += row["ok"]
    DashboardCount.objects.filter(month=first).delete()
    DashboardCount.objects.bulk_create(
        [DashboardCount(month=first, **dict(zip(keys, key, strict=True)), **n) for key, n in counts.items()],
        batch_size=2000,
    )
    counted = set() if counted is None else counted
    covered = 0
    for span, start, end in _spans_of(first):
        if (span, start) not in counted:
            covered += _rollup_coverage(span, start, end)
            counted.add((span, start))
    return len(counts) + covered


def _spans_of(first: date) -> list[tuple[str, date, date]]:
    """The month, and the quarter and the year it belongs to: the periods a page may ask for."""
    quarter = first.replace(month=(first.month - 1) // 3 * 3 + 1)
    return [
        ("month", first, month_end(first)),
        ("quarter", quarter, month_end(quarter.replace(month=quarter.month + 2))),
        ("year", first.replace(month=1), date(first.year, 12, 31)),
    ]


def _rollup_coverage(span: str, start: date, end: date) -> int:
    covered: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    find_street = street_finder()
    for result in coverage(Pairing.objects.all(), start=start, end=end, today=timezone.localdate()):
        if result.counted:
            street = find_street(result.pairing)
            key = (street[0] if street else None, result.pairing.target.grid_id, result.pairing.department_id)
            covered[key][0] += 1
            covered[key][1] += result.fulfilled
    CoverageCount.objects.filter(month=start, span=span).delete()
    CoverageCount.objects.bulk_create([
        CoverageCount(month=start, span=span, street=street, grid=grid, department=department, pairings=n, fulfilled=met)
        for (street, grid, department), (n, met) in covered.items()
    ])  # fmt: skip
    return len(covered)


def coverage_span(start: date, end: date) -> str | None:
    """Which rolled-up span a period is — a month, a quarter or a year — or None."""
    for span, first, last in _spans_of(start):
        if (first, last) == (start, end):
            return span
    return None


def dashboard_months(months: list[date]) -> Any:
    """When the oldest of these months' dashboard counts were taken; None when one is missing.
    Months after the running one hold nothing yet and need no count."""
    running = timezone.localdate().replace(day=1)
    needed = [m for m in months if m <= running]
    stamps = list(
        MonthlyRollup.objects.filter(month__in=needed, dashboard_at__isnull=False).values_list(
            "dashboard_at", flat=True
        )
    )
    if len(stamps) != len(needed):
        return None
    return min(s for s in stamps if s is not None) if stamps else timezone.now()


def rollup_recent(today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    months = [first]
    for _ in range(RECOUNTED_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    # The dashboard charts half a year, a ranking may ask for a year and the year before: a month
    # of the last two years never counted for them (a new install, or counted before the dashboard
    # read roll-ups) is counted once too.
    for _ in range(BACKFILLED_MONTHS - RECOUNTED_MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        if not MonthlyRollup.objects.filter(month=first, dashboard_at__isnull=False).exists():
            months.append(first)
    counted: set[tuple[str, date]] = set()  # a quarter or a year shared by several months, once
    for month in months:
        rollup_month(month, counted=counted)
    return months


def rolled_measures(source: str, league: str, start: date, end: date) -> dict[Any, Measure] | None:
    """The rate per unit from the roll-ups, or None when the period cannot be read from them."""
    if source == Source.COVERAGE:
        return _rolled_coverage(league, start, end)
    if source not in ROLLED:
        return None
    months = months_of(start, end)
    if not months or MonthlyRollup.objects.filter(month__in=months).count() != len(months):
        return None
    sums: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        MonthlyCount.objects.filter(league=league, source=source, month__in=months)
        .values("unit")
        .annotate(num=Sum("numerator"), den=Sum("denominator"))
    )
    for row in rows:
        sums[row["unit"]] = [row["num"], row["den"]]
    return {
        unit: Measure(value=rate(n, d), cases=d, numerator=n, denominator=d) for unit, (n, d) in sums.items()
    }


def rolled_league(league: str, start: date, end: date) -> dict[str, dict[Any, Measure]]:
    """Every rolled-up rate of a league for the period in one read: source → unit → measure; empty
    when a month of the period is not rolled up (each indicator is then counted from the issues)."""
    months = months_of(start, end)
    if not months or MonthlyRollup.objects.filter(month__in=months).count() != len(months):
        return {}
    sums: dict[str, dict[Any, Measure]] = {source: {} for source in ROLLED}
    rows = (
        MonthlyCount.objects.filter(league=league, source__in=ROLLED, month__in=months)
        .values("source", "unit")
        .annotate(num=Sum("numerator"), den=Sum("denominator"))
    )
    for row in rows:
        n, d = row["num"], row["den"]
        sums[row["source"]][row["unit"]] = Measure(value=rate(n, d), cases=d, numerator=n, denominator=d)
    coverage = _rolled_coverage(league, start, end)
    if coverage is not None:
        sums[Source.COVERAGE] = coverage
    return sums


def _rolled_coverage(league: str, start: date, end: date) -> dict[Any, Measure] | None:
    """Visit coverage of a month, a quarter or a year from its own counts, or None."""
    span = coverage_span(start, end)
    months = months_of(start, end)
    if span is None or not months or dashboard_months(months) is None:
        return None
    field = "department" if league == League.DEPARTMENT else "street"
    rows = (
        CoverageCount.objects.filter(month=start, span=span, **{f"{field}__isnull": False})
        .values(field)
        .annotate(n=Sum("pairings"), met=Sum("fulfilled"))
    )
    return {
        row[field]: Measure(
            value=rate(row["met"], row["n"]), cases=row["n"], numerator=row["met"], denominator=row["n"]
        )
        for row in rows
        if row["n"]
    }


def rolled_at(start: date, end: date) -> Any:
    """When the period's oldest roll-up was taken, or None when it was computed from the issues."""
    months = months_of(start, end) or []
    stamps = list(MonthlyRollup.objects.filter(month__in=months).values_list("computed_at", flat=True))
    return min(stamps) if months and len(stamps) == len(months) else None
