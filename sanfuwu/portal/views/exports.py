"""Excel exports of the lists, with the list's own filters and the reader's scope, written row by row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.core.periods import month_bounds, previous_span
from sanfuwu.core.xlsx import xlsx_response
from sanfuwu.issues.selectors import issues_visible_to
from sanfuwu.portal.access import person_of
from sanfuwu.portal.views.issues import IssueFilterForm, filter_issues
from sanfuwu.portal.views.race import format_value, period_of
from sanfuwu.scoring.models import League
from sanfuwu.scoring.standings import league_board
from sanfuwu.visits.selectors import pairings_visible_to, visits_visible_to


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@login_required
def issue_export(request: HttpRequest) -> FileResponse:
    person = person_of(request)
    form = IssueFilterForm(request.GET or None, actor=person)
    form.is_valid()
    qs = filter_issues(issues_visible_to(person), getattr(form, "cleaned_data", {})).order_by(
        "-registered_at", "-id"
    )

    def rows() -> Iterator[list[object]]:
        for i in qs.select_related("target").iterator(chunk_size=2000):
            yield [
                i.number, i.title, i.get_source_display(), i.category.name, i.get_tier_display(), i.region.name,
                i.target.name if i.target else "", i.lead_department.name if i.lead_department else "",
                i.get_status_display(), i.due_date.isoformat() if i.due_date else "", _when(i.registered_at),
                _when(i.resolved_at), i.get_rating_display(), _("是") if i.supervised else "", i.description,
            ]  # fmt: skip

    header = ["编号", "标题", "来源", "分类", "办理类型", "所属区域", "联系对象", "主办部门", "状态", "办理期限",
              "登记时间", "办结时间", "回访评价", "督办", "问题描述"]  # fmt: skip
    return xlsx_response(filename=f"问题诉求-{_stamp()}.xlsx", sheet_title="问题诉求", header=[_(h) for h in header],
                         rows=rows(), widths=[16, 36, 8, 12, 8, 16, 30, 14, 8, 12, 17, 17, 8, 6, 60])  # fmt: skip


@login_required
def visit_export(request: HttpRequest) -> FileResponse:
    person = person_of(request)
    start, end = month_bounds(request.GET.get("month"), timezone.localdate())
    tz = timezone.get_current_timezone()
    qs = visits_visible_to(person).filter(
        visited_at__gte=datetime.combine(start, time.min, tz),
        visited_at__lt=datetime.combine(end + timedelta(days=1), time.min, tz),
    )
    if request.GET.get("mine"):
        qs = qs.filter(Q(recorded_by=person) | Q(visitors=person)).distinct()
    qs = qs.prefetch_related("targets", "visitors", "departments", "policies", "issues").order_by(
        "visited_at", "id"
    )

    def rows() -> Iterator[list[object]]:
        for v in qs.iterator(chunk_size=500):
            yield [
                _when(v.visited_at), v.get_form_display(), "、".join(t.name for t in v.targets.all()), v.region.name,
                "、".join(p.name for p in v.visitors.all()), "、".join(d.name for d in v.departments.all()), v.place, v.met,
                v.notes, "、".join(p.title for p in v.policies.all()), "、".join(i.number for i in v.issues.all()),
                _("有") if v.report else "",
            ]  # fmt: skip

    header = ["走访时间", "走访形式", "走访对象", "所属区域", "走访人员", "随行部门", "地点", "接待人员", "走访情况",
              "宣讲政策", "反映问题编号", "调研报告"]  # fmt: skip
    return xlsx_response(filename=f"走访记录-{start:%Y%m}.xlsx", sheet_title="走访记录", header=[_(h) for h in header],
                         rows=rows(), widths=[17, 8, 36, 16, 16, 16, 24, 16, 60, 30, 30, 8])  # fmt: skip


@login_required
def pairing_export(request: HttpRequest) -> FileResponse:
    qs = pairings_visible_to(person_of(request)).order_by("target__grid__name", "target__name", "id")

    def rows() -> Iterator[list[object]]:
        for p in qs.iterator(chunk_size=2000):
            yield [
                p.target.name, p.target.credit_code or "", p.target.grid.name if p.target.grid else "",
                p.person.name if p.person else "", p.person.username if p.person else "",
                p.department.name if p.department else "", p.get_frequency_display(), p.starts_on.isoformat(),
                p.ends_on.isoformat() if p.ends_on else "",
            ]  # fmt: skip

    header = [
        "联系对象",
        "统一社会信用代码",
        "网格",
        "包联人",
        "包联人账号",
        "包联部门",
        "走访频次",
        "开始日期",
        "结束日期",
    ]
    return xlsx_response(filename=f"包联关系-{_stamp()}.xlsx", sheet_title="包联关系", header=[_(h) for h in header],
                         rows=rows(), widths=[36, 22, 18, 10, 14, 14, 10, 12, 12])  # fmt: skip


@login_required
def ranking_export(request: HttpRequest) -> FileResponse:
    span, _month, start, end = period_of(request)
    league = request.GET.get("league") or League.TERRITORY
    if league not in League.values:
        league = League.TERRITORY
    board = league_board(league, start, end, previous=previous_span(span, start))

    def rows() -> Iterator[list[object]]:
        for s in board.standings:
            cells: list[object] = [s.rank or "—", s.movement if s.movement is not None else "—", board.name(s.unit),
                                   "—" if s.index is None else f"{s.index:.2f}"]  # fmt: skip
            for indicator in board.indicators:
                scored = s.scores[indicator.pk]
                cells.append(_("样本不足") if scored.insufficient else format_value(indicator, scored.value))
                cells.append("" if scored.completion is None else f"{scored.completion * 100:.1f}%")
            yield cells

    header = [_("排名"), _("名次变化"), _("单位"), _("指数")]
    for indicator in board.indicators:
        header += [indicator.name, f"{indicator.name}{_('完成度')}"]
    title = _("赛马排名")
    return xlsx_response(
        filename=f"{title}-{league}-{start:%Y%m}-{end:%Y%m}.xlsx",
        sheet_title=title,
        header=header,
        rows=rows(),
    )
