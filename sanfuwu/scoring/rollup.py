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
from django.db.models import Sum
from django.utils import timezone

from sanfuwu.scoring.measures import COMPUTED
from sanfuwu.scoring.models import League, MonthlyCount, MonthlyRollup, Source
from sanfuwu.scoring.ranking import Measure, rate

ROLLED = (Source.RESPONSE, Source.ON_TIME, Source.RESOLUTION, Source.SATISFACTION, Source.REOPEN)
RECOUNTED_MONTHS = 3


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
def rollup_month(month: date) -> int:
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
    MonthlyRollup.objects.update_or_create(month=first, defaults={"computed_at": timezone.now()})
    return len(rows)


def rollup_recent(today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    months = [first]
    for _ in range(RECOUNTED_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    for month in months:
        rollup_month(month)
    return months


def rolled_measures(source: str, league: str, start: date, end: date) -> dict[Any, Measure] | None:
    """The rate per unit from the roll-ups, or None when the period cannot be read from them."""
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


def rolled_at(start: date, end: date) -> Any:
    """When the period's oldest roll-up was taken, or None when it was computed from the issues."""
    months = months_of(start, end) or []
    stamps = list(MonthlyRollup.objects.filter(month__in=months).values_list("computed_at", flat=True))
    return min(stamps) if months and len(stamps) == len(months) else None
