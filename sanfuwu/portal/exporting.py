"""What each list exports to Excel: its filters (the same query parameters as the page), the
reader's scope (the same access functions), and rows read in chunks and streamed.

The kinds that can be imported export the import's own columns, so that a list goes out, is
edited in Excel and comes back in. Files are in Chinese whatever the page's language: their
columns are the import's contract. Pages and `sanfuwu export` both build files from here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone, translation

from sanfuwu.core.periods import previous_span
from sanfuwu.core.xlsx import SheetSpec
from sanfuwu.imports import ledger, manual_values, pairings, people, targets, visits
from sanfuwu.imports.lookups import RegionNames
from sanfuwu.imports.workbook import Column
from sanfuwu.issues.filters import issue_rows_for
from sanfuwu.issues.models import Assignment, AssignmentState, Issue, IssueEvent, Status
from sanfuwu.issues.selectors import raiser_contact_for
from sanfuwu.people.filters import people_rows_for
from sanfuwu.people.models import Person, RoleGrant
from sanfuwu.people.scope import scope_of
from sanfuwu.scoring.models import League, ManualValue, ReviewScore, Source
from sanfuwu.scoring.periods import period_from
from sanfuwu.scoring.selectors import meeting_get_for
from sanfuwu.scoring.standings import format_value, league_board, review_results_table
from sanfuwu.targets.filters import target_rows_for
from sanfuwu.targets.models import Target
from sanfuwu.visits.overview import coverage_data
from sanfuwu.visits.selectors import pairing_rows_for, visit_rows_for, visit_span

CHUNK = 2000


@dataclass(frozen=True)
class Export:
    filename: str
    sheets: list[SheetSpec]


Builder = Callable[[Person, QueryDict], Export]


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _in_chinese(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    """Labels resolve while the file streams, after the view has returned: pin them to Chinese."""
    with translation.override("zh-hans"):
        yield from rows


def _sheet(title: str, columns: list[Any], rows: Iterator[list[str]], widths: list[int]) -> SheetSpec:
    header = [c.title if isinstance(c, Column) else str(c) for c in columns]
    return SheetSpec(title, header, _in_chinese(rows), widths)


def target_export(person: Person, params: QueryDict) -> Export:
    qs = target_rows_for(person, params)
    regions = RegionNames()
    rows = (targets.export_row(t, regions) for t in qs.iterator(chunk_size=CHUNK))
    return Export(f"联系对象-{_stamp()}.xlsx", [_sheet("联系对象", targets.COLUMNS, rows, targets.WIDTHS)])


def people_export(person: Person, params: QueryDict) -> Export:
    qs = people_rows_for(person, params).prefetch_related(
        Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role"))
    )
    regions = RegionNames()

    def rows() -> Iterator[list[str]]:
        for p in qs.iterator(chunk_size=CHUNK):
            # Person.roles is a cached query of its own; fill it from the prefetched grants instead.
            p.__dict__["roles"] = frozenset(g.role for g in p.role_grants.all())
            yield people.export_row(p, regions)

    return Export(f"人员-{_stamp()}.xlsx", [_sheet("人员", people.COLUMNS, rows(), people.WIDTHS)])


def pairing_export(person: Person, params: QueryDict) -> Export:
    qs = pairing_rows_for(person, params.get("q", "")).select_related("target__grid", "person", "department")
    regions = RegionNames()
    rows = (pairings.export_row(p, regions) for p in qs.iterator(chunk_size=CHUNK))
    return Export(f"包联关系-{_stamp()}.xlsx", [_sheet("包联关系", pairings.COLUMNS, rows, pairings.WIDTHS)])


def visit_export(person: Person, params: QueryDict) -> Export:
    span = visit_span(params)
    qs = (
        visit_rows_for(person, span, mine=bool(params.get("mine")))
        .prefetch_related("visit_targets__target", "visitors", "departments", "policies", "issues")
        .order_by("visited_at", "id")
    )
    regions = RegionNames()
    repeated = _repeated_target_names()
    rows = (visits.export_row(v, regions, repeated) for v in qs.iterator(chunk_size=500))
    label = "全部" if span is None else f"{span[0]:%Y%m}"
    return Export(f"走访记录-{label}.xlsx", [_sheet("走访记录", visits.COLUMNS, rows, visits.WIDTHS)])


def _repeated_target_names() -> set[str]:
    return set(
        Target.objects.values("name")
        .order_by()
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )


def _issue_chunks(qs: QuerySet[Issue]) -> Iterator[list[Issue]]:
    """Newest first, CHUNK at a time, by keyset: no OFFSET that grows with the page. Ties go by
    number, which an issue keeps wherever it is imported, so that the file's order does too.

    The rest of a chunk's last minute is read by itself, so that the next chunk's condition is a
    plain `registered_at <` that walks the (registered_at, id) index: an OR of the two makes the
    database sort what is left of the table for every chunk."""
    qs = qs.order_by("-registered_at", "-number")
    chunk = list(qs[:CHUNK])
    while chunk:
        yield chunk
        last = chunk[-1]
        ties = list(qs.filter(registered_at=last.registered_at, number__lt=last.number))
        if ties:
            yield ties
        chunk = list(qs.filter(registered_at__lt=last.registered_at)[:CHUNK])


def _issue_extras(chunk: list[Issue]) -> dict[int, dict[str, Any]]:
    """What the ledger's columns need from other tables, for a chunk of issues at once."""
    ids = [i.pk for i in chunk]
    extras: dict[int, dict[str, Any]] = defaultdict(dict)
    live = (AssignmentState.PENDING, AssignmentState.ACCEPTED)
    for a in (
        Assignment.objects.filter(issue_id__in=ids)
        .select_related("department")
        .order_by("dispatched_at", "id")
    ):
        entry = extras[a.issue_id]
        if a.is_lead and a.state == AssignmentState.RETURNED:
            entry["returned_by"], entry["return_reason"] = a.department, a.return_reason
        if not a.is_lead and a.state in live:
            entry.setdefault("co", []).append(a.department.name)
    for issue_id, at in (
        IssueEvent.objects.filter(issue_id__in=ids, action="rate").values("issue_id").annotate(at=Max("at"))
    ).values_list("issue_id", "at"):
        extras[issue_id]["rated_at"] = at
    return extras


def issue_export(person: Person, params: QueryDict) -> Export:
    qs = issue_rows_for(person, params).select_related("visit", "registered_by")
    regions = RegionNames()
    contact_of = raiser_contact_for(person)

    def rows() -> Iterator[list[str]]:
        for chunk in _issue_chunks(qs):
            extras = _issue_extras(chunk)
            for issue in chunk:
                extra = extras.get(issue.pk, {})
                if issue.status not in (Status.RETURNED, Status.VOID):
                    extra.pop("returned_by", None)
                contact = contact_of(issue)
                yield ledger.export_row(issue, extra, regions, (contact.name, contact.phone))

    return Export(f"问题诉求-{_stamp()}.xlsx", [_sheet("问题诉求", ledger.COLUMNS, rows(), ledger.WIDTHS)])


def manual_value_export(person: Person, params: QueryDict) -> Export:
    scope = scope_of(person)
    qs = ManualValue.objects.select_related("indicator", "region", "department").filter(
        indicator__source=Source.MANUAL
    )
    if not scope.everything:
        qs = qs.filter(region_id__in=scope.region_ids())
    indicator, year = params.get("indicator") or "", params.get("year") or ""
    if indicator.isdigit():
        qs = qs.filter(indicator_id=int(indicator))
    if year.isdigit():
        qs = qs.filter(month__year=int(year))
    qs = qs.order_by("indicator__league", "indicator__sort_order", "indicator_id", "month", "region__path",
                     "department__sort_order", "department_id")  # fmt: skip
    rows = (manual_values.export_row(v) for v in qs.iterator(chunk_size=CHUNK))
    return Export(
        f"手工指标值-{_stamp()}.xlsx",
        [_sheet("手工指标值", manual_values.COLUMNS, rows, manual_values.WIDTHS)],
    )


SUMMARY = ["应走访包联", "已达标", "覆盖率", "应走访次数", "已走访次数", "未覆盖"]
DETAILS = ["联系对象", "统一社会信用代码", "网格", "包联人/部门", "走访频次", "应走访次数", "已走访次数",
           "是否达标", "最近走访", "本期待走访截止"]  # fmt: skip


def coverage_export(person: Person, params: QueryDict) -> Export:
    data = coverage_data(person, params)
    percent = lambda r: "—" if r is None else f"{r * 100:.1f}%"  # noqa: E731
    summary = iter(
        [
            r.label,
            str(r.pairings),
            str(r.fulfilled),
            percent(r.rate),
            str(r.slots_due),
            str(r.slots_met),
            str(r.gaps),
        ]
        for r in data["rollups"]
    )
    regions = RegionNames()

    def details() -> Iterator[list[str]]:
        for r in sorted(data["results"], key=lambda r: (r.pairing.target.name, r.pairing.pk)):
            p = r.pairing
            yield [
                p.target.name, p.target.credit_code or "", regions.label(p.target.grid), p.holder_name,
                p.get_frequency_display(), str(len(r.due)), str(len(r.met)),
                ("达标" if r.fulfilled else "未达标") if r.counted else "不计",
                r.last_visit.isoformat() if r.last_visit else "", r.pending.end.isoformat() if r.pending else "",
            ]  # fmt: skip

    with translation.override("zh-hans"):
        level = str(data["level_label"])
    span = f"{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
    return Export(
        f"走访覆盖-{span}.xlsx",
        [
            _sheet(f"按{level}汇总", [level, *SUMMARY], summary, [24, 12, 10, 10, 12, 12, 10]),
            _sheet("包联明细", DETAILS, details(), [36, 22, 18, 14, 10, 12, 12, 10, 12, 14]),
        ],
    )


def ranking_export(person: Person, params: QueryDict) -> Export:
    span, start, end = period_from(params)
    league = params.get("league") or League.TERRITORY
    if league not in League.values:
        league = League.TERRITORY
    board = league_board(league, start, end, previous=previous_span(span, start))

    def rows() -> Iterator[list[str]]:
        for s in board.standings:
            cells = [str(s.rank or "—"), "—" if s.movement is None else str(s.movement), board.name(s.unit),
                     "—" if s.index is None else f"{s.index:.2f}"]  # fmt: skip
            for indicator in board.indicators:
                scored = s.scores[indicator.pk]
                cells.append("样本不足" if scored.insufficient else format_value(indicator, scored.value))
                cells.append("" if scored.completion is None else f"{scored.completion * 100:.1f}%")
            yield cells

    header = ["排名", "名次变化", "单位", "指数"]
    for indicator in board.indicators:
        header += [indicator.name, f"{indicator.name}完成度"]
    return Export(
        f"赛马排名-{league}-{start:%Y%m}-{end:%Y%m}.xlsx", [_sheet("赛马排名", header, rows(), [6, 8, 18, 8])]
    )


def review_export(person: Person, params: QueryDict) -> Export:
    """A closed review meeting: each unit's result and, sheet two, every evaluator's scores."""
    raw = params.get("meeting", "")
    meeting = meeting_get_for(person, int(raw)) if raw.isdigit() else None
    if meeting is None or not meeting.closed:
        raise Http404("测评结束后才能导出结果")
    criteria, results = review_results_table(meeting)
    unit_field = "department" if meeting.league == League.DEPARTMENT else "region"
    ranked = (
        [str(n), name, *["—" if v is None else f"{v:.2f}" for v in values],
         "—" if m is None or m.value is None else f"{m.value:.2f}", str(m.cases if m else 0)]
        for n, (name, values, m) in enumerate(results, start=1)
    )  # fmt: skip
    scores = (
        ReviewScore.objects.filter(criterion__meeting=meeting)
        .select_related("criterion", "evaluator", unit_field)
        .order_by(f"{unit_field}__name", "criterion__sort_order", "criterion_id", "evaluator__username")
    )
    details = (
        [getattr(s, unit_field).name, s.criterion.name, s.evaluator.name, s.evaluator.username, str(s.score)]
        for s in scores.iterator(chunk_size=CHUNK)
    )
    names = [c.name for c in criteria]
    return Export(
        f"测评结果-{meeting.name}-{meeting.held_on:%Y%m%d}.xlsx",
        [
            _sheet("测评结果", ["名次", "单位", *names, "测评得分", "评分人数"], iter(ranked), [6, 18]),
            _sheet(
                "评分明细", ["单位", "评分项", "评分员", "评分员账号", "得分"], details, [18, 16, 10, 14, 8]
            ),
        ],
    )


EXPORTS: dict[str, Builder] = {
    "targets": target_export,
    "people": people_export,
    "pairings": pairing_export,
    "visits": visit_export,
    "issues": issue_export,
    "manual_values": manual_value_export,
    "coverage": coverage_export,
    "ranking": ranking_export,
    "review": review_export,
}
