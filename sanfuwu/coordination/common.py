"""共性问题: a topic of a category (sanfuwu.triage.topics) raised in at least K distinct places
(contact targets, or regions where none) within a period, with what leaders ask of it: how many,
where, the trend by month, the departments that led on it and how far along its issues are.

Read by grouping the period's topic rows (one index: registered_at, category, topic) in a few
queries for the whole page, whatever the number of issues; void issues (merged duplicates
among them) are left out, so a problem counts once however often it was reported."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from sanfuwu.core.periods import day_start
from sanfuwu.issues.models import AWAITING_DISPATCH_STATUSES, DONE_STATUSES, Issue, Status, StatusGroup
from sanfuwu.issues.selectors import issues_visible_to
from sanfuwu.orgs.models import Category, Region
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.triage.models import IssueTopic

LIMIT = 30


@dataclass
class CommonProblem:
    category: Category
    topic: str
    count: int
    places: int
    months: list[tuple[str, int]] = field(default_factory=list)
    regions: list[tuple[Region, int]] = field(default_factory=list)
    departments: list[tuple[str, int]] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    # The open 专题协调 already raised from it, if any (set by the page).
    coordination: object = None

    @property
    def key(self) -> str:
        return f"{self.category.code}:{self.topic}"

    @property
    def label(self) -> str:
        return f"{self.topic}（{self.category.name}）"


def min_places() -> int:
    return int(settings.SANFUWU_COMMON_PROBLEM_PLACES)


def topics_seen_by(person: Person, start: date, end: date) -> QuerySet[IssueTopic]:
    """The period's topic rows of the issues `person` sees by territory, void ones left out."""
    qs = IssueTopic.objects.filter(registered_at__gte=day_start(start), registered_at__lt=day_start(end))
    scope = scope_of(person)
    if not scope.everything:
        qs = qs.filter(region_id__in=scope.region_ids()) if scope.region is not None else qs.none()
    return qs.exclude(issue__status=Status.VOID)


def common_problems(
    person: Person, start: date, end: date, *, places: int | None = None
) -> list[CommonProblem]:
    """The period's common problems in `person`'s territory, the most widespread first."""
    return _problems(topics_seen_by(person, start, end), places or min_places())


def common_problems_in(unit: Region, start: date, end: date) -> list[CommonProblem]:
    """The common problems of `unit`'s territory from `start` to `end` inclusive (the bulletin's)."""
    seen = IssueTopic.objects.filter(
        registered_at__gte=day_start(start), registered_at__lt=day_start(end + timedelta(days=1)),
        region__path__startswith=unit.path,
    ).exclude(issue__status=Status.VOID)  # fmt: skip
    return _problems(seen, min_places())


def _problems(seen: QuerySet[IssueTopic], k: int) -> list[CommonProblem]:
    rows = list(
        seen.values("category_id", "topic")
        .annotate(n=Count("issue"), places=Count("place", distinct=True))
        .filter(places__gte=k)
        .order_by("-places", "-n", "topic")[:LIMIT]
    )
    if not rows:
        return []
    categories = Category.objects.in_bulk({r["category_id"] for r in rows})
    problems = {
        (r["category_id"], r["topic"]): CommonProblem(
            categories[r["category_id"]], r["topic"], r["n"], r["places"]
        )
        for r in rows
    }
    chosen = Q()
    for category_id, topic in problems:
        chosen |= Q(category_id=category_id, topic=topic)
    members = seen.filter(chosen)
    months = members.annotate(month=TruncMonth("registered_at")).values("category_id", "topic", "month")
    for r in months.annotate(n=Count("issue")).order_by("month"):
        problems[(r["category_id"], r["topic"])].months.append((_month(r["month"]), r["n"]))
    by_region: dict[tuple[int, str], Counter[int]] = defaultdict(Counter)
    for r in members.values("category_id", "topic", "region_id").annotate(n=Count("issue")):
        by_region[(r["category_id"], r["topic"])][r["region_id"]] = r["n"]
    regions = Region.objects.in_bulk({rid for c in by_region.values() for rid in c})
    for key, counts in by_region.items():
        problems[key].regions = [(regions[rid], n) for rid, n in counts.most_common()]
    leads = members.exclude(issue__lead_department=None).values(
        "category_id", "topic", "issue__lead_department__name"
    )
    for r in leads.annotate(n=Count("issue")).order_by("-n"):
        problems[(r["category_id"], r["topic"])].departments.append(
            (r["issue__lead_department__name"], r["n"])
        )
    for r in members.values("category_id", "topic", "issue__status").annotate(n=Count("issue")):
        statuses = problems[(r["category_id"], r["topic"])].statuses
        group = _group(r["issue__status"])
        statuses[group] = statuses.get(group, 0) + r["n"]
    return list(problems.values())


def _group(status: str) -> str:
    """待交办, 办理中 or 已办结, the three a leader reads a problem's progress by."""
    if status in AWAITING_DISPATCH_STATUSES:
        return StatusGroup.AWAITING_DISPATCH
    if status in DONE_STATUSES:
        return StatusGroup.DONE
    return StatusGroup.HANDLING


def _month(value: datetime | date) -> str:
    return f"{value.year}-{value.month:02d}"


def period_months(months: int, today: date) -> tuple[date, date]:
    """The last `months` calendar months, this one included, as [start, end)."""
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1), today + timedelta(days=1)


def problem_members(
    person: Person, start: date, end: date, category: Category, topic: str
) -> QuerySet[Issue]:
    """The issues of one common problem in the period that `person` may open, newest first."""
    ids = topics_seen_by(person, start, end).filter(category=category, topic=topic).values("issue_id")
    return issues_visible_to(person).filter(pk__in=ids).exclude(status=Status.VOID).order_by("-registered_at")


def problem_places(person: Person, start: date, end: date, category: Category, topic: str) -> dict[int, int]:
    """Per region, how many of the problem's issues it raised: what the map colours."""
    rows = topics_seen_by(person, start, end).filter(category=category, topic=topic)
    return dict(rows.values("region_id").annotate(n=Count("issue")).values_list("region_id", "n"))
