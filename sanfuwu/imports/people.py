"""People (人员): accounts with their unit and roles, by login name; the directory's export reads back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sanfuwu.imports.cells import join_list, parse_choice
from sanfuwu.imports.engine import Importer, Outcome, RowAction, RowReader, each
from sanfuwu.imports.lookups import RegionNames, departments
from sanfuwu.imports.workbook import Column, Row
from sanfuwu.people.models import Person, Role
from sanfuwu.people.scope import scope_of
from sanfuwu.people.services import person_check, person_save

COLUMNS = [
    Column("账号", required=True, note="登录名，不含空格；已有该账号的人员将被更新。", example="zhang_wei"),
    Column("姓名", required=True, example="张伟"),
    Column("所属区域", note="街道、社区、村或网格的名称；与所属部门只填一个。", example="头格社区第1网格"),
    Column("所属部门", note="部门名称；与所属区域只填一个。", example=""),
    Column("角色", required=True, note="系统管理员、领导、调度员、承办人、走访干部、督查员、评分员，多个用顿号分隔。",
           example="走访干部"),
    Column("职务", example="网格员"),
    Column("电话", note="手机或带区号的座机。", example="13800000000"),
]  # fmt: skip
WIDTHS = [16, 10, 22, 16, 22, 14, 16]
COLUMN_OF = {"username": "账号", "name": "姓名", "region": "所属区域", "department": "所属部门",
             "roles": "角色", "title": "职务", "phone": "电话"}  # fmt: skip


def export_row(person: Person, regions: RegionNames) -> list[str]:
    roles = [str(label) for value, label in Role.choices if value in person.roles]
    return [
        person.username, person.name, regions.label(person.region),
        person.department.name if person.department else "", join_list(roles), person.title, person.phone,
    ]  # fmt: skip


class PersonImporter(Importer):
    columns = COLUMNS
    unique_column = "账号"

    def __init__(self, *, actor: Person, dry_run: bool) -> None:
        super().__init__(actor=actor, dry_run=dry_run)
        self.regions = RegionNames(scope_of(actor).regions())
        self.departments = departments()
        self.new_accounts = 0

    def handle(self, rows: list[Row], outcome: Outcome) -> None:
        for row in rows:
            self._one(row, outcome)

    def _one(self, row: Row, outcome: Outcome) -> None:
        read = RowReader(row, outcome)
        roles = read("角色", each(lambda r: parse_choice(r, Role, "角色")), default=[])
        region = read("所属区域", self.regions.find)
        department = read("所属部门", self.departments.find)
        if read.failed:
            return
        existing = Person.objects.filter(username__iexact=row.get("账号")).first()
        if existing is not None and (
            existing.name,
            existing.region,
            existing.department,
            set(existing.roles),
            existing.title,
            existing.phone,
        ) == (row.get("姓名"), region, department, set(roles), row.get("职务"), row.get("电话")):
            # Unchanged rows are left alone, one's own account and superusers included.
            outcome.done(row, f"{existing.name}（{existing.username}）", RowAction.SKIP, _("没有变化"))
            return
        fields = {
            "actor": self.actor, "username": row.get("账号"), "name": row.get("姓名"), "region": region,
            "department": department, "roles": roles, "title": row.get("职务"), "phone": row.get("电话"),
        }  # fmt: skip
        try:
            if self.dry_run:
                person, created, _roles = person_check(**fields)
            else:
                with transaction.atomic():
                    person, created = person_save(**fields)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                for message in messages:
                    outcome.fail(row, COLUMN_OF.get(key, ""), message)
            return
        self.new_accounts += created
        outcome.done(
            row, f"{person.name}（{person.username}）", RowAction.CREATE if created else RowAction.UPDATE
        )

    def finish(self, outcome: Outcome) -> None:
        if self.new_accounts and self.dry_run:
            outcome.notices.append(
                _("将新建 %(n)s 个账号；导入后需由管理员在后台为其设置初始密码。") % {"n": self.new_accounts}
            )
        elif self.new_accounts:
            outcome.notices.append(
                _("%(n)s 个新账号还没有密码：请管理员在后台为其设置初始密码后再通知本人登录。")
                % {"n": self.new_accounts}
            )
