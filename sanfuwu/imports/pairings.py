"""Pairings (包联关系): who must visit which target how often, from when to when.

A pairing is known by its target, its holder (a person by login name, or a department) and its
start date: importing it again updates its frequency and end instead of adding a second one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sanfuwu.imports.cells import choice_label, date_text, parse_choice, parse_date
from sanfuwu.imports.engine import Importer, Outcome, RowAction, RowReader
from sanfuwu.imports.lookups import People, RegionNames, Targets, departments
from sanfuwu.imports.workbook import Column, Row
from sanfuwu.people.models import Person
from sanfuwu.targets.selectors import targets_visible_to
from sanfuwu.visits.models import Frequency, Pairing
from sanfuwu.visits.services import pairing_check, pairing_create, pairing_update

COLUMNS = [
    Column("联系对象", required=True, note="联系对象名称；重名时请填写统一社会信用代码。", example="杭州示例生物科技有限公司"),
    Column("统一社会信用代码", note="企业的 18 位代码，填写后以代码为准。", example="91330114MA2XHA0010"),
    Column("网格", note="仅供查看，导入时不读取。", example="头格社区第1网格"),
    Column("包联人账号", note="包联人的登录账号；与包联部门只填一个。", example="grid01"),
    Column("包联人", note="包联人姓名，用于核对账号。", example="张伟"),
    Column("包联部门", note="部门名称；与包联人账号只填一个。", example=""),
    Column("走访频次", required=True, note="每周、每月、每季度或每年。", example="每月"),
    Column("开始日期", required=True, note="如 2025-07-01。", example="2025-07-01"),
    Column("结束日期", note="空白为长期。", example=""),
]  # fmt: skip
WIDTHS = [36, 22, 18, 14, 10, 14, 10, 12, 12]
COLUMN_OF = {"target": "联系对象", "person": "包联人账号", "department": "包联部门", "frequency": "走访频次",
             "starts_on": "开始日期", "ends_on": "结束日期"}  # fmt: skip


def export_row(pairing: Pairing, regions: RegionNames) -> list[str]:
    target = pairing.target
    return [
        target.name, target.credit_code or "", regions.label(target.grid),
        pairing.person.username if pairing.person else "", pairing.person.name if pairing.person else "",
        pairing.department.name if pairing.department else "", choice_label(Frequency, pairing.frequency),
        date_text(pairing.starts_on), date_text(pairing.ends_on),
    ]  # fmt: skip


class PairingImporter(Importer):
    columns = COLUMNS
    unique_column = "联系对象"  # where a doubled pairing is reported; the key is target, holder and start

    def __init__(self, *, actor: Person, dry_run: bool) -> None:
        super().__init__(actor=actor, dry_run=dry_run)
        self.targets = Targets(targets_visible_to(actor))
        self.people = People()
        self.departments = departments()

    def row_key(self, row: Row) -> str | None:
        holder = row.get("包联人账号") or row.get("包联部门")
        target = row.get("统一社会信用代码") or row.get("联系对象")
        return f"{target}|{holder}|{row.get('开始日期')}" if target and holder else None

    def handle(self, rows: list[Row], outcome: Outcome) -> None:
        self.targets.preload([r.get("统一社会信用代码") for r in rows], [r.get("联系对象") for r in rows])
        self.people.preload(r.get("包联人账号") for r in rows)
        for row in rows:
            self._one(row, outcome)

    def _one(self, row: Row, outcome: Outcome) -> None:
        read = RowReader(row, outcome)
        target = read(
            "联系对象", lambda t: self.targets.find_by(t, row.get("统一社会信用代码")), required=True
        )
        person = read("包联人账号", self.people.find)
        department = read("包联部门", self.departments.find)
        frequency = read("走访频次", lambda t: parse_choice(t, Frequency, "走访频次"), required=True)
        starts_on = read("开始日期", parse_date, required=True)
        ends_on = read("结束日期", parse_date)
        failed = read.failed
        if person is not None and row.get("包联人") and row.get("包联人") != person.name:
            outcome.fail(
                row,
                "包联人",
                _("账号 %(u)s 的姓名是“%(n)s”，与所填不符。") % {"u": person.username, "n": person.name},
            )
            failed = True
        if not failed and (person is None) == (department is None):
            outcome.fail(row, "包联人账号", _("包联人账号和包联部门须填且只填一个。"))
            failed = True
        if failed:
            return
        existing = Pairing.objects.filter(
            target=target, person=person, department=department, starts_on=starts_on
        ).first()
        label = f"{target.name} ← {person.name if person else department.name}"
        try:
            if self.dry_run:
                planned = existing or Pairing(target=target, person=person, department=department,
                                              starts_on=starts_on)  # fmt: skip
                changed = (planned.frequency, planned.ends_on) != (frequency, ends_on)
                planned.frequency, planned.ends_on = frequency, ends_on
                if existing is None or changed:
                    pairing_check(planned, actor=self.actor)
                action = (
                    RowAction.CREATE if existing is None else RowAction.UPDATE if changed else RowAction.SKIP
                )
                outcome.done(row, label, action, "" if action != RowAction.SKIP else _("已有相同的包联关系"))
                return
            with transaction.atomic():
                if existing is None:
                    pairing_create(actor=self.actor, target=target, frequency=frequency, starts_on=starts_on,
                                   person=person, department=department, ends_on=ends_on)  # fmt: skip
                    outcome.done(row, label, RowAction.CREATE)
                elif (existing.frequency, existing.ends_on) == (frequency, ends_on):
                    outcome.done(row, label, RowAction.SKIP, _("已有相同的包联关系"))
                else:
                    pairing_update(actor=self.actor, pairing=existing, frequency=frequency, ends_on=ends_on)
                    outcome.done(row, label, RowAction.UPDATE)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                for message in messages:
                    outcome.fail(row, COLUMN_OF.get(key, ""), message)
