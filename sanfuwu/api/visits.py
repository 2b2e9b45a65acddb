"""Visits, pairings, coverage and rankings over the API, within the token's person's scope. Visits
and pairings as typed rows in keyset pages; coverage and rankings as the tables their Excel
exports write, from the same code, so that a number here is the number in the file."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from sanfuwu.api.auth import caller
from sanfuwu.api.errors import REFUSALS, ApiError
from sanfuwu.api.issues import MAX_ID, MAX_LIMIT, _named
from sanfuwu.api.keyset import before_cursor, cursor_of
from sanfuwu.api.schemas import Named
from sanfuwu.core.periods import day_start
from sanfuwu.portal.exporting import coverage_export, ranking_export
from sanfuwu.visits.selectors import pairings_visible_to, visits_visible_to

router = Router(tags=["visits"])


class VisitOut(Schema):
    id: int
    number: str
    visited_at: datetime
    form: str
    region: Named
    targets: list[Named]
    departments: list[str]
    visitors: list[str]
    policies: list[str]
    issues: int


class VisitPage(Schema):
    items: list[VisitOut]
    next: str | None


class PairingOut(Schema):
    id: int
    target: Named
    holder: str
    frequency: str
    starts_on: date
    ends_on: date | None


class PairingPage(Schema):
    items: list[PairingOut]
    next: str | None


class Sheet(Schema):
    title: str
    columns: list[str]
    rows: list[list[str]]


class Table(Schema):
    sheets: list[Sheet]


def _day(raw: str, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, _("日期有误。"), {name: [_("请按 2026-03-01 的格式填写。")]}) from None


@router.get("/visits", response={200: VisitPage, **REFUSALS}, summary="走访记录")
def visit_list(
    request: HttpRequest, after: str = "", limit: int = Query(25, ge=1, le=MAX_LIMIT), date_from: str = "",
    date_to: str = "",
) -> Any:  # fmt: skip
    """The visits the token's person may see, the latest first; `next` is the `after` of the next page."""
    person = caller(request)
    qs = (
        visits_visible_to(person)
        .prefetch_related("targets", "departments", "visitors", "policies")
        .annotate(issue_count=Count("issues"))
    )
    start, end = _day(date_from, "date_from"), _day(date_to, "date_to")
    if start:
        qs = qs.filter(visited_at__gte=day_start(start))
    if end:
        qs = qs.filter(visited_at__lt=day_start(end + timedelta(days=1)))
    qs = qs.order_by("-visited_at", "-pk")
    if after:
        qs = qs.filter(before_cursor("visited_at", after))
    rows = list(qs[: limit + 1])
    items = [
        {"id": v.pk, "number": v.number, "visited_at": v.visited_at, "form": v.form, "region": _named(v.region),
         "targets": [_named(t) for t in v.targets.all()], "departments": [d.name for d in v.departments.all()],
         "visitors": [p.name for p in v.visitors.all()], "policies": [p.title for p in v.policies.all()],
         "issues": v.issue_count}
        for v in rows[:limit]
    ]  # fmt: skip
    cursor = cursor_of(rows[limit - 1].visited_at, rows[limit - 1].pk) if len(rows) > limit else None
    return {"items": items, "next": cursor}


@router.get("/pairings", response={200: PairingPage, **REFUSALS}, summary="包联关系")
def pairing_list(
    request: HttpRequest, after: int = Query(0, ge=0, le=MAX_ID), limit: int = Query(25, ge=1, le=MAX_LIMIT)
) -> Any:
    """The pairings the token's person may see, by id; `next` is the `after` of the next page."""
    person = caller(request)
    rows = list(pairings_visible_to(person).filter(pk__gt=after).order_by("pk")[: limit + 1])
    items = [
        {"id": p.pk, "target": _named(p.target), "holder": p.holder_name, "frequency": p.frequency,
         "starts_on": p.starts_on, "ends_on": p.ends_on}
        for p in rows[:limit]
    ]  # fmt: skip
    return {"items": items, "next": str(rows[limit - 1].pk) if len(rows) > limit else None}


def _table(export: Any) -> dict[str, Any]:
    return {"sheets": [{"title": s.title, "columns": [str(c) for c in s.header],
                        "rows": [[str(v) for v in row] for row in s.rows]} for s in export.sheets]}  # fmt: skip


def _params(request: HttpRequest, names: tuple[str, ...]) -> QueryDict:
    params = QueryDict(mutable=True)
    for name in names:
        value = request.GET.get(name) or ""
        if value:
            params[name] = value
    return params


@router.get("/coverage", response={200: Table, **REFUSALS}, summary="走访覆盖")
def coverage(request: HttpRequest, span: str = "", month: str = "", level: str = "", region: str = "") -> Any:
    """Pairings' visit coverage as the coverage page and its export count it (`span` month / quarter /
    year, `month` 2026-11, `level` street / community / grid, `region` an id)."""
    person = caller(request)
    try:
        return _table(coverage_export(person, _params(request, ("span", "month", "level", "region"))))
    except ValueError:
        raise ApiError(400, _("期间有误。"), {"month": [_("请按 2026-03 的格式填写。")]}) from None


@router.get("/rankings", response={200: Table, **REFUSALS}, summary="赛马排名")
def rankings(request: HttpRequest, league: str = "", span: str = "", month: str = "") -> Any:
    """The horse race's standings as the ranking page and its export give them (`league` territory /
    department, `span` month / quarter / year, `month` 2026-11)."""
    person = caller(request)
    try:
        return _table(ranking_export(person, _params(request, ("league", "span", "month"))))
    except ValueError:
        raise ApiError(400, _("期间有误。"), {"month": [_("请按 2026-03 的格式填写。")]}) from None
