"""Each computed indicator's numerator and denominator per unit for a period, as GROUP BY queries.

Territorial units are the district's streets and parks; an issue belongs to the one whose path
prefixes its region's path. Departments answer for the issues they lead. Nothing here loads the
issues themselves: each rate is one aggregate query over indexed columns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from sanfuwu.core.periods import day_range
from sanfuwu.issues.models import DONE_STATUSES, Assignment, Issue, IssueEvent, Rating, Status
from sanfuwu.orgs.models import Department, Region, RegionKind
from sanfuwu.scoring.models import League, Source
from sanfuwu.scoring.ranking import Measure, rate
from sanfuwu.targets.models import Target, TargetKind
from sanfuwu.visits.coverage import by_department, coverage, roll_up, street_finder
from sanfuwu.visits.models import Pairing
from sanfuwu.workdays.calendar import UnknownYearError, WorkCalendar

STREET_PATH_LENGTH = 16  # the district's segment and the street's, 8 characters each


def league_units(league: str) -> dict[Any, str]:
    """Unit id → name, in display order."""
    if league == League.DEPARTMENT:
        return dict(
            Department.objects.filter(active=True).order_by("sort_order", "id").values_list("pk", "name")
        )
    streets = Region.objects.filter(kind__in=[RegionKind.STREET, RegionKind.PARK], active=True)
    return dict(streets.order_by("sort_order", "path").values_list("pk", "name"))


def _grouped(
    qs: QuerySet[Any], league: str, issue_prefix: str = ""
) -> tuple[QuerySet[Any], Callable[[Any], Any]]:
    """Group by the unit the rows belong to; returns the grouped queryset and key → unit id."""
    if league == League.DEPARTMENT:
        field = f"{issue_prefix}lead_department_id"
        return qs.filter(**{f"{field}__isnull": False}).values(unit=F(field)), lambda key: key
    streets = {
        path: pk
        for pk, path in Region.objects.filter(kind__in=[RegionKind.STREET, RegionKind.PARK]).values_list(
            "pk", "path"
        )
    }
    grouped = qs.values(unit=Substr(f"{issue_prefix}region__path", 1, STREET_PATH_LENGTH))
    return grouped, streets.get


def _collect(rows: QuerySet[Any], key: Callable[[Any], Any]) -> dict[Any, Measure]:
    result: dict[Any, Measure] = {}
    for row in rows:
        unit = key(row["unit"])
        if unit is None:
            continue
        num, den = float(row["num"] or 0), int(row["den"] or 0)
        result[unit] = Measure(value=rate(num, den), cases=den, numerator=num, denominator=den)
    return result


def accepted_in_time(start: date, end: date) -> Q | None:
    """Lead assignments dispatched on a day of the period and accepted by the end of the next
    working day; None when a year of the period has no working-day calendar yet."""
    try:
        calendar = WorkCalendar(start, end + timedelta(days=40))
        limits = {}
        for n in range((end - start).days + 1):
            day = start + timedelta(days=n)
            following = day + timedelta(days=1)
            while not calendar.is_workday(following):
                following += timedelta(days=1)
            limits[day] = day_range(day, following)[1]  # before the end of the next working day
    except UnknownYearError:
        return None
    in_time = Q(pk__in=[])
    for day, limit in limits.items():
        since, until = day_range(day, day)
        in_time |= Q(
            dispatched_at__gte=since,
            dispatched_at__lt=until,
            accepted_at__lt=limit,
        )
    return in_time


def response(league: str, start: date, end: date) -> dict[Any, Measure]:
    """响应率: lead assignments dispatched in the period and accepted by the end of the next working day."""
    since, until = day_range(start, end)
    in_time = accepted_in_time(start, end)
    if in_time is None:
        return {}
    qs = Assignment.objects.filter(is_lead=True, dispatched_at__gte=since, dispatched_at__lt=until)
    if league == League.DEPARTMENT:
        grouped, key = qs.values(unit=F("department_id")), (lambda k: k)
    else:
        grouped, key = _grouped(qs, league, "issue__")
    rows = grouped.annotate(den=Count("id"), num=Count("id", filter=in_time))
    return _collect(rows, key)


def on_time(league: str, start: date, end: date) -> dict[Any, Measure]:
    """按期办结率: issues due in the period resolved by the end of their due date."""
    qs = (
        Issue.objects.filter(due_date__gte=start, due_date__lte=end)
        .exclude(status=Status.VOID)
        .annotate(resolved_on=TruncDate("resolved_at"))
    )
    grouped, key = _grouped(qs, league)
    by_due = Q(resolved_at__isnull=False) & Q(resolved_on__lte=F("due_date"))
    return _collect(grouped.annotate(den=Count("id"), num=Count("id", filter=by_due)), key)


def resolution(league: str, start: date, end: date) -> dict[Any, Measure]:
    """办结率: of the issues dispatched in the period, those resolved."""
    since, until = day_range(start, end)
    qs = Issue.objects.filter(dispatched_at__gte=since, dispatched_at__lt=until).exclude(status=Status.VOID)
    grouped, key = _grouped(qs, league)
    return _collect(
        grouped.annotate(den=Count("id"), num=Count("id", filter=Q(status__in=DONE_STATUSES))), key
    )


def satisfaction(league: str, start: date, end: date) -> dict[Any, Measure]:
    """满意率: of the return visits made in the period, 满意 or 基本满意. Every rating counts, the
    不满意 that reopened an issue too, though the issue's own rating is later replaced."""
    since, until = day_range(start, end)
    qs = IssueEvent.objects.filter(action="rate", at__gte=since, at__lt=until)
    grouped, key = _grouped(qs, league, "issue__")
    pleased = Q(changes__rating__in=[Rating.SATISFIED.value, Rating.BASIC.value])
    return _collect(grouped.annotate(den=Count("id"), num=Count("id", filter=pleased)), key)


def reopen(league: str, start: date, end: date) -> dict[Any, Measure]:
    """重办率 (lower is better): of the issues resolved in the period, those reopened at least once."""
    since, until = day_range(start, end)
    qs = Issue.objects.filter(resolved_at__gte=since, resolved_at__lt=until)
    grouped, key = _grouped(qs, league)
    return _collect(grouped.annotate(den=Count("id"), num=Count("id", filter=Q(reopen_count__gt=0))), key)


def density(league: str, start: date, end: date) -> dict[Any, Measure]:
    """每千家企业问题数: issues registered in the period per 1,000 active enterprises of the territory."""
    if league == League.DEPARTMENT:
        return {}
    since, until = day_range(start, end)
    issues, key = _grouped(Issue.objects.filter(registered_at__gte=since, registered_at__lt=until), league)
    counts = {key(r["unit"]): r["n"] for r in issues.annotate(n=Count("id"))}
    firms, key = _grouped(Target.objects.filter(kind=TargetKind.ENTERPRISE, active=True), league)
    result = {}
    for row in firms.annotate(n=Count("id")):
        unit = key(row["unit"])
        if unit is not None:
            n = counts.get(unit, 0)
            result[unit] = Measure(
                value=n / row["n"] * 1000 if row["n"] else None,
                cases=row["n"],
                numerator=n,
                denominator=row["n"],
            )
    return result


def visit_coverage(league: str, start: date, end: date) -> dict[Any, Measure]:
    """走访覆盖率: pairings visited as often as required / pairings due in the period."""
    results = coverage(Pairing.objects.all(), start=start, end=end, today=timezone.localdate())
    key = by_department if league == League.DEPARTMENT else street_finder()
    return {
        r.key: Measure(value=r.rate, cases=r.pairings, numerator=r.fulfilled, denominator=r.pairings)
        for r in roll_up(results, key)
    }


COMPUTED: dict[str, Callable[[str, date, date], dict[Any, Measure]]] = {
    Source.RESPONSE: response,
    Source.ON_TIME: on_time,
    Source.RESOLUTION: resolution,
    Source.SATISFACTION: satisfaction,
    Source.REOPEN: reopen,
    Source.DENSITY: density,
    Source.COVERAGE: visit_coverage,
}
