"""数据驾驶舱: the figures behind each chart, as aggregate queries over what the reader may see."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sanfuwu.core.periods import day_range, day_start
from sanfuwu.issues.models import (
    DONE_STATUSES,
    Issue,
    IssueEvent,
    Rating,
    Source,
    Tier,
    overdue_q,
    supervised_open_q,
)
from sanfuwu.orgs.models import Region
from sanfuwu.visits.coverage import by_grid, coverage, roll_up
from sanfuwu.visits.models import Pairing


def months_back(end: date, n: int) -> list[date]:
    first = end.replace(day=1)
    months = [first]
    for _ in range(n - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return list(reversed(months))


def _monthly(qs: QuerySet[Any], field: str, months: list[date], by: str) -> dict[str, list[int]]:
    rows = (
        qs.filter(
            **{f"{field}__gte": day_start(months[0]), f"{field}__lt": day_start(_next_month(months[-1]))}
        )
        .annotate(m=TruncMonth(field))
        .values("m", by)
        .annotate(n=Count("id"))
    )
    index = {m: i for i, m in enumerate(months)}
    series: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    for row in rows:
        month = row["m"].date() if isinstance(row["m"], datetime) else row["m"]
        series[row[by]][index[month.replace(day=1)]] += row["n"]
    return dict(series)


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def dashboard_data(
    issues: QuerySet[Issue], pairings: QuerySet[Pairing], start: date, end: date
) -> dict[str, Any]:
    today = timezone.localdate()
    months = months_back(end, 6)
    labels = [f"{m:%Y-%m}" for m in months]
    by_source = _monthly(issues.order_by(), "registered_at", months, "source")
    by_tier = _monthly(issues.order_by(), "registered_at", months, "tier")
    since, until = day_range(start, end)
    in_period = issues.order_by().filter(registered_at__gte=since, registered_at__lt=until)
    categories = list(in_period.values("category__name").annotate(n=Count("id")).order_by("-n")[:12])
    late, supervised = overdue_q(today), supervised_open_q()
    departments = list(
        issues.order_by()
        .filter(lead_department__isnull=False)
        .filter(late | supervised)
        .values("lead_department__name")
        .annotate(overdue=Count("id", filter=late), supervised=Count("id", filter=supervised))
        .order_by("-overdue")[:15]
    )
    rated = IssueEvent.objects.filter(action="rate", issue_id__in=issues.order_by().values("id"))
    pleased = Q(changes__rating__in=[Rating.SATISFIED.value, Rating.BASIC.value])
    trend_rows = (
        rated.filter(at__gte=day_start(months[0]), at__lt=day_start(_next_month(months[-1])))
        .annotate(m=TruncMonth("at"))
        .values("m")
        .annotate(n=Count("id"), ok=Count("id", filter=pleased))
    )
    trend: list[float | None] = [None] * len(months)
    for row in trend_rows:
        month = row["m"].date() if isinstance(row["m"], datetime) else row["m"]
        trend[months.index(month.replace(day=1))] = round(row["ok"] / row["n"] * 100, 1) if row["n"] else None
    grids = roll_up(coverage(pairings, start=start, end=end, today=today), by_grid)
    return {
        "months": labels,
        "sources": [
            {"name": str(label), "data": by_source.get(key, [0] * len(months))}
            for key, label in Source.choices
        ],
        "tiers": [
            {"name": str(label), "data": by_tier.get(key, [0] * len(months))} for key, label in Tier.choices
        ],
        "categories": [{"name": c["category__name"], "value": c["n"]} for c in categories],
        "departments": {
            "names": [d["lead_department__name"] for d in departments],
            "overdue": [d["overdue"] for d in departments],
            "supervised": [d["supervised"] for d in departments],
        },
        "satisfaction": trend,
        "coverage": {
            "names": [g.label for g in sorted(grids, key=lambda g: g.label)],
            "rates": [
                None if g.rate is None else round(g.rate * 100, 1)
                for g in sorted(grids, key=lambda g: g.label)
            ],
        },
        "totals": {
            "registered": in_period.count(),
            "resolved": in_period.filter(status__in=DONE_STATUSES).count(),
            "overdue": issues.order_by().filter(late).count(),
            "supervised": issues.order_by().filter(supervised).count(),
        },
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
