"""Visits (走访记录) recorded elsewhere: when, who, to whom, what was said and explained.

A visit is known by its number: importing the same file again skips what is already there. Each
row goes through the same service as the visit form, on behalf of the person who recorded it.
The problems raised come in through the issue ledger, which cites the visit's number.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sanfuwu.imports.cells import (
    CellProblem,
    choice_label,
    join_list,
    moment_text,
    parse_choice,
    parse_moment,
    split_list,
)
from sanfuwu.imports.engine import Importer, Outcome, RowAction, RowReader, each
from sanfuwu.imports.lookups import People, RegionNames, Targets, departments
from sanfuwu.imports.workbook import Column, Row
from sanfuwu.people.models import Person
from sanfuwu.targets.models import Target
from sanfuwu.targets.selectors import targets_visible_to
from sanfuwu.visits.models import Policy, Visit, VisitForm
from sanfuwu.visits.services import visit_check, visit_record

COLUMNS = [
    Column("走访编号", note="如 ZF-2025-000123；空白则自动编号。已有该编号的记录将被跳过。", example="",
           max_length=20),
    Column("走访时间", required=True, note="如 2025-10-08 09:30。", example="2025-10-08 09:30"),
    Column("走访形式", required=True, note="实地走访、座谈、电话或视频。", example="实地走访"),
    Column("走访对象", required=True, note="联系对象名称或统一社会信用代码，多个用顿号分隔。",
           example="杭州示例生物科技有限公司"),
    Column("所属区域", note="仅供查看，导入时按第一个走访对象确定。", example=""),
    Column("记录人账号", required=True, note="记录这次走访的人员账号。", example="grid01"),
    Column("走访人员账号", note="同去人员的账号，多个用顿号分隔；记录人自动计入。", example="grid01"),
    Column("走访人员", note="仅供查看，导入时以账号为准。", example=""),
    Column("随行部门", note="部门名称，多个用顿号分隔。", example=""),
    Column("地点", example="企业会议室"),
    Column("接待人员", example="总经理 王某"),
    Column("走访情况", required=True, note="至少 5 个字。", example="了解企业生产经营情况，企业反映用工紧张。"),
    Column("宣讲政策", note="政策名称，多个用顿号分隔。", example=""),
    Column("反映问题编号", note="仅供查看：问题随问题台账导入，台账中写明来源走访编号。", example=""),
]  # fmt: skip
WIDTHS = [16, 17, 8, 36, 16, 12, 16, 16, 16, 24, 16, 60, 30, 30]
COLUMN_OF = {"visited_at": "走访时间", "form": "走访形式", "targets": "走访对象", "notes": "走访情况",
             "number": "走访编号"}  # fmt: skip


def target_label(target: Target, repeated_names: set[str]) -> str:
    return target.credit_code if target.name in repeated_names and target.credit_code else target.name


def export_row(visit: Visit, regions: RegionNames, repeated_names: set[str]) -> list[str]:
    # In the order they were recorded: the first one gives the visit its region, here and on import.
    targets = [vt.target for vt in sorted(visit.visit_targets.all(), key=lambda vt: vt.pk)]
    visitors = sorted(visit.visitors.all(), key=lambda p: p.username)
    return [
        visit.number, moment_text(visit.visited_at), choice_label(VisitForm, visit.form),
        join_list(target_label(t, repeated_names) for t in targets), regions.label(visit.region),
        visit.recorded_by.username, join_list(p.username for p in visitors), join_list(p.name for p in visitors),
        join_list(sorted(d.name for d in visit.departments.all())), visit.place, visit.met, visit.notes,
        join_list(sorted(p.title for p in visit.policies.all())),
        join_list(sorted(i.number for i in visit.issues.all())),
    ]  # fmt: skip


class VisitImporter(Importer):
    columns = COLUMNS
    unique_column = "走访编号"

    def __init__(self, *, actor: Person, dry_run: bool) -> None:
        super().__init__(actor=actor, dry_run=dry_run)
        self.targets = Targets(targets_visible_to(actor))
        self.people = People()
        self.departments = departments()
        self.policies: dict[str, Policy] = {}
        for policy in Policy.objects.order_by("issued_on", "id"):
            self.policies[policy.title] = policy  # the newest of a title wins

    def handle(self, rows: list[Row], outcome: Outcome) -> None:
        numbers = {r.get("走访编号") for r in rows if r.get("走访编号")}
        known = set(Visit.objects.filter(number__in=numbers).values_list("number", flat=True))
        self.people.preload(
            name for r in rows for name in [r.get("记录人账号"), *split_list(r.get("走访人员账号"))]
        )
        for row in rows:
            if row.get("走访编号") in known:
                outcome.done(row, row.get("走访编号"), RowAction.SKIP, _("已有该编号的走访记录"))
                continue
            self._one(row, outcome)

    def _policy(self, title: str) -> Policy:
        policy = self.policies.get(title)
        if policy is None:
            raise CellProblem(_("没有名为“%(t)s”的政策，请先在政策库中添加。") % {"t": title})
        return policy

    def _one(self, row: Row, outcome: Outcome) -> None:
        read = RowReader(row, outcome)
        visited_at = read("走访时间", parse_moment, required=True)
        form = read("走访形式", lambda t: parse_choice(t, VisitForm, "走访形式"), required=True)
        targets = read("走访对象", each(self.targets.find), default=[])
        recorder = read("记录人账号", self.people.find, required=True)
        visitors = read("走访人员账号", each(self.people.find), default=[])
        departments = read("随行部门", each(self.departments.find), default=[])
        policies = read("宣讲政策", each(self._policy), default=[])
        if read.failed:
            return
        number = row.get("走访编号")
        if (
            not number
            and Visit.objects.filter(
                visited_at=visited_at, recorded_by=recorder, targets=targets[0] if targets else None
            ).exists()
        ):
            outcome.done(row, moment_text(visited_at), RowAction.SKIP, _("已有同一时间、同一记录人的走访"))
            return
        try:
            if self.dry_run:
                visit_check(
                    actor=self.actor, number=number, visited_at=visited_at, targets=targets,
                    notes=row.get("走访情况"), form=form,
                )  # fmt: skip
            else:
                with transaction.atomic():
                    visit, _issues = visit_record(
                        actor=self.actor, recorded_by=recorder, number=number, visited_at=visited_at,
                        targets=targets, notes=row.get("走访情况"), form=form,
                        companions=[p for p in visitors if p != recorder], departments=departments,
                        place=row.get("地点"), met=row.get("接待人员"), policies=policies,
                    )  # fmt: skip
                number = visit.number
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                for message in messages:
                    outcome.fail(row, COLUMN_OF.get(key, ""), message)
            return
        outcome.done(row, f"{number} {moment_text(visited_at)}".strip(), RowAction.CREATE)
