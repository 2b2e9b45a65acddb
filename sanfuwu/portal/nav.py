"""The navigation: which entries each role sees. Later apps add their entries here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanfuwu.issues.aftercare import AFTERCARE_ROLES, aftercare_waiting
from sanfuwu.people.models import Person, Role
from sanfuwu.people.roles import (
    CHANNEL_WATCHERS,
    COMMON_READERS,
    COORDINATORS,
    DASHBOARD_READERS,
    DEPARTMENT_STAFF,
    EVERYONE,
    IMPORTERS,
    REVIEW_PARTICIPANTS,
)


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[str]
    section: str  # the first path segment that marks this entry active
    # How many wait behind the entry, shown beside it so nothing waits unseen: (count, capped).
    counter: Callable[[Person], tuple[int, bool]] | None = None
    count: tuple[int, bool] | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    @property
    def anchor(self) -> str:
        """The entry's name as an HTML id, so that a page's fragment can update its count."""
        return self.url_name.replace(":", "-")


NAV = [
    NavEntry(_("工作台"), "home", "ti-layout-dashboard", EVERYONE, ""),
    NavEntry(
        _("数据驾驶舱"), "race:dashboard", "ti-device-desktop-analytics", DASHBOARD_READERS, "race/dashboard"
    ),
    NavEntry(_("赛马排名"), "race:ranking", "ti-trophy", EVERYONE, "race"),
    NavEntry(_("共性问题"), "common:page", "ti-map-2", COMMON_READERS, "common"),
    NavEntry(
        _("专题协调"), "common:coordinations", "ti-users-group", DEPARTMENT_STAFF, "common/coordination"
    ),
    NavEntry(_("测评打分"), "race:reviews", "ti-star", REVIEW_PARTICIPANTS, "race/reviews"),
    NavEntry(_("待梳理"), "issues:triage", "ti-inbox", frozenset({Role.DISPATCHER}), "issues/triage"),
    NavEntry(
        _("办结后续"),
        "issues:aftercare",
        "ti-phone-check",
        AFTERCARE_ROLES,
        "issues/aftercare",
        counter=aftercare_waiting,
    ),
    NavEntry(_("部门工作清单"), "issues:work", "ti-checklist", DEPARTMENT_STAFF, "issues/work"),
    NavEntry(_("我登记的问题"), "issues:mine", "ti-notes", frozenset({Role.VISITOR}), "issues/mine"),
    NavEntry(_("问题诉求"), "issues:list", "ti-messages", EVERYONE, "issues"),
    NavEntry(_("记录走访"), "visits:new", "ti-map-pin-plus", frozenset({Role.VISITOR}), "visits/new"),
    NavEntry(_("走访记录"), "visits:list", "ti-walk", EVERYONE, "visits"),
    NavEntry(_("走访覆盖"), "visits:coverage", "ti-chart-donut", EVERYONE, "visits/coverage"),
    NavEntry(_("集中走访"), "visits:campaigns", "ti-flag", COORDINATORS, "visits/campaigns"),
    NavEntry(_("包联关系"), "visits:pairings", "ti-link", EVERYONE, "visits/pairings"),
    NavEntry(_("联系对象"), "targets:list", "ti-building-factory-2", EVERYONE, "targets"),
    NavEntry(_("Excel 导入"), "imports:page", "ti-file-import", IMPORTERS, "imports"),
    NavEntry(_("人员通讯录"), "people:list", "ti-address-book", COORDINATORS, "people"),
    NavEntry(_("网上诉求拒绝记录"), "public:refusals", "ti-shield-x", CHANNEL_WATCHERS, "public"),
]


def nav_for(person: Person) -> list[NavEntry]:
    roles = person.roles
    if person.is_superuser:
        roles = roles | {Role.ADMIN}
    return [
        replace(entry, count=entry.counter(person)) if entry.counter else entry
        for entry in NAV
        if entry.roles & roles
    ]
