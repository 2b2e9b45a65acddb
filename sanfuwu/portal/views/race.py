"""赛马: the ranking of both leagues, the dashboard and the review meetings."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanfuwu.core.periods import SPANS, previous_span, week_bounds, week_name
from sanfuwu.issues.models import StatusGroup
from sanfuwu.issues.selectors import issues_visible_to
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.roles import BULLETIN_READERS, DASHBOARD_READERS, MEETING_CHAIRS
from sanfuwu.people.scope import scope_of
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.reports.bulletin import bulletin_document
from sanfuwu.reports.figures import bulletin_figures
from sanfuwu.scoring.dashboard import dashboard_data, region_filter
from sanfuwu.scoring.measures import league_units
from sanfuwu.scoring.models import Indicator, League, ReviewScore, Source
from sanfuwu.scoring.periods import race_period
from sanfuwu.scoring.ranking import Scored
from sanfuwu.scoring.selectors import meeting_get_for, meetings_visible_to
from sanfuwu.scoring.services import review_meeting_close, review_scores_submit
from sanfuwu.scoring.standings import Board, format_value, league_board, review_results_table
from sanfuwu.visits.selectors import pairings_visible_to

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RATE_SOURCES = {
    Source.RESPONSE,
    Source.ON_TIME,
    Source.RESOLUTION,
    Source.SATISFACTION,
    Source.REOPEN,
    Source.COVERAGE,
}


def period_of(request: HttpRequest) -> tuple[str, str, date, date]:
    return race_period(request.GET)


# The date each rate counts its issues by, so that the list behind a number is its denominator.
DRILL_BASIS: dict[str, str] = {
    Source.RESPONSE: "dispatched", Source.RESOLUTION: "dispatched", Source.ON_TIME: "due",
    Source.REOPEN: "resolved", Source.SATISFACTION: "resolved",
}  # fmt: skip


def _drill(person: Person, indicator: Indicator, league: str, unit: Any, board: Board) -> str | None:
    """Where the number comes from, when the reader may look: the issues or the coverage behind it."""
    scope = scope_of(person)
    if league == League.TERRITORY:
        if not scope.covers(Region.objects.filter(pk=unit).first()):
            return None
        unit_query = {"region": unit}
    else:
        if not (scope.everything or person.department_id == unit):
            return None
        unit_query = {"department": unit}
    if indicator.source == Source.COVERAGE:
        months = (board.end.year - board.start.year) * 12 + board.end.month - board.start.month + 1
        query = {"month": f"{board.start:%Y-%m}", "span": {1: "month", 3: "quarter"}.get(months, "year")}
        query["level"] = "street" if league == League.TERRITORY else "department"
        if league == League.TERRITORY:
            query["region"] = unit
        return f"{reverse('visits:coverage')}?{urlencode(query)}"
    if indicator.source == Source.REVIEW and indicator.meeting_id:
        return reverse("race:review", args=[indicator.meeting_id])
    if indicator.source in RATE_SOURCES or indicator.source == Source.DENSITY:
        query = {**unit_query, "date_from": board.start.isoformat(), "date_to": board.end.isoformat()}
        if DRILL_BASIS.get(indicator.source):
            query["basis"] = DRILL_BASIS[indicator.source]
        return f"{reverse('issues:list')}?{urlencode(query)}"
    return None


def _rows(person: Person, board: Board) -> list[dict[str, Any]]:
    rows = []
    for standing in board.standings:
        cells = []
        for indicator in board.indicators:
            scored: Scored = standing.scores[indicator.pk]
            cells.append({
                "text": format_value(indicator, scored.value), "insufficient": scored.insufficient,
                "completion": None if scored.completion is None else f"{scored.completion * 100:.0f}%",
                "cases": scored.cases, "link": _drill(person, indicator, board.league, standing.unit, board),
            })  # fmt: skip
        rows.append({"standing": standing, "name": board.name(standing.unit), "cells": cells})
    return rows


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """赛马排名: open to everyone; the drill-downs follow each reader's scope."""
    person = person_of(request)
    span, month, start, end = period_of(request)
    league = request.GET.get("league") or (League.DEPARTMENT if person.department_id else League.TERRITORY)
    if league not in League.values:
        league = League.TERRITORY
    board = league_board(league, start, end, previous=previous_span(span, start))
    context = {
        "board": board, "rows": _rows(person, board), "league": league, "leagues": League.choices,
        "span": span, "spans": SPANS.items(), "month": month, "start": start,
        "red": [(s, board.name(s.unit)) for s in board.red], "black": [(s, board.name(s.unit)) for s in board.black],
    }  # fmt: skip
    return render(request, "race/ranking.html", context)


@roles_required(*DASHBOARD_READERS)
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
    if person.department_id and not scope.everything:
        issues = issues.filter(lead_department_id=person.department_id)
        pairings = pairings.filter(department_id=person.department_id)
    data = dashboard_data(issues, pairings, start, end)
    own_department = person.department if person.department_id and not scope.everything else None
    leagues = (
        [League.DEPARTMENT]
        if person.department_id and not scope.everything
        else [League.TERRITORY, League.DEPARTMENT]
    )
    boards = [league_board(league, start, end, previous=previous_span(span, start)) for league in leagues]
    context = {
        "data": data, "boards": [(b, [(s, b.name(s.unit)) for s in b.standings]) for b in boards],
        "span": span, "spans": SPANS.items(), "month": month, "start": start, "end": end,
        "last_week": week_name(week_bounds(None, timezone.localdate())[0]),
        "regions": regions if not person.department_id or scope.everything else [], "region": region,
        "own_department": own_department, "lists": _total_lists(start, end, region, own_department),
    }  # fmt: skip
    return render(request, "race/dashboard.html", context)


def _total_lists(start: date, end: date, region: Region | None, department: Any) -> dict[str, str]:
    """The issue list behind each of the dashboard's totals, filtered as the total counts."""
    unit = {key: value.pk for key, value in (("region", region), ("department", department)) if value}
    period = {**unit, "date_from": start.isoformat(), "date_to": end.isoformat()}
    queries: dict[str, dict[str, Any]] = {
        "registered": period,
        "resolved": {**period, "group": StatusGroup.DONE.value},
        "overdue": {**unit, "group": StatusGroup.OVERDUE.value},
        "supervised": {**unit, "group": StatusGroup.SUPERVISED.value},
    }
    return {key: f"{reverse('issues:list')}?{urlencode(query)}" for key, query in queries.items()}


@login_required
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
