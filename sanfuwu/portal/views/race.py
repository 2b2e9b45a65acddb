"""赛马: the ranking of both leagues, the dashboard and the review meetings."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanfuwu.coordination.selectors import coordinations_open
from sanfuwu.core.periods import SPANS, previous_span, week_bounds, week_name
from sanfuwu.core.routing import reads_from_replica
from sanfuwu.issues.models import Assignment, Issue, StatusGroup
from sanfuwu.issues.selectors import issues_visible_to
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.roles import BULLETIN_READERS, DASHBOARD_READERS, MEETING_CHAIRS
from sanfuwu.people.scope import scope_of
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.reports.bulletin import bulletin_document
from sanfuwu.reports.figures import bulletin_figures
from sanfuwu.reports.maps import map_open_by_grid, map_per_enterprises
from sanfuwu.scoring.dashboard import Slice, dashboard_data, region_filter
from sanfuwu.scoring.drill import BAD_NUMERATOR, DRILLABLE, drill
from sanfuwu.scoring.drill import COLUMNS as DRILL_COLUMNS
from sanfuwu.scoring.measures import league_units
from sanfuwu.scoring.models import Indicator, League, ReviewScore, Source
from sanfuwu.scoring.periods import race_period
from sanfuwu.scoring.ranking import Scored
from sanfuwu.scoring.selectors import meeting_get_for, meetings_visible_to
from sanfuwu.scoring.services import review_meeting_close, review_scores_submit
from sanfuwu.scoring.standings import Board, format_value, league_board, review_results_table
from sanfuwu.visits.selectors import pairings_visible_to

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def period_of(request: HttpRequest) -> tuple[str, str, date, date]:
    return race_period(request.GET)


def _unit_query(person: Person, league: str, unit: Any) -> dict[str, Any] | None:
    """The unit as a list's filter, when the reader may look behind its numbers; None otherwise."""
    scope = scope_of(person)
    if league == League.TERRITORY:
        return {"region": unit} if scope.covers(Region.objects.filter(pk=unit).first()) else None
    return {"department": unit} if scope.everything or person.department_id == unit else None


def _drill(
    unit_query: dict[str, Any] | None, indicator: Indicator, unit: Any, board: Board, span: str
) -> str | None:
    """Where the number comes from, when the reader may look (`unit_query`): the rows a rate
    counts, the issues behind a density, the review meeting behind its result."""
    if unit_query is None:
        return None
    if indicator.source in DRILLABLE:
        query = {"indicator": indicator.pk, "unit": unit, "month": f"{board.start:%Y-%m}", "span": span}
        return f"{reverse('race:drill')}?{urlencode(query)}"
    if indicator.source == Source.REVIEW and indicator.meeting_id:
        return reverse("race:review", args=[indicator.meeting_id])
    if indicator.source == Source.DENSITY:
        query = {
            **unit_query,
            "date_from": board.start.isoformat(),
            "date_to": board.end.isoformat(),
            "live": "on",
        }
        return f"{reverse('issues:list')}?{urlencode(query)}"
    return None


def _fraction(indicator: Indicator, scored: Scored) -> str:
    """What a rate was counted from (16/17), beside it; nothing for other kinds of value."""
    if indicator.source not in DRILLABLE or not scored.denominator:
        return ""  # no case at all: the value is a dash, and 0/0 would say nothing more
    return f"{scored.numerator or 0:.0f}/{scored.denominator:.0f}"


def _rows(person: Person, board: Board, span: str) -> list[dict[str, Any]]:
    rows = []
    for standing in board.standings:
        cells = []
        unit_query = _unit_query(person, board.league, standing.unit)
        for indicator in board.indicators:
            scored: Scored = standing.scores[indicator.pk]
            cells.append({
                "text": format_value(indicator, scored.value), "insufficient": scored.insufficient,
                "completion": None if scored.completion is None else f"{scored.completion * 100:.0f}%",
                "cases": scored.cases, "fraction": _fraction(indicator, scored),
                "link": _drill(unit_query, indicator, standing.unit, board, span),
                "inline": indicator.source in DRILLABLE,
            })  # fmt: skip
        rows.append({"standing": standing, "name": board.name(standing.unit), "cells": cells})
    return rows


DRILL_PAGE = 100


@login_required
@reads_from_replica()
def drill_down(request: HttpRequest) -> HttpResponse:
    """The rows behind one unit's rate (穿透), failing first; within the reader's scope only."""
    person = person_of(request)
    span, month, start, end = period_of(request)
    raw_indicator, raw_unit = request.GET.get("indicator", ""), request.GET.get("unit", "")
    indicator = (
        Indicator.objects.filter(pk=int(raw_indicator), source__in=DRILLABLE).first()
        if raw_indicator.isdigit()
        else None
    )
    if indicator is None or not raw_unit.isdigit():
        raise Http404("没有找到该指标")
    unit = int(raw_unit)
    units = league_units(indicator.league)
    if unit not in units or _unit_query(person, indicator.league, unit) is None:
        raise Http404("没有找到该单位，或您无权查看其明细")
    raw_page = request.GET.get("page", "1")
    page = max(int(raw_page), 1) if raw_page.isdigit() else 1
    found = drill(
        indicator.source, indicator.league, unit, start, end, offset=(page - 1) * DRILL_PAGE, limit=DRILL_PAGE
    )
    if found is None:
        raise Http404("该期间的工作日历尚未设置，无法计算")
    what, first, second, counted, missed = DRILL_COLUMNS[indicator.source]
    pages = max((found.total + DRILL_PAGE - 1) // DRILL_PAGE, 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "indicator": indicator, "unit_name": units[unit], "drill": found, "start": start, "end": end,
        "span": span, "month": month, "league": indicator.league, "page": page, "pages": pages, "query": query.urlencode(),
        "what": what, "first": first, "second": second, "counted": counted, "missed": missed,
        "rate": format_value(indicator, found.rate), "offset": (page - 1) * DRILL_PAGE,
        "coverage": indicator.source == Source.COVERAGE, "bad_numerator": indicator.source in BAD_NUMERATOR,
    }  # fmt: skip
    template = "race/_drill.html" if request.htmx else "race/drill.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@reads_from_replica()
def ranking(request: HttpRequest) -> HttpResponse:
    """赛马排名: open to everyone; the drill-downs follow each reader's scope."""
    person = person_of(request)
    span, month, start, end = period_of(request)
    league = request.GET.get("league") or (League.DEPARTMENT if person.department_id else League.TERRITORY)
    if league not in League.values:
        league = League.TERRITORY
    board = league_board(league, start, end, previous=previous_span(span, start))
    context = {
        "board": board, "rows": _rows(person, board, span), "league": league, "leagues": League.choices,
        "span": span, "spans": SPANS.items(), "month": month, "start": start,
        "red": [(s, board.name(s.unit)) for s in board.red], "black": [(s, board.name(s.unit)) for s in board.black],
    }  # fmt: skip
    return render(request, "race/ranking.html", context)


def _slice(person: Person, region: Region | None) -> Slice | None:
    """What the reader's dashboard counts, in the roll-ups' terms, when it can be said so."""
    scope = scope_of(person)
    if person.department_id and not scope.everything:
        return Slice(department=person.department_id)
    if region is not None:
        return Slice(street=region.pk)
    if scope.everything or (scope.region is not None and scope.region.kind == RegionKind.DISTRICT):
        return Slice()
    if scope.region is not None and scope.region.kind in (RegionKind.STREET, RegionKind.PARK):
        return Slice(street=scope.region.pk)
    return None


@roles_required(*DASHBOARD_READERS)
@reads_from_replica()
def dashboard(request: HttpRequest) -> HttpResponse:
    """数据驾驶舱 for leaders; a department head sees the same for their department."""
    person = person_of(request)
    span, month, start, end = period_of(request)
    scope = scope_of(person)
    regions = (
        scope.regions().filter(kind__in=[RegionKind.STREET, RegionKind.PARK], active=True).order_by("path")
    )
    raw_region = request.GET.get("region", "")
    region = regions.filter(pk=int(raw_region)).first() if raw_region.isdigit() else None
    issues, pairings = region_filter(issues_visible_to(person), pairings_visible_to(person), region)
    own_department = person.department if person.department_id and not scope.everything else None
    if own_department is not None:
        issues = _led_by(person, own_department.pk)
        pairings = pairings.filter(department_id=own_department.pk)
    data = dashboard_data(issues, pairings, start, end, slice_=_slice(person, region))
    data["links"] = _chart_links(data, span, start, end, region, own_department)
    leagues = [League.DEPARTMENT] if own_department is not None else [League.TERRITORY, League.DEPARTMENT]
    boards = [league_board(league, start, end, previous=previous_span(span, start)) for league in leagues]
    context = {
        "data": data, "boards": [(b, [(s, b.name(s.unit)) for s in b.standings]) for b in boards],
        "span": span, "spans": SPANS.items(), "month": month, "start": start, "end": end,
        "last_week": week_name(week_bounds(None, timezone.localdate())[0]),
        "regions": regions if own_department is None else [], "region": region,
        "own_department": own_department, "lists": _total_lists(start, end, region, own_department),
        "counted_at": data["counted_at"] and datetime.fromisoformat(data["counted_at"]),
        "coordinations": coordinations_open(person),
    }  # fmt: skip
    if own_department is None:
        context["map_grids"] = map_open_by_grid(person, issues, timezone.localdate())
        context["map_firms"] = map_per_enterprises(person, issues, start, end)
    return render(request, "race/dashboard.html", context)


def _led_by(person: Person, department: int) -> QuerySet[Issue]:
    """What a department head's dashboard counts: the issues their department leads, of those they
    see (issues_visible_to: handed to the department, or in their own region). Asked as a check per
    issue rather than as the list of every issue ever handed over, which on a large district SQLite
    would gather first (60,000 ids for one department of a million issues, 200 ms a count)."""
    handed = Assignment.objects.filter(issue_id=OuterRef("pk"), department_id=department)
    visible = Q(Exists(handed))
    scope = scope_of(person)
    if person.region_id and scope.region is not None:
        visible |= Q(region_id__in=scope.region_ids())
    return Issue.objects.filter(visible, lead_department_id=department)


def _unit_filter(region: Region | None, department: Any) -> dict[str, Any]:
    return {key: value.pk for key, value in (("region", region), ("department", department)) if value}


def _issue_list(query: dict[str, Any]) -> str:
    return f"{reverse('issues:list')}?{urlencode(query)}"


def _total_lists(start: date, end: date, region: Region | None, department: Any) -> dict[str, str]:
    """The issue list behind each of the dashboard's totals, filtered as the total counts."""
    unit = _unit_filter(region, department)
    period = {**unit, "date_from": start.isoformat(), "date_to": end.isoformat(), "live": "on"}
    queries: dict[str, dict[str, Any]] = {
        "registered": period,
        "resolved": {**period, "group": StatusGroup.DONE.value},
        "overdue": {**unit, "group": StatusGroup.OVERDUE.value},
        "supervised": {**unit, "group": StatusGroup.SUPERVISED.value},
    }
    return {key: _issue_list(query) for key, query in queries.items()}


def _chart_links(
    data: dict[str, Any], span: str, start: date, end: date, region: Region | None, department: Any
) -> dict[str, Any]:
    """For every bar and point of the charts, the list behind it (the issue list with the filters
    that count it, or the grid's coverage), so that a click opens what the figure counts."""
    unit = _unit_filter(region, department)
    months = [date.fromisoformat(m) for m in data["month_starts"]]
    ranges = [
        {"date_from": m.isoformat(), "date_to": (_month_after(m) - timedelta(days=1)).isoformat()}
        for m in months
    ]
    period = {"date_from": start.isoformat(), "date_to": end.isoformat()}

    def per_month(**extra: Any) -> list[str]:
        return [_issue_list({**unit, **r, "live": "on", **extra}) for r in ranges]

    # The coverage page narrows to a region above the grids: the grid's own community or street.
    coverage_base = {"month": f"{start:%Y-%m}", "span": span, "level": "grid"}
    parents = dict(Region.objects.filter(pk__in=data["coverage"]["ids"]).values_list("pk", "parent_id"))
    departments = data["departments"]["ids"]

    def late(group: StatusGroup) -> list[str]:
        return [_issue_list({**unit, "department": pk, "group": group.value}) for pk in departments]

    coverage = reverse("visits:coverage")
    return {
        "sources": [per_month(source=s["key"]) for s in data["sources"]],
        "tiers": [per_month(tier=t["key"]) for t in data["tiers"]],
        "categories": [
            _issue_list({**unit, **period, "live": "on", "category": c["id"]}) for c in data["categories"]
        ],
        "overdue": late(StatusGroup.OVERDUE),
        "supervised": late(StatusGroup.SUPERVISED),
        "satisfaction": per_month(basis="rated"),
        "coverage": [
            f"{coverage}?{urlencode({**coverage_base, 'region': parents.get(pk) or ''})}"
            for pk in data["coverage"]["ids"]
        ],
    }


def _month_after(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


@login_required
@reads_from_replica()
def reviews(request: HttpRequest) -> HttpResponse:
    return render(request, "race/reviews.html", {"meetings": meetings_visible_to(person_of(request))})


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    meeting = meeting_get_for(person, pk)
    units = league_units(meeting.league)
    criteria = list(meeting.criteria.all())
    is_evaluator = meeting.evaluators.filter(pk=person.pk).exists()
    unit_field = "department_id" if meeting.league == League.DEPARTMENT else "region_id"
    errors: dict[str, list[str]] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        if not is_evaluator:
            raise Http404("没有找到该测评会议")
        raw = {(unit, c.pk): request.POST.get(f"score-{unit}-{c.pk}", "") for unit in units for c in criteria}
        typed = {f"score-{u}-{c}": v for (u, c), v in raw.items()}
        try:
            n = review_scores_submit(meeting=meeting, evaluator=person, raw=raw)
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(
                request, _("已保存 %(n)s 项评分。会议结束前，其他评分员看不到您的分数。") % {"n": n}
            )
            return redirect("race:review", pk=meeting.pk)
    mine = {f"score-{getattr(s, unit_field)}-{s.criterion_id}": str(s.score)
            for s in ReviewScore.objects.filter(criterion__meeting=meeting, evaluator=person)}  # fmt: skip
    grid = [
        (unit, name, [(c, f"score-{unit}-{c.pk}", typed.get(f"score-{unit}-{c.pk}", mine.get(f"score-{unit}-{c.pk}", "")),
                       errors.get(f"score-{unit}-{c.pk}")) for c in criteria])
        for unit, name in units.items()
    ]  # fmt: skip
    results = review_results_table(meeting)[1] if meeting.closed else []
    submitted = ReviewScore.objects.filter(criterion__meeting=meeting).values("evaluator").distinct().count()
    context = {
        "meeting": meeting, "criteria": criteria, "grid": grid, "is_evaluator": is_evaluator,
        "may_score": is_evaluator and not meeting.closed, "errors": errors.get("__all__", []),
        "results": results, "submitted": submitted, "evaluators": meeting.evaluators.count(),
        "may_close": not meeting.closed and (person.is_superuser or person.has_role(*MEETING_CHAIRS)),
    }  # fmt: skip
    return render(request, "race/review.html", context)


@require_POST
@roles_required(*MEETING_CHAIRS)
def review_close(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    meeting = meeting_get_for(person, pk)
    try:
        review_meeting_close(meeting=meeting, actor=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("测评已结束，结果已公布。"))
    return redirect("race:review", pk=meeting.pk)


@roles_required(*BULLETIN_READERS)
@reads_from_replica()
def bulletin(request: HttpRequest) -> FileResponse:
    """通报 for the chosen week (week=2025-W42) or period, for the reader's territory (or a street of
    it), as Word."""
    person = person_of(request)
    if "week" in request.GET:
        start, end = week_bounds(request.GET.get("week"), timezone.localdate())
        previous = (start - timedelta(days=7), end - timedelta(days=7))
    else:
        span, _month, start, end = period_of(request)
        previous = previous_span(span, start)
    scope = scope_of(person)
    raw_region = request.GET.get("region", "")
    unit = scope.regions().filter(pk=int(raw_region)).first() if raw_region.isdigit() else None
    if unit is None:
        unit = (
            scope.region if not scope.everything else Region.objects.filter(kind=RegionKind.DISTRICT).first()
        )
    if unit is None:
        raise Http404("没有可通报的区域")
    board = league_board(League.TERRITORY, start, end, previous=previous)
    data = bulletin_document(
        bulletin_figures(unit, start, end),
        board,
        issuer=f"{unit.name}“三服务”工作领导小组办公室",
    )
    label = week_name(start) if "week" in request.GET else f"{start:%Y%m}"
    name = f"{unit.name}三服务工作通报-{label}.docx"
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=DOCX)
