from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from sanfuwu.orgs.models import Category, Region, RegionKind
from sanfuwu.people.models import Person, Role
from sanfuwu.people.roles import HEADCOUNT_READERS, SUPERVISION_WATCHERS
from sanfuwu.people.scope import scope_of
from sanfuwu.people.selectors import people_visible_to
from sanfuwu.portal.access import can_edit_targets, person_of
from sanfuwu.targets.models import Industry, TargetKind
from sanfuwu.targets.selectors import targets_visible_to


@dataclass(frozen=True)
class Card:
    label: str | Promise
    value: int
    icon: str
    url: str = ""
    tone: str = "primary"


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url: str
    icon: str
    hint: str | Promise = ""


def _targets_url(**params: str) -> str:
    return reverse("targets:list") + ("?" + urlencode(params) if params else "")


def _cards(person: Person) -> list[Card]:
    t = (
        targets_visible_to(person)
        .filter(active=True)
        .aggregate(
            enterprises=Count("id", filter=Q(kind=TargetKind.ENTERPRISE)),
            key=Count("id", filter=Q(kind=TargetKind.ENTERPRISE, is_key=True)),
            universities=Count("id", filter=Q(kind=TargetKind.UNIVERSITY)),
        )
    )
    r = (
        scope_of(person)
        .regions()
        .aggregate(
            units=Count("id", filter=Q(kind__in=[RegionKind.COMMUNITY, RegionKind.VILLAGE])),
            grids=Count("id", filter=Q(kind=RegionKind.GRID)),
        )
    )
    cards = [
        Card(_("企业"), t["enterprises"], "ti-building-factory-2", _targets_url(kind="enterprise")),
        Card(_("重点企业"), t["key"], "ti-star", _targets_url(kind="enterprise", key="1"), "orange"),
        Card(_("高校"), t["universities"], "ti-school", _targets_url(kind="university"), "green"),
        Card(_("社区 / 村"), r["units"], "ti-map-2", "", "teal"),
        Card(_("网格"), r["grids"], "ti-grid-dots", "", "purple"),
    ]
    # A grid holds no universities or communities: show only the cards that say something there.
    cards = [c for c in cards if c.value or c.icon in ("ti-building-factory-2", "ti-star")]
    if person.is_superuser or person.has_role(*HEADCOUNT_READERS):
        cards.append(
            Card(
                _("工作人员"),
                people_visible_to(person).filter(is_active=True).count(),
                "ti-users",
                "",
                "indigo",
            )
        )
    return cards


def _issues_url(**params: str) -> str:
    return reverse("issues:list") + ("?" + urlencode(params) if params else "")


def _issue_cards(person: Person) -> list[Card]:
    """The day's work first: what waits for this person, by role. A card counts a status group and
    links to the list filtered by that group, so that the number is the length of the list."""
    from sanfuwu.issues.models import StatusGroup, status_group_q
    from sanfuwu.issues.selectors import issue_triage_queue, issue_worklists, issues_visible_to

    cards: list[Card] = []
    today = timezone.localdate()
    if person.has_role(Role.DISPATCHER):
        waiting = issue_triage_queue(person).count()
        cards.append(Card(_("待梳理"), waiting, "ti-inbox", reverse("issues:triage"), "red"))
    if person.has_role(Role.HANDLER) and person.department is not None:
        queries = issue_worklists(person.department)
        cards.append(
            Card(
                _("待签收"),
                queries["pending"].count(),
                "ti-inbox",
                reverse("issues:work") + "?tab=pending",
                "red",
            )
        )
        cards.append(
            Card(
                _("已超期"),
                queries["overdue"].count(),
                "ti-alarm",
                reverse("issues:work") + "?tab=overdue",
                "orange",
            )
        )
    if person.has_role(*SUPERVISION_WATCHERS) or person.is_superuser:
        visible = issues_visible_to(person)
        for label, group, icon, tone in (
            (_("超期未办结"), StatusGroup.OVERDUE, "ti-alarm", "orange"),
            (_("挂牌督办"), StatusGroup.SUPERVISED, "ti-flag", "red"),
        ):
            count = visible.filter(status_group_q(group, today)).count()
            cards.append(Card(label, count, icon, _issues_url(group=group.value), tone))
    if person.has_role(Role.VISITOR):
        mine = issues_visible_to(person).filter(registered_by=person)
        cards.append(Card(_("我登记的问题"), mine.count(), "ti-notes", reverse("issues:mine"), "blue"))
    return cards


def _links(person: Person) -> list[Link]:
    links = [
        Link(
            _("企业名录"),
            _targets_url(kind="enterprise"),
            "ti-list-search",
            _("按名称、信用代码、网格查找企业"),
        )
    ]
    if person.region is not None and person.region.kind == RegionKind.GRID:
        links.insert(
            0,
            Link(
                _("我的网格企业"), _targets_url(grid=str(person.region.pk)), "ti-map-pin", person.region.name
            ),
        )
    if can_edit_targets(person):
        links.append(Link(_("新增联系对象"), reverse("targets:new"), "ti-plus", _("企业、高校、人才、项目")))
    links.append(
        Link(_("重点企业"), _targets_url(kind="enterprise", key="1"), "ti-star", _("重点联系服务的企业"))
    )
    if person.is_staff:
        links.append(
            Link(_("系统配置"), reverse("admin:index"), "ti-settings", _("区域、部门、事项分类、人员与角色"))
        )
    return links


def _industries(person: Person) -> list[tuple[str, int, int]]:
    rows = (
        targets_visible_to(person)
        .filter(kind=TargetKind.ENTERPRISE, active=True)
        .values("industry")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    total = sum(row["n"] for row in rows) or 1
    labels = dict(Industry.choices)
    return [(str(labels.get(row["industry"], "—")), row["n"], round(100 * row["n"] / total)) for row in rows]


@dataclass(frozen=True)
class TerritoryRow:
    region: Region
    enterprises: int
    key: int
    grids: int


def _territory(person: Person) -> list[TerritoryRow]:
    """The units one level below the person's own, with what each holds: the picture at a glance."""
    scope = scope_of(person)
    root = scope.region if not scope.everything else Region.objects.filter(parent__isnull=True).first()
    if root is None or root.kind == RegionKind.GRID:
        return []
    rows = []
    visible = targets_visible_to(person).filter(active=True, kind=TargetKind.ENTERPRISE)
    for child in Region.objects.filter(parent=root, active=True).order_by("sort_order", "id"):
        sub = Region.objects.filter(path__startswith=child.path)
        counts = visible.filter(Q(region__in=sub) | Q(grid__in=sub)).aggregate(
            n=Count("id"), key=Count("id", filter=Q(is_key=True))
        )
        rows.append(TerritoryRow(child, counts["n"], counts["key"], sub.filter(kind=RegionKind.GRID).count()))
    return rows


def _role_panels(person: Person) -> dict[str, object]:
    """What each role needs first, beyond the shared counts."""
    panels: dict[str, object] = {}
    if person.has_role(Role.HANDLER) and person.department is not None:
        dept = person.department
        panels["department"] = dept
        panels["department_categories"] = list(Category.objects.filter(default_department=dept, active=True))
        panels["colleagues"] = list(
            Person.objects.filter(department=dept, is_active=True).exclude(pk=person.pk).order_by("id")[:12]
        )
    if person.has_role(Role.DISPATCHER):
        panels["routing"] = list(
            Category.objects.filter(active=True).select_related("default_department").order_by("sort_order")
        )
    if person.region is not None and person.region.kind == RegionKind.GRID:
        panels["grid_key_firms"] = list(
            targets_visible_to(person).filter(
                grid=person.region, kind=TargetKind.ENTERPRISE, is_key=True, active=True
            )[:10]
        )
    return panels


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    context = {
        "person": person,
        "issue_cards": _issue_cards(person),
        "cards": _cards(person),
        "links": _links(person),
        "industries": _industries(person),
        "territory": _territory(person),
        **_role_panels(person),
        "scope": scope_of(person),
        "role": person.primary_role or "",
    }
    return render(request, "portal/home.html", context)
