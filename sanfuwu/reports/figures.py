"""The figures a bulletin (通报) states, for a unit and a period, from the data and nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sanfuwu.coordination.common import common_problems_in
from sanfuwu.core.periods import day_range, month_bounds
from sanfuwu.issues.models import (
    DONE_STATUSES,
    Assignment,
    Issue,
    IssueEvent,
    Rating,
    Status,
    Tier,
    overdue_q,
    supervised_open_q,
)
from sanfuwu.issues.selectors import issues_visible_to
from sanfuwu.orgs.models import Region
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.scoring.measures import accepted_in_time
from sanfuwu.visits.coverage import coverage
from sanfuwu.visits.models import Pairing


@dataclass
class TierLine:
    tier: str
    label: str
    total: int
    done: int


@dataclass
class DepartmentLine:
    name: str
    dispatched: int
    accepted: int  # by the end of the next working day, as the horse race's response rate counts
    due: int
    on_time: int
    rated: int
    pleased: int

    @property
    def satisfaction(self) -> float | None:
        return self.pleased / self.rated if self.rated else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass
class Figures:
    unit: Region
    start: date
    end: date
    collected: int = 0
    resolved: int = 0
    tiers: list[TierLine] = field(default_factory=list)
    departments: list[DepartmentLine] = field(default_factory=list)
    overdue: list[Issue] = field(default_factory=list)  # the longest overdue first, at most 30
    supervised: list[Issue] = field(default_factory=list)
    overdue_count: int = 0
    supervised_count: int = 0
    categories: list[tuple[str, int, list[str]]] = field(default_factory=list)
    # 共性问题 by topic, raised in at least K places of the unit, and 专题协调 in hand or closed in
    # the period: what the bulletin's sixth part reports.
    common: list[Any] = field(default_factory=list)
    coordinations: list[Any] = field(default_factory=list)
    coverage_rate: float | None = None
    coverage_counts: tuple[int, int] = (0, 0)
    blind_spots: list[tuple[str, str, date | None]] = field(default_factory=list)  # at most 15
    blind_spot_count: int = 0
    # A week owes no monthly visit of its own: its bulletin tells the month so far, up to this day.
    coverage_month_to: date | None = None

    @property
    def resolution_rate(self) -> float | None:
        return self.resolved / self.collected if self.collected else None


EXAMPLES_READ = 200  # the latest titles of a category read to find its common problems
SAME_PROBLEM = 0.8  # titles this alike (after the place) name one problem
PUNCTUATION = " \t\r\n。，、；：！？!?,.;:…"


def _place_names() -> list[str]:
    """Region names, the longest first, as they open the titles of problems raised there."""
    return sorted(set(Region.objects.values_list("name", flat=True)), key=len, reverse=True)


def problem_core(title: str, places: list[str], target: str | None = None) -> str:
    """A title without the place or enterprise that opens it and without closing punctuation:
    "医药港小镇小区夜间停车位严重不足" and "云滨社区小区夜间停车位严重不足" are one problem."""
    core = title.strip(PUNCTUATION)
    for name in ([target] if target else []) + places:
        if name and core.startswith(name) and len(core) > len(name) + 3:
            core = core[len(name) :].lstrip(PUNCTUATION + "的")
            break
    return core.strip(PUNCTUATION)


def _alike(a: str, b: str) -> bool:
    return a == b or SequenceMatcher(None, a, b).ratio() >= SAME_PROBLEM


def distinct_problems(
    titles: Iterable[tuple[str, str | None]], places: list[str], named: Iterable[str] = (), limit: int = 3
) -> list[tuple[str, int]]:
    """The distinct problems among (title, enterprise) pairs, the most often raised first (then the
    latest), each with how many times; never one alike to another or to one already `named`."""
    before = list(named)
    groups: list[list[Any]] = []  # [core, times], in the order first met
    for title, target in titles:
        core = problem_core(title, places, target)
        if not core or any(_alike(old, core) for old in before):
            continue
        for group in groups:
            if _alike(group[0], core):
                group[1] += 1
                break
        else:
            groups.append([core, 1])
    ranked = sorted(enumerate(groups), key=lambda g: (-g[1][1], g[0]))
    return [(core, n) for _i, (core, n) in ranked[:limit]]


@dataclass(frozen=True)
class CommonProblem:
    """共性问题: a category many issues of a period share, with a few of their titles."""

    category_id: int
    name: str
    count: int
    examples: list[str]


def common_problems(collected: QuerySet[Issue], n: int = 5) -> list[CommonProblem]:
    """The categories raised most often among `collected` (the issues of a period), the most first,
    each with its latest titles: the bulletin's 共性问题 and the leader's home read the same."""
    top = list(
        collected.order_by()
        .values("category_id", "category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "category__name")[:n]
    )
    return [
        CommonProblem(
            category_id=row["category_id"],
            name=row["category__name"],
            count=row["n"],
            examples=examples,
        )
        for row, examples in zip(
            top, _distinct_examples(collected, [r["category_id"] for r in top]), strict=True
        )
    ]


def _distinct_examples(collected: QuerySet[Issue], category_ids: list[int]) -> list[list[str]]:
    """Each category's distinct problems among its latest titles, a problem named under one
    category never named again under another: "小区夜间停车位严重不足（20件）"."""
    places = _place_names()
    seen: list[str] = []
    found = []
    for category_id in category_ids:
        recent = (
            collected.filter(category_id=category_id)
            .order_by("-registered_at")
            .values_list("title", "target__name")[:EXAMPLES_READ]
        )
        examples = distinct_problems(recent, places, seen)
        seen.extend(core for core, _n in examples)
        found.append([f"{core}（{k}件）" if k > 1 else core for core, k in examples])
    return found


# A past month's common problems barely change, and grouping a month of a large district's issues
# by category takes half a second: the home keeps them for ten minutes.
COMMON_PROBLEMS_TTL = 600


def common_problems_seen_by(person: Person, start: date, end: date, n: int = 5) -> list[CommonProblem]:
    """The common problems among the issues a person sees registered in [start, end], void ones
    left out as the bulletin leaves them out; kept a while per territory and period."""
    scope = scope_of(person)
    key = f"common-problems-{scope.everything}-{scope.region.pk if scope.region else ''}-{start}-{end}-{n}"
    cached = cache.get(key)
    if isinstance(cached, list):
        return cached
    since, until = day_range(start, end)
    seen = issues_visible_to(person).exclude(status=Status.VOID)
    problems = common_problems(seen.filter(registered_at__gte=since, registered_at__lt=until), n)
    cache.set(key, problems, COMMON_PROBLEMS_TTL)
    return problems


def coordinations_for_bulletin(unit: Region, since: datetime, until: datetime) -> list[Any]:
    """专题协调 still in hand, or closed in the period, with issues of `unit`'s territory."""
    from sanfuwu.coordination.models import Coordination, CoordinationStatus

    ours = Coordination.objects.filter(links__issue__region__path__startswith=unit.path).values("pk")
    live = Q(closed_at__isnull=True) | Q(closed_at__gte=since, closed_at__lt=until)
    qs = Coordination.objects.filter(pk__in=ours).filter(live, raised_at__lt=until)
    qs = qs.annotate(
        issue_count=Count("links", distinct=True), task_count=Count("tasks", distinct=True),
        done_tasks=Count("tasks", filter=Q(tasks__done_at__isnull=False), distinct=True),
    ).order_by("raised_at")  # fmt: skip
    return [c for c in qs[:20] if c.status in CoordinationStatus.values]


def bulletin_figures(unit: Region, start: date, end: date) -> Figures:
    since, until = day_range(start, end)
    territory = Issue.objects.filter(region__in=unit.subtree()).exclude(status=Status.VOID)
    collected = territory.filter(registered_at__gte=since, registered_at__lt=until)
    figures = Figures(unit=unit, start=start, end=end, collected=collected.count(),
                      resolved=collected.filter(status__in=DONE_STATUSES).count())  # fmt: skip
    by_tier = {
        row["tier"]: row
        for row in collected.values("tier").annotate(
            n=Count("id"), done=Count("id", filter=Q(status__in=DONE_STATUSES))
        )
    }
    figures.tiers = [
        TierLine(tier, str(label), by_tier.get(tier, {}).get("n", 0), by_tier.get(tier, {}).get("done", 0))
        for tier, label in Tier.choices
    ]
    rows: dict[str, dict[str, Any]] = {}

    def line(name: str) -> dict[str, Any]:
        return rows.setdefault(
            name, {"dispatched": 0, "accepted": 0, "due": 0, "on_time": 0, "rated": 0, "pleased": 0}
        )

    # Every handover counts, a later return included: what each department was given to do.
    handed = Assignment.objects.filter(
        is_lead=True, dispatched_at__gte=since, dispatched_at__lt=until, issue__in=territory
    )
    in_time = accepted_in_time(start, end) or Q(pk__in=[])
    for row in handed.values("department__name").annotate(n=Count("id"), ok=Count("id", filter=in_time)):
        line(row["department__name"]).update(dispatched=row["n"], accepted=row["ok"])
    due = territory.filter(due_date__gte=start, due_date__lte=end, lead_department__isnull=False)
    for issue in due.values("lead_department__name", "due_date", "resolved_at"):
        entry = line(issue["lead_department__name"])
        entry["due"] += 1
        resolved, due_on = issue["resolved_at"], issue["due_date"]
        entry["on_time"] += bool(resolved and due_on and timezone.localtime(resolved).date() <= due_on)
    rated = IssueEvent.objects.filter(
        action="rate", at__gte=since, at__lt=until, issue__in=territory, issue__lead_department__isnull=False
    )
    pleased = Q(changes__rating__in=[Rating.SATISFIED.value, Rating.BASIC.value])
    for row in rated.values("issue__lead_department__name").annotate(
        n=Count("id"), ok=Count("id", filter=pleased)
    ):
        line(row["issue__lead_department__name"]).update(rated=row["n"], pleased=row["ok"])
    figures.departments = sorted(
        (DepartmentLine(name=k, **v) for k, v in rows.items()), key=lambda d: (-d.dispatched, d.name)
    )
    # Late and supervised as they stand today: the list a bulletin asks departments to act on.
    today = timezone.localdate()
    overdue = territory.filter(overdue_q(today))
    supervised = territory.filter(supervised_open_q())
    figures.overdue_count, figures.supervised_count = overdue.count(), supervised.count()
    figures.overdue = list(overdue.select_related("lead_department").order_by("due_date")[:30])
    figures.supervised = list(
        supervised.select_related("lead_department").order_by("-supervision_level", "due_date")[:30]
    )
    figures.categories = [(p.name, p.count, p.examples) for p in common_problems(collected)]
    figures.common = common_problems_in(unit, start, end)[:10]
    figures.coordinations = coordinations_for_bulletin(unit, since, until)
    ids = unit.subtree().values("id")
    pairings = Pairing.objects.filter(Q(target__region_id__in=ids) | Q(target__grid_id__in=ids))
    if (end - start).days < 27:
        first, last = month_bounds(f"{end:%Y-%m}", end)
        # As of the day after the week: what was met counts, what is still open is still owed.
        every = coverage(pairings, start=first, end=last, today=end + timedelta(days=1))
        results = [r for r in every if r.counted or r.pending]
        figures.coverage_month_to = end
    else:
        results = [
            r for r in coverage(pairings, start=start, end=end, today=timezone.localdate()) if r.counted
        ]
    met = sum(r.fulfilled for r in results)
    figures.coverage_counts = (met, len(results))
    figures.coverage_rate = met / len(results) if results else None
    # The longest without a visit first (never visited before all), as a bulletin asks to act on them.
    gaps = sorted(
        (r for r in results if not r.fulfilled), key=lambda r: (r.last_visit or date.min, r.pairing.pk)
    )
    figures.blind_spot_count = len(gaps)
    figures.blind_spots = [(r.pairing.target.name, r.pairing.holder_name, r.last_visit) for r in gaps[:15]]
    return figures
