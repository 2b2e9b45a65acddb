"""The historic problem ledger (问题台账): one issue a row, with where it ended and when.

The issue list exports these same columns, so a district's issues go out and come back in. Each
row's history is written by sanfuwu.issues.ledger as the events the workflow would have written;
rows are checked and written in bulk, batch by batch, so that a 100,000-row ledger takes
minutes, not hours. An issue whose number is already known is skipped: a ledger imported twice
is imported once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.core.numbering import numbers_reserve
from sanfuwu.imports.cells import (
    CellProblem,
    choice_label,
    date_text,
    join_list,
    moment_text,
    parse_choice,
    parse_date,
    parse_moment,
)
from sanfuwu.imports.engine import Importer, Outcome, RowAction, RowReader, each
from sanfuwu.imports.lookups import People, RegionNames, Targets, categories, departments
from sanfuwu.imports.workbook import Column, Row
from sanfuwu.issues.history import History, histories_write
from sanfuwu.issues.ledger import LedgerActors, LedgerEntry, LedgerRefused, ledger_history, ledger_problems
from sanfuwu.issues.models import (
    ChecklistTemplateItem,
    Issue,
    IssueCounter,
    Rating,
    Source,
    Status,
    SupervisionLevel,
    Tier,
)
from sanfuwu.issues.rules import Actor
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.people.selectors import people_visible_to
from sanfuwu.targets.selectors import targets_visible_to
from sanfuwu.triage.intake import issues_index
from sanfuwu.visits.models import Visit
from sanfuwu.visits.selectors import visits_visible_to

COLUMNS = [
    Column("编号", required=True, note="问题编号，如 WT-2025-000123；已有该编号的问题将被跳过。",
           example="WT-2025-000123", max_length=20),
    Column("标题", required=True, example="企业门前道路破损", max_length=120),
    Column("问题描述", required=True, example="企业反映门前道路破损，货车进出困难。", max_length=5000),
    Column("来源", required=True, note="走访、网上诉求、热线、会议或其他。", example="走访"),
    Column("事项分类", required=True, note="事项分类的名称。", example="道路交通"),
    Column("办理类型", required=True, note="已经办、立刻办、限期办或长效办。", example="限期办"),
    Column("所属区域", required=True, note="街道、社区、村或网格的名称，须在您的管辖范围内。", example="头格社区第1网格"),
    Column("联系对象", note="联系对象名称；重名时请填写统一社会信用代码。", example="杭州示例生物科技有限公司"),
    Column("统一社会信用代码", note="联系对象的 18 位代码，填写后以代码为准。", example="91330114MA2XHA0010"),
    Column("反映人", example="王某", max_length=32),
    Column("反映人电话", example="13800000000", max_length=24),
    Column("来源走访编号", note="问题在走访中收集的，填写走访编号，如 ZF-2025-000456。", example=""),
    Column("登记人账号", note="空白则记为导入人。", example=""),
    Column("状态", required=True, note="已登记、已交办、办理中、已退回、长效办理、已办结、已销号或已作废。", example="已销号"),
    Column("登记时间", required=True, note="如 2025-10-08 09:30。", example="2025-10-08 09:30"),
    Column("主办部门", note="交办后必填。", example="建设局"),
    Column("协办部门", note="多个用顿号分隔。", example=""),
    Column("交办时间", note="交办后必填。", example="2025-10-08 14:00"),
    Column("办理期限", note="立刻办、限期办交办后必填，如 2025-10-20。", example="2025-10-20"),
    Column("签收时间", note="未填时按交办时间计。", example="2025-10-09 09:00"),
    Column("长效办理计划", note="长效办理的问题必填。", example="", max_length=5000),
    Column("办结时间", note="已办结、已销号的问题必填。", example="2025-10-17 16:00"),
    Column("办理结果", note="已办结、已销号的问题必填。", example="已修复破损路面。", max_length=5000),
    Column("答复内容", note="答复反映人的内容；已销号的问题必填。", example="您反映的道路破损问题已修复。", max_length=5000),
    Column("回访评价", note="满意、基本满意或不满意；已销号的问题须为满意或基本满意。", example="满意"),
    Column("回访时间", note="空白时按销号或办结时间计。", example="2025-10-18 10:00"),
    Column("销号时间", note="已销号的问题必填。", example="2025-10-18 11:00"),
    Column("督办", note="一般或重点；空白为未督办。", example=""),
    Column("退回原因", note="已退回的问题必填。", example="", max_length=500),
    Column("作废原因", note="已作废的问题必填。", example="", max_length=200),
]  # fmt: skip
WIDTHS = [17, 30, 50, 8, 12, 8, 16, 28, 22, 8, 14, 16, 12, 8, 17, 14, 18, 17, 12, 17, 30, 17, 40, 40, 8, 17, 17,
          6, 20, 20]  # fmt: skip
COLUMN_OF = {
    "number": "编号", "title": "标题", "description": "问题描述", "source": "来源", "category": "事项分类",
    "tier": "办理类型", "region": "所属区域", "target": "联系对象", "raiser_name": "反映人",
    "raiser_phone": "反映人电话", "visit": "来源走访编号", "registrar": "登记人账号", "status": "状态",
    "registered_at": "登记时间", "lead": "主办部门", "co": "协办部门", "dispatched_at": "交办时间",
    "due_date": "办理期限", "accepted_at": "签收时间", "long_term_plan": "长效办理计划", "resolved_at": "办结时间",
    "resolution": "办理结果", "feedback": "答复内容", "rating": "回访评价", "rated_at": "回访时间",
    "closed_at": "销号时间", "supervision_level": "督办", "return_reason": "退回原因", "void_reason": "作废原因",
}  # fmt: skip
SUPERVISION = {
    "": "",
    "是": SupervisionLevel.GENERAL,
    **{str(label): v for v, label in SupervisionLevel.choices},
}


def export_row(
    issue: Issue, extra: dict[str, Any], regions: RegionNames, raiser: tuple[str, str]
) -> list[str]:
    """`extra`: the lead department shown for a returned issue, the co-departments, the time of
    the last return visit and the return reason, which live in other tables. `raiser`: the
    raiser's name and phone as the reader may see them (masked unless the issue is theirs)."""
    lead = issue.lead_department or extra.get("returned_by")
    return [
        issue.number, issue.title, issue.description, choice_label(Source, issue.source), issue.category.name,
        choice_label(Tier, issue.tier), regions.label(issue.region), issue.target.name if issue.target else "",
        (issue.target.credit_code or "") if issue.target else "",
        raiser[0], raiser[1],
        issue.visit.number if issue.visit else "", issue.registered_by.username if issue.registered_by else "",
        choice_label(Status, issue.status), moment_text(issue.registered_at), lead.name if lead else "",
        join_list(extra.get("co", [])), moment_text(issue.dispatched_at), date_text(issue.due_date),
        moment_text(issue.accepted_at), issue.long_term_plan, moment_text(issue.resolved_at), issue.resolution,
        # A merged duplicate's relayed answer is the original's; the ledger records it there.
        "" if issue.duplicate_of_id else issue.feedback, choice_label(Rating, issue.rating),
        moment_text(extra.get("rated_at")), moment_text(issue.closed_at),
        choice_label(SupervisionLevel, issue.supervision_level) if issue.supervised else "",
        extra.get("return_reason", "") if issue.status == Status.RETURNED else "", issue.void_reason,
    ]  # fmt: skip


class LedgerImporter(Importer):
    columns = COLUMNS
    unique_column = "编号"

    def __init__(self, *, actor: Person, dry_run: bool) -> None:
        super().__init__(actor=actor, dry_run=dry_run)
        scope = scope_of(actor)
        self.regions = RegionNames(scope.regions())
        self.categories = categories()
        self.departments = departments()
        self.targets = Targets(targets_visible_to(actor))
        self.visits = visits_visible_to(actor)
        self.people = People(people_visible_to(actor))
        self.actors = LedgerActors(Actor.of(actor))
        self.checklists: dict[int, list[ChecklistTemplateItem]] = defaultdict(list)
        for item in ChecklistTemplateItem.objects.order_by("sort_order", "id"):
            self.checklists[item.category_id].append(item)
        self.numbers: list[str] = []
        self.months: set[date] = set()
        self.now = timezone.now()

    def handle(self, rows: list[Row], outcome: Outcome) -> None:
        known = set(
            Issue.objects.filter(number__in=[r.get("编号") for r in rows]).values_list("number", flat=True)
        )
        self.targets.preload([r.get("统一社会信用代码") for r in rows], [r.get("联系对象") for r in rows])
        self.people.preload(r.get("登记人账号") for r in rows)
        cited = {r.get("来源走访编号") for r in rows if r.get("来源走访编号")}
        visits = {v.number: v for v in self.visits.filter(number__in=cited)}
        histories: list[History] = []
        for row in rows:
            number = row.get("编号")
            if number in known:
                outcome.done(row, number, RowAction.SKIP, _("已有该编号的问题"))
                continue
            entry = self._entry(row, outcome, visits)
            if entry is None:
                continue
            problems = ledger_problems(entry, now=self.now)
            for name, message in problems.items():
                outcome.fail(row, COLUMN_OF[name], message)
            if problems:
                continue
            try:
                history = ledger_history(
                    entry,
                    actors=self.actors,
                    checklist=self.checklists[entry.category.pk],
                    now=self.now,
                )
            except LedgerRefused as refused:
                outcome.fail(row, COLUMN_OF[refused.name], refused.message)
                continue
            histories.append(history)
            outcome.done(row, f"{number} {entry.title}", RowAction.CREATE)
        # Once anything is wrong nothing will be kept; checking the rest is all that is left to do.
        if histories and not outcome.errors and not self.dry_run:
            histories_write(histories)
            # Found by the duplicate search and counted in 共性问题 like any registered issue.
            issues_index(Issue.objects.filter(pk__in=[h.issue.pk for h in histories]))
            for h in histories:
                self.numbers.append(h.issue.number)
                self.months.update(
                    timezone.localtime(e.at).date().replace(day=1)
                    for e in h.events
                    if e.action != "check_item"
                )

    def _entry(self, row: Row, outcome: Outcome, visits: dict[str, Visit]) -> LedgerEntry | None:
        read = RowReader(row, outcome)

        def visit(text: str) -> Visit:
            if text not in visits:
                raise CellProblem(_("没有找到您可见的走访记录 %(n)s。") % {"n": text})
            return visits[text]

        def number(text: str) -> str:
            if any(ch.isspace() for ch in text):
                raise CellProblem(_("编号中不能有空格。"))
            return text

        def level(text: str) -> str:
            if text not in SUPERVISION:
                raise CellProblem(_("督办应为“一般”或“重点”，未督办请留空。"))
            return SUPERVISION[text]

        values = dict(  # noqa: C408 (keyword arguments of LedgerEntry)
            number=read("编号", number, required=True),
            title=read("标题", str, required=True),
            description=read("问题描述", str, required=True),
            source=read("来源", lambda t: parse_choice(t, Source, "来源"), required=True),
            category=read("事项分类", self.categories.find, required=True),
            tier=read("办理类型", lambda t: parse_choice(t, Tier, "办理类型"), required=True),
            region=read("所属区域", self.regions.find, required=True),
            status=read("状态", lambda t: parse_choice(t, Status, "状态"), required=True),
            registered_at=read("登记时间", parse_moment, required=True),
            target=read("统一社会信用代码", lambda t: self.targets.find_by(row.get("联系对象"), t))
            if row.get("统一社会信用代码") else read("联系对象", self.targets.find),
            raiser_name=row.get("反映人"), raiser_phone=row.get("反映人电话"),
            visit=read("来源走访编号", visit), registrar=read("登记人账号", self.people.find),
            lead=read("主办部门", self.departments.find),
            co=read("协办部门", each(self.departments.find), default=[]),
            dispatched_at=read("交办时间", parse_moment), due_date=read("办理期限", parse_date),
            accepted_at=read("签收时间", parse_moment), long_term_plan=row.get("长效办理计划"),
            resolved_at=read("办结时间", parse_moment), resolution=row.get("办理结果"),
            feedback=row.get("答复内容"), rating=read("回访评价", lambda t: parse_choice(t, Rating, "回访评价"), default=""),
            rated_at=read("回访时间", parse_moment), closed_at=read("销号时间", parse_moment),
            supervision_level=read("督办", level, default=""), return_reason=row.get("退回原因"),
            void_reason=row.get("作废原因"),
        )  # fmt: skip
        return None if read.failed else LedgerEntry(**values)

    def finish(self, outcome: Outcome) -> None:
        numbers_reserve(IssueCounter, "WT", self.numbers)
        if self.months:
            months = sorted(self.months)
            transaction.on_commit(lambda: _recount(months))


def _recount(months: list[date]) -> None:
    """The horse race's roll-ups of the months the ledger reached back into, recounted by a job."""
    from sanfuwu.scoring.jobs import rollup_months

    rollup_months(months)
