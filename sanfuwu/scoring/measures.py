"""Each computed indicator's numerator and denominator per unit for a period, as GROUP BY queries.

Territorial units are the district's streets and parks; an issue belongs to the one whose path
prefixes its region's path. Departments answer for the issues they lead. Nothing here loads the
issues themselves: each rate is one aggregate query over indexed columns. Void issues (已作废) count
nowhere, as in the dashboard and the bulletin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    qs: QuerySet[Any], league: str, issue_prefix: str = "", department: str | None = None
) -> tuple[QuerySet[Any], Callable[[Any], Any]]:
    """Group by the unit the rows belong to; returns the grouped queryset and key → unit id."""
    if league == League.DEPARTMENT:
        field = department or f"{issue_prefix}lead_department_id"
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


@dataclass(frozen=True)
class Counted:
    """What a rate counts, once for the ranking and its drill-down: `rows` are its denominator,
    those matching `passed` its numerator. `issue` leads from a row to its issue ("" when the rows
    are issues); `department` is the field of a row naming the department it counts for."""

    rows: QuerySet[Any]
    passed: Q
    issue: str = ""
    department: str = "lead_department_id"

    def per_unit(self, league: str) -> dict[Any, Measure]:
        grouped, key = _grouped(self.rows.order_by(), league, self.issue, self.department)
        return _collect(grouped.annotate(den=Count("id"), num=Count("id", filter=self.passed)), key)

    def of_unit(self, league: str, unit: Any) -> QuerySet[Any]:
        """The rows one unit's rate counts, as `per_unit` groups them."""
        if league == League.DEPARTMENT:
            return self.rows.filter(**{self.department: unit})
        street = Region.objects.filter(pk=unit).values_list("path", flat=True).first() or "-"
        return self.rows.filter(**{f"{self.issue}region__path__startswith": street[:STREET_PATH_LENGTH]})


def response_rows(start: date, end: date) -> Counted | None:
    """响应率: lead assignments dispatched in the period and accepted by the end of the next working
    day. Every handover counts, one later returned too: a department answers for each it was given."""
    since, until = day_range(start, end)
    in_time = accepted_in_time(start, end)
    if in_time is None:
        return None
    rows = Assignment.objects.filter(is_lead=True, dispatched_at__gte=since, dispatched_at__lt=until).exclude(
        issue__status=Status.VOID
    )
    return Counted(rows=rows, passed=in_time, issue="issue__", department="department_id")


def on_time_rows(start: date, end: date) -> Counted:
    """按期办结率: issues due in the period resolved by the end of their due date."""
    rows = (
        Issue.objects.filter(due_date__gte=start, due_date__lte=end)
        .exclude(status=Status.VOID)
        .annotate(resolved_on=TruncDate("resolved_at"))
    )
    return Counted(rows=rows, passed=Q(resolved_at__isnull=False) & Q(resolved_on__lte=F("due_date")))


def resolution_rows(start: date, end: date) -> Counted:
    """办结率: of the issues dispatched in the period, those resolved."""
    since, until = day_range(start, end)
    rows = Issue.objects.filter(dispatched_at__gte=since, dispatched_at__lt=until).exclude(status=Status.VOID)
    return Counted(rows=rows, passed=Q(status__in=DONE_STATUSES))


def satisfaction_rows(start: date, end: date) -> Counted:
    """满意率: of the return visits made in the period, 满意 or 基本满意. Every rating counts, the
    不满意 that reopened an issue too, though the issue's own rating is later replaced."""
    since, until = day_range(start, end)
    rows = IssueEvent.objects.filter(action="rate", at__gte=since, at__lt=until).exclude(
        issue__status=Status.VOID
    )
    pleased = Q(changes__rating__in=[Rating.SATISFIED.value, Rating.BASIC.value])
    return Counted(rows=rows, passed=pleased, issue="issue__", department="issue__lead_department_id")


def reopen_rows(start: date, end: date) -> Counted:
    """重办率 (lower is better): of the issues resolved in the period, those reopened at least once."""
    since, until = day_range(start, end)
    rows = Issue.objects.filter(resolved_at__gte=since, resolved_at__lt=until).exclude(status=Status.VOID)
    return Counted(rows=rows, passed=Q(reopen_count__gt=0))


COUNTED_ROWS: dict[str, Callable[[date, date], Counted | None]] = {
    Source.RESPONSE: response_rows,
    Source.ON_TIME: on_time_rows,
    Source.RESOLUTION: resolution_rows,
    Source.SATISFACTION: satisfaction_rows,
    Source.REOPEN: reopen_rows,
}


def _per_unit(source: str) -> Callable[[str, date, date], dict[Any, Measure]]:
    def measure(league: str, start: date, end: date) -> dict[Any, Measure]:
        counted = COUNTED_ROWS[source](start, end)
        return counted.per_unit(league) if counted is not None else {}

    measure.__doc__ = COUNTED_ROWS[source].__doc__
    return measure


response = _per_unit(Source.RESPONSE)
on_time = _per_unit(Source.ON_TIME)
resolution = _per_unit(Source.RESOLUTION)
satisfaction = _per_unit(Source.SATISFACTION)
reopen = _per_unit(Source.REOPEN)


def density(league: str, start: date, end: date) -> dict[Any, Measure]:
    """每千家企业问题数: issues registered in the period per 1,000 active enterprises of the territory."""
    if league == League.DEPARTMENT:
        return {}
    since, until = day_range(start, end)
    registered = Issue.objects.filter(registered_at__gte=since, registered_at__lt=until).exclude(
        status=Status.VOID
    )
    issues, key = _grouped(registered, league)
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
