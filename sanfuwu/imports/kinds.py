"""What can be imported: each kind with its title, its importer and the roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanfuwu.imports import ledger, manual_values, pairings, people, targets, visits
from sanfuwu.imports.engine import Importer
from sanfuwu.people.models import Person
from sanfuwu.people.roles import IMPORTERS, PEOPLE_IMPORTERS, TARGET_EDITORS


@dataclass(frozen=True)
class Kind:
    key: str
    title: Promise
    importer: type[Importer]
    roles: frozenset[str]
    hint: Promise  # what re-importing the same file does

    @property
    def columns(self) -> list:
        return self.importer.columns

    def allowed(self, person: Person) -> bool:
        return person.is_superuser or person.has_role(*self.roles)


KINDS: dict[str, Kind] = {
    k.key: k
    for k in [
        Kind("targets", _("联系对象"), targets.TargetImporter, TARGET_EDITORS,
             _("已有相同统一社会信用代码的企业将被更新，不会重复。")),
        Kind("people", _("人员"), people.PersonImporter, PEOPLE_IMPORTERS,
             _("已有相同账号的人员将被更新（姓名、单位、角色、电话、职务）；新账号需设置密码后才能登录。")),
        Kind("pairings", _("包联关系"), pairings.PairingImporter, IMPORTERS,
             _("同一联系对象、同一包联人（或部门）、同一开始日期的包联关系将被更新，不会重复。")),
        Kind("visits", _("走访记录"), visits.VisitImporter, IMPORTERS,
             _("已有相同走访编号的记录将被跳过，不会重复导入。")),
        Kind("issues", _("问题台账"), ledger.LedgerImporter, IMPORTERS,
             _("按台账中的状态和日期补录办理过程；已有相同编号的问题将被跳过，不会重复导入。")),
        Kind("manual_values", _("手工指标值"), manual_values.ManualValueImporter, IMPORTERS,
             _("同一指标、同一单位、同一月份的数值将被更新。")),
    ]
}  # fmt: skip


def kinds_for(person: Person) -> list[Kind]:
    return [k for k in KINDS.values() if k.allowed(person)]
