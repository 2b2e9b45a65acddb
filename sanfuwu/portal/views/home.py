"""工作台: the page that starts each role's day.

A person sees one section per role they hold, the most operational first (the order of BUILDERS):
the worklist's deadlines and the triage queue before the overviews. Every
number links to the list it counts, filtered as it counts; the reads are the domain apps' selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from sanfuwu.coordination.selectors import coordinations_open
from sanfuwu.issues.aftercare import TABS as AFTERCARE_TABS
from sanfuwu.issues.aftercare import aftercare_counts
from sanfuwu.issues.home import (
    Tally,
    days_overdue,
    press_day,
    registered_by_count,
    supervision_board,
    triage_day,
    worklist_day,
)
from sanfuwu.issues.models import Status, StatusGroup
from sanfuwu.orgs.models import RegionKind
from sanfuwu.orgs.selectors import categories_led_by, category_routing
from sanfuwu.people.models import Person, Role
from sanfuwu.people.roles import HEADCOUNT_READERS, TERRITORY_FIGURE_READERS
from sanfuwu.people.scope import scope_of
from sanfuwu.people.selectors import active_headcount, colleagues_of
from sanfuwu.portal.access import can_edit_targets, person_of
from sanfuwu.reports.figures import common_problems_seen_by
from sanfuwu.scoring.selectors import meetings_to_score, ranking_movements
from sanfuwu.targets.overview import grid_key_firms, industry_shares, target_totals, territory_rows
from sanfuwu.visits.selectors import pairings_due


@dataclass(frozen=True)
class Card:
    label: str | Promise
    value: int
    icon: str
    url: str = ""
    tone: str = "primary"
    capped: bool = False
    key: str = ""  # names the card for the tests and the browser


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url: str
    icon: str
    hint: str | Promise = ""


@dataclass
class Section:
    """One role's part of the home: its template under portal/home/ and what that template reads."""

    role: str
    title: str | Promise
    template: str
    cards: list[Card] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def _url(name: str, **params: Any) -> str:
    return reverse(name) + ("?" + urlencode(params) if params else "")


def _card(label: str | Promise, tally: Tally, icon: str, url: str, tone: str, key: str) -> Card:
    return Card(label, tally.n, icon, url, tone, tally.capped, key)


def _head(person: Person, today: date) -> Section | None:
    """The head starts from the whole department's list, where the assign control is."""
    return _worklist_section(person, today, Role.HEAD, _("本部门工作"), "view=dept&")


def _handler(person: Person, today: date) -> Section | None:
    if person.has_role(Role.HEAD):
        return None  # a head who also handles sees the department's section once
    # The department-wide tabs: the counts are the department's, and so is the list they open.
    return _worklist_section(person, today, Role.HANDLER, _("部门工作清单"), "view=dept&")


def _worklist_section(
    person: Person, today: date, role: str, title: str | Promise, view: str
) -> Section | None:
    if person.department is None:
        return None
    day = worklist_day(person.department, today)
    work = reverse("issues:work")
    tabs = [
        ("pending", _("待签收"), "ti-inbox", "azure"),
        ("doing", _("办理中"), "ti-progress", "blue"),
        ("due_soon", _("即将到期"), "ti-hourglass", "yellow"),
        ("overdue", _("已超期"), "ti-alarm", "red"),
        ("supervised", _("督办"), "ti-flag", "orange"),
    ]
    cards = [
        _card(label, day.counts[key], icon, f"{work}?{view}tab={key}", tone, f"work-{key}")
        for key, label, icon, tone in tabs
    ]
    return Section(
        role,
        title,
        "portal/home/_handler.html",
        cards,
        {
            "department": person.department,
            "urgent": days_overdue(day.urgent, today),
            "department_categories": categories_led_by(person.department),
            "colleagues": colleagues_of(person),
        },
    )


def _dispatcher(person: Person, today: date) -> Section:
    day = triage_day(person)
    cards = [
        _card(_("待梳理"), day.waiting, "ti-inbox", reverse("issues:triage"), "red", "triage-waiting"),
        # The two parts of the queue, each the issue list of that status within the reader's scope.
        _card(
            _("新登记"), day.new, "ti-file-plus", _url("issues:list", status=Status.REGISTERED), "azure",
            "triage-new",
        ),
        _card(
            _("被退回"), day.returned, "ti-arrow-back-up", _url("issues:list", status=Status.RETURNED),
            "orange", "triage-returned",
        ),
    ]  # fmt: skip
    # What came back resolved waits for the same dispatcher: 待答复 / 待回访 / 待销号.
    tones = {"answer": "purple", "visit": "teal", "close": "green"}
    icons = {"answer": "ti-message-reply", "visit": "ti-phone-check", "close": "ti-circle-check"}
    counts = aftercare_counts(person)
    for key, label in AFTERCARE_TABS:
        if key in counts:
            n, capped = counts[key]
            url = _url("issues:aftercare", tab=key)
            cards.append(Card(label, n, icons[key], url, tones[key], capped, f"aftercare-{key}"))
    data: dict[str, Any] = {"oldest": day.oldest, "routing": category_routing()}
    return Section(Role.DISPATCHER, _("调度"), "portal/home/_dispatcher.html", cards, data)


DUE_ROWS = 20


def _visitor(person: Person, today: date) -> Section:
    due = pairings_due(person, today)
    mine = registered_by_count(person)
    cards = [
        Card(_("本周应走访"), len(due.week), "ti-calendar-week", "#due-week", "red", key="due-week"),
        Card(_("本月应走访"), len(due.month), "ti-calendar-month", "#due-month", "orange", key="due-month"),
        _card(_("我登记的问题"), mine, "ti-notes", reverse("issues:mine"), "blue", "mine"),
    ]  # fmt: skip
    grid = person.region if person.region is not None and person.region.kind == RegionKind.GRID else None
    data = {
        # The most overdue first, a phone screen's worth; the rest are on the coverage page.
        "week": due.week[:DUE_ROWS],
        "week_total": len(due.week),
        "month": due.month[:DUE_ROWS],
        "month_total": len(due.month),
        "rows": DUE_ROWS,
        "grid": grid,
        "grid_key_firms": grid_key_firms(person, grid) if grid is not None else [],
    }
    return Section(Role.VISITOR, _("走访"), "portal/home/_visitor.html", cards, data)


def _evaluator(person: Person, today: date) -> Section:
    return Section(
        Role.EVALUATOR,
        _("测评打分"),
        "portal/home/_evaluator.html",
        data={"meetings": meetings_to_score(person)},
    )


def _supervisor(person: Person, today: date) -> Section:
    board = supervision_board(person, today)
    supervised = StatusGroup.SUPERVISED.value
    lines = []
    for line in board.lines:
        # Not dispatched yet (registered, or returned): the supervised ones of the triage queue.
        where = (
            {"group": supervised, "department": line.department_id}
            if line.department_id
            else {"group": StatusGroup.AWAITING_DISPATCH.value, "supervised": "on"}
        )
        lines.append((line, _url("issues:list", **where), _url("issues:list", **where, overdue="on")))
    cards = [
        Card(_("督办中"), board.total, "ti-flag", _url("issues:list", group=supervised), "orange",
             board.capped, "board-supervised"),
        Card(_("督办且超期"), board.overdue, "ti-alarm", _url("issues:list", group=supervised, overdue="on"),
             "red", board.capped, "board-overdue"),
    ]  # fmt: skip
    data = {"lines": lines, "issues": board.issues, "capped": board.capped}
    return Section(Role.SUPERVISOR, _("督办看板"), "portal/home/_supervisor.html", cards, data)


def _leader(person: Person, today: date) -> Section:
    press = press_day(person, today)
    cards = [
        _card(_("已超期"), press.overdue, "ti-alarm", _url("issues:list", group=StatusGroup.OVERDUE.value),
              "red", "overdue"),
        _card(_("督办中"), press.supervised, "ti-flag", _url("issues:list", group=StatusGroup.SUPERVISED.value),
              "orange", "supervised"),
    ]  # fmt: skip
    movements = ranking_movements(today)
    month = f"{movements.start:%Y-%m}"
    # The month the ranking compares: the bulletin of that month names the same common problems.
    problems = common_problems_seen_by(person, movements.start, movements.end)
    data = {
        "pressing": days_overdue(press.pressing, today),
        "movements": movements,
        "risers": [(m, _url("race:ranking", league=m.league, month=month)) for m in movements.risers],
        "fallers": [(m, _url("race:ranking", league=m.league, month=month)) for m in movements.fallers],
        "problems": [
            (p, _url("issues:list", category=p.category_id, date_from=movements.start.isoformat(),
                     date_to=movements.end.isoformat()))
            for p in problems
        ],
        "coordinations": coordinations_open(person),
    }  # fmt: skip
    return Section(Role.LEADER, _("全局"), "portal/home/_leader.html", cards, data)


def _targets_url(**params: str) -> str:
    return _url("targets:list", **params)


def _territory_cards(person: Person) -> list[Card]:
    t = target_totals(person)
    cards = [
        Card(_("企业"), t.enterprises, "ti-building-factory-2", _targets_url(kind="enterprise")),
        Card(_("重点企业"), t.key, "ti-star", _targets_url(kind="enterprise", key="1"), "orange"),
        Card(_("高校"), t.universities, "ti-school", _targets_url(kind="university"), "green"),
        Card(_("社区 / 村"), t.units, "ti-map-2", "", "teal"),
        Card(_("网格"), t.grids, "ti-grid-dots", "", "purple"),
    ]
    cards = [c for c in cards if c.value or c.icon in ("ti-building-factory-2", "ti-star")]
    if person.is_superuser or person.has_role(*HEADCOUNT_READERS):
        cards.append(Card(_("工作人员"), active_headcount(person), "ti-users", "", "indigo"))
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


def _territory(person: Person) -> dict[str, Any]:
    """The territory's enterprises at a glance, for those who direct work across it."""
    return {
        "cards": _territory_cards(person),
        "links": _links(person),
        "industries": industry_shares(person),
        "territory": territory_rows(person),
        "scope": scope_of(person),
    }


def _admin(person: Person, today: date) -> Section:
    """What an administrator had before the roles had homes of their own: the late and supervised
    counts, above the territory's figures."""
    press = press_day(person, today, rows=0)
    cards = [
        _card(_("超期未办结"), press.overdue, "ti-alarm", _url("issues:list", group=StatusGroup.OVERDUE.value),
              "orange", "admin-overdue"),
        _card(_("挂牌督办"), press.supervised, "ti-flag", _url("issues:list", group=StatusGroup.SUPERVISED.value),
              "red", "admin-supervised"),
    ]  # fmt: skip
    return Section(Role.ADMIN, _("问题办理"), "", cards)


# Each role's section, in the order a person holding several sees them: deadlines and queues first.
BUILDERS: dict[str, Callable[[Person, date], Section | None]] = {
    Role.HEAD: _head,
    Role.HANDLER: _handler,
    Role.DISPATCHER: _dispatcher,
    Role.VISITOR: _visitor,
    Role.EVALUATOR: _evaluator,
    Role.SUPERVISOR: _supervisor,
    Role.LEADER: _leader,
    Role.ADMIN: _admin,
}


def sections_for(person: Person, today: date) -> list[Section]:
    roles = person.roles | ({Role.ADMIN} if person.is_superuser else set())
    sections = []
    for role, builder in BUILDERS.items():
        if role in roles and (section := builder(person, today)) is not None:
            sections.append(section)
    return sections


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "person": person,
        "sections": sections_for(person, today),
        "has_roles": person.is_superuser or bool(person.roles),
    }
    if person.is_superuser or person.has_role(*TERRITORY_FIGURE_READERS):
        context.update(_territory(person))
    return render(request, "portal/home.html", context)
