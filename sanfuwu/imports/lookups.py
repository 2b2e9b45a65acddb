"""Finding the region, department, category, person or target a cell names.

Exports write a region by its name, or by its path (下沙街道 / 头格社区 / 第1网格) where the name
alone is not unique; imports accept both, within the importer's scope, so every export reads back.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sanfuwu.imports.cells import CellProblem
from sanfuwu.orgs.models import Category, Department, Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.service_accounts import PUBLIC_CHANNEL_USERNAME, public_channel
from sanfuwu.targets.models import Target

PATH_SEPARATOR = " / "


class RegionNames:
    """Labels of every region, and the regions a label may mean within a scope."""

    def __init__(self, visible: QuerySet[Region] | None = None) -> None:
        everything = list(Region.objects.all())
        by_id = {r.pk: r for r in everything}
        repeated = {name for name, n in Counter(r.name for r in everything).items() if n > 1}
        self.labels: dict[int, str] = {}
        self.paths: dict[int, str] = {}
        for region in everything:
            chain = [by_id[i] for i in region.ancestor_ids() if i in by_id]
            self.paths[region.pk] = (
                PATH_SEPARATOR.join(r.name for r in chain if r.kind != RegionKind.DISTRICT) or region.name
            )
            self.labels[region.pk] = self.paths[region.pk] if region.name in repeated else region.name
        visible_ids = set(visible.values_list("id", flat=True)) if visible is not None else set(by_id)
        self._by_text: dict[str, list[Region]] = defaultdict(list)
        for region in everything:
            if region.pk in visible_ids and region.active:
                self._by_text[region.name].append(region)
                if self.paths[region.pk] != region.name:
                    self._by_text[self._normal(self.paths[region.pk])].append(region)

    @staticmethod
    def _normal(text: str) -> str:
        return PATH_SEPARATOR.join(p.strip() for p in text.replace("／", "/").split("/"))

    def label(self, region: Region | None) -> str:
        return self.labels.get(region.pk, region.name) if region else ""

    def find(self, text: str, *, kinds: Iterable[str] | None = None) -> Region:
        allowed = set(kinds) if kinds is not None else None
        found = [r for r in self._by_text.get(self._normal(text), []) if allowed is None or r.kind in allowed]
        if not found:
            raise CellProblem(_("没有找到您管辖范围内名为“%(name)s”的区域。") % {"name": text})
        if len(found) > 1:
            raise CellProblem(
                _("有多个名为“%(name)s”的区域，请写明上级，如“%(path)s”。")
                % {"name": text, "path": self.paths[found[0].pk]}
            )
        return found[0]


class ByName:
    """Departments or categories by name (or code): both are unique district-wide."""

    def __init__(self, rows: Iterable[Department | Category], what: str) -> None:
        self.what = what
        self._by: dict[str, Department | Category] = {}
        for row in rows:
            self._by[row.name] = row
            self._by.setdefault(row.code, row)

    def find(self, text: str) -> Department | Category:
        found = self._by.get(text.strip())
        if found is None:
            raise CellProblem(_("没有名为“%(name)s”的%(what)s。") % {"name": text, "what": self.what})
        return found


def departments() -> ByName:
    return ByName(Department.objects.filter(active=True), _("部门"))


def categories() -> ByName:
    return ByName(Category.objects.filter(active=True), _("事项分类"))


class People:
    """People by login name, looked up once each; only those in `visible` when it is given (the
    people a file may name are the importer's own)."""

    def __init__(self, visible: QuerySet[Person] | None = None) -> None:
        self.visible = visible
        self._cache: dict[str, Person | None] = {}

    def preload(self, usernames: Iterable[str]) -> None:
        wanted = {u for u in usernames if u and u not in self._cache}
        if wanted:
            people = Person.objects.all() if self.visible is None else self.visible
            found = {p.username: p for p in people.filter(username__in=wanted)}
            for name in wanted:
                self._cache[name] = found.get(name)

    def find(self, username: str) -> Person:
        if username == PUBLIC_CHANNEL_USERNAME:
            # The public channel (网上诉求) registered it: no one's staff, and never signs in.
            return public_channel()
        self.preload([username])
        person = self._cache.get(username)
        if person is None or not person.is_active:
            if self.visible is not None:
                raise CellProblem(_("您的管辖范围内没有账号“%(u)s”，或该账号已停用。") % {"u": username})
            raise CellProblem(_("没有账号“%(u)s”，或该账号已停用。") % {"u": username})
        return person


class Targets:
    """Targets within what the importer sees: by credit code, or by a name that is unique there."""

    def __init__(self, visible: QuerySet[Target]) -> None:
        self.visible = visible
        self._by_code: dict[str, Target | None] = {}
        self._by_name: dict[str, list[Target]] = {}

    def preload(self, codes: Iterable[str], names: Iterable[str]) -> None:
        codes = {c for c in codes if c and c not in self._by_code}
        names = {n for n in names if n and n not in self._by_name}
        if codes:
            found = {t.credit_code: t for t in self.visible.filter(credit_code__in=codes)}
            for code in codes:
                self._by_code[code] = found.get(code)
        if names:
            by_name: dict[str, list[Target]] = defaultdict(list)
            for target in self.visible.filter(name__in=names):
                by_name[target.name].append(target)
            for name in names:
                self._by_name[name] = by_name.get(name, [])

    def find(self, text: str) -> Target:
        """A name or a credit code, whichever the cell holds."""
        text = text.strip()
        if len(text) == 18 and text.isalnum() and text.upper() == text:
            self.preload([text], [])
            if self._by_code.get(text) is not None:
                return self._by_code[text]  # type: ignore[return-value]
        self.preload([], [text])
        found = self._by_name.get(text, [])
        if not found:
            raise CellProblem(_("没有找到您管辖范围内的联系对象“%(name)s”。") % {"name": text})
        if len(found) > 1:
            raise CellProblem(
                _("有多个名为“%(name)s”的联系对象，请改填其统一社会信用代码。") % {"name": text}
            )
        return found[0]

    def find_by(self, name: str, code: str) -> Target:
        """The target of a row that gives a name and, for an enterprise, its credit code."""
        if code:
            self.preload([code], [])
            target = self._by_code.get(code)
            if target is None:
                raise CellProblem(
                    _("没有找到您管辖范围内统一社会信用代码为 %(c)s 的联系对象。") % {"c": code}
                )
            if name and name.strip() != target.name:
                raise CellProblem(
                    _("统一社会信用代码 %(c)s 是“%(n)s”的，与所填联系对象不符。")
                    % {"c": code, "n": target.name}
                )
            return target
        return self.find(name)
