"""The list behind a rate of the ranking (穿透): for one unit and one indicator, exactly the rows
its numerator and denominator count — lead assignments for the response rate, return visits for
satisfaction, pairings for visit coverage — the failing ones first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfuwu.issues.models import Rating
from sanfuwu.orgs.models import Region
from sanfuwu.scoring.measures import COUNTED_ROWS, STREET_PATH_LENGTH
from sanfuwu.scoring.models import League, Source
from sanfuwu.visits.coverage import PairingCoverage, by_department, coverage, street_finder
from sanfuwu.visits.models import Pairing

# Rates whose numerator is the bad outcome (lower is better): their counted rows fail.
BAD_NUMERATOR = frozenset({Source.REOPEN})
DRILLABLE = frozenset(
    {Source.RESPONSE, Source.ON_TIME, Source.RESOLUTION, Source.SATISFACTION, Source.REOPEN, Source.COVERAGE}
)

# Per rate: what its rows are, the two columns beside each row's issue, and the words for a row in
# and out of the numerator.
COLUMNS: dict[str, tuple[Any, Any, Any, Any, Any]] = {
    Source.RESPONSE: (_("主办交办记录"), _("交办时间"), _("签收时间"), _("次一工作日内签收"), _("未按时签收")),
    Source.ON_TIME: (_("期限在本期的问题"), _("办理期限"), _("办结时间"), _("按期办结"), _("未按期办结")),
    Source.RESOLUTION: (_("本期交办的问题"), _("交办时间"), _("当前状态"), _("已办结"), _("未办结")),
    Source.SATISFACTION: (_("本期回访"), _("回访时间"), _("评价"), _("满意或基本满意"), _("不满意")),
    Source.REOPEN: (_("本期办结的问题"), _("办结时间"), _("重办次数"), _("曾重办"), _("未重办")),
    Source.COVERAGE: (_("应走访的包联对象"), _("已走访/应走访次数"), _("最近走访"), _("已按要求走访"), _("未按要求走访")),
}  # fmt: skip


@dataclass
class DrillRow:
    failing: bool
    counted: bool  # in the numerator
    subject: str
    unit: str
    first: str
    second: str
    issue_pk: int | None = None
    number: str = ""


@dataclass
class Drill:
    source: str
    numerator: int
    denominator: int
    rows: list[DrillRow] = field(default_factory=list)  # the page asked for, or every row
    total: int = 0

    @property
    def failing(self) -> int:
        return self.numerator if self.source in BAD_NUMERATOR else self.denominator - self.numerator

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _day(day: date | None) -> str:
    return day.isoformat() if day else "—"


def _issue_row(source: str, row: Any, counted: bool) -> DrillRow:
    issue = row if source in (Source.ON_TIME, Source.RESOLUTION, Source.REOPEN) else row.issue
    department = row.department if source == Source.RESPONSE else issue.lead_department
    if source == Source.RESPONSE:
        first, second = (
            _when(row.dispatched_at),
            _when(row.accepted_at) if row.accepted_at else str(_("未签收")),
        )
    elif source == Source.ON_TIME:
        first, second = (
            _day(issue.due_date),
            _when(issue.resolved_at) if issue.resolved_at else str(_("未办结")),
        )
    elif source == Source.RESOLUTION:
        first, second = _when(issue.dispatched_at), issue.get_status_display()
    elif source == Source.SATISFACTION:
        rating = (row.changes or {}).get("rating", "")
        first, second = _when(row.at), str(dict(Rating.choices).get(rating, rating or "—"))
    else:
        first, second = _when(issue.resolved_at), str(issue.reopen_count)
    return DrillRow(
        failing=counted if source in BAD_NUMERATOR else not counted, counted=counted, subject=issue.title,
        unit=department.name if department else "—", first=first, second=second, issue_pk=issue.pk,
        number=issue.number,
    )  # fmt: skip


def counted_rows(source: str, league: str, unit: Any, start: date, end: date) -> QuerySet[Any] | None:
    """The rows of an issue rate for one unit, each marked `counted` (in the numerator), failing
    first, the oldest first within each; None when the period has no working-day calendar."""
    made = COUNTED_ROWS[source](start, end)
    if made is None:
        return None
    rows = made.of_unit(league, unit).annotate(
        counted=Case(When(made.passed, then=Value(True)), default=Value(False), output_field=BooleanField())
    )
    moments: dict[str, str] = {
        Source.RESPONSE: "dispatched_at", Source.ON_TIME: "due_date", Source.RESOLUTION: "dispatched_at",
        Source.SATISFACTION: "at", Source.REOPEN: "resolved_at",
    }  # fmt: skip
    moment = moments[source]
    failing_first = "-counted" if source in BAD_NUMERATOR else "counted"
    if source == Source.RESPONSE:
        rows = rows.select_related("issue", "department")
    elif source == Source.SATISFACTION:
        rows = rows.select_related("issue", "issue__lead_department")
    else:
        rows = rows.select_related("lead_department")
    return rows.order_by(failing_first, moment, "pk")


def coverage_rows(league: str, unit: Any, start: date, end: date) -> list[PairingCoverage]:
    """The pairings a unit's visit coverage counts (those due in the period), unmet first."""
    pairings = Pairing.objects.all()
    key: Callable[[Pairing], tuple[object, str] | None]
    if league == League.DEPARTMENT:
        pairings, key = pairings.filter(department_id=unit), by_department
    else:
        street = Region.objects.filter(pk=unit).values_list("path", flat=True).first() or "-"
        pairings, key = (
            pairings.filter(target__region__path__startswith=street[:STREET_PATH_LENGTH]),
            street_finder(),
        )
    results = [
        r
        for r in coverage(pairings, start=start, end=end, today=timezone.localdate())
        if r.counted and (key(r.pairing) or (None,))[0] == unit
    ]
    return sorted(results, key=lambda r: (r.fulfilled, r.last_visit or date.min, r.pairing.target.name))


def _coverage_row(result: PairingCoverage) -> DrillRow:
    return DrillRow(
        failing=not result.fulfilled, counted=result.fulfilled, subject=result.pairing.target.name,
        unit=result.pairing.holder_name, first=f"{len(result.met)}/{len(result.due)}",
        second=_day(result.last_visit) if result.last_visit else str(_("从未走访")),
    )  # fmt: skip


def drill(
    source: str, league: str, unit: Any, start: date, end: date, *, offset: int = 0, limit: int | None = None
) -> Drill | None:
    """One unit's rate and the rows behind it (rows[offset:offset + limit], every row when no limit)."""
    if source == Source.COVERAGE:
        results = coverage_rows(league, unit, start, end)
        met = sum(r.fulfilled for r in results)
        chosen = results[offset : offset + limit] if limit is not None else results[offset:]
        return Drill(source, met, len(results), [_coverage_row(r) for r in chosen], total=len(results))
    rows = counted_rows(source, league, unit, start, end)
    if rows is None:
        return None
    totals = rows.order_by().aggregate(den=Count("pk"), num=Count("pk", filter=Q(counted=True)))
    chosen_rows = rows[offset : offset + limit] if limit is not None else rows[offset:]
    return Drill(
        source, totals["num"], totals["den"], [_issue_row(source, r, r.counted) for r in chosen_rows],
        total=totals["den"],
    )  # fmt: skip
