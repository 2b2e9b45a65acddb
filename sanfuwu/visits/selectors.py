"""Reads of visits and pairings, each starting from one access function per object type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Q, QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone

from sanfuwu.core.periods import day_range, month_bounds
from sanfuwu.people.models import Person
from sanfuwu.people.roles import OVERSEERS
from sanfuwu.people.scope import scope_of
from sanfuwu.targets.models import Target
from sanfuwu.visits.coverage import coverage
from sanfuwu.visits.models import Pairing, Policy, Visit


def visits_visible_to(person: Person) -> QuerySet[Visit]:
    """The visits of a person's region subtree, those their department came along to, and their own."""
    qs = Visit.objects.select_related("region", "recorded_by")
    scope = scope_of(person)
    if scope.everything:
        return qs
    visible = Q(recorded_by=person) | Q(
        pk__in=Visit.visitors.through.objects.filter(person=person).values("visit_id")
    )
    if person.region_id and scope.region is not None:
        visible |= Q(region_id__in=scope.region_ids())
    if person.department_id:
        visible |= Q(
            pk__in=Visit.departments.through.objects.filter(department_id=person.department_id).values(
                "visit_id"
            )
        )
    return qs.filter(visible)


def visit_get_for(person: Person, pk: int) -> Visit:
    try:
        return visits_visible_to(person).get(pk=pk)
    except Visit.DoesNotExist:
        raise Http404("没有找到该走访记录") from None


def visit_span(params: QueryDict) -> tuple[date, date] | None:
    """The month a visit list asks for (this month unless named), or every month with month=all."""
    if params.get("month") == "all":
        return None
    return month_bounds(params.get("month"), timezone.localdate())


def visit_rows_for(person: Person, span: tuple[date, date] | None, *, mine: bool = False) -> QuerySet[Visit]:
    """The visits a person sees made on the days of `span` (all of them with None); `mine` keeps
    those they recorded or came along to."""
    qs = visits_visible_to(person)
    if span is not None:
        since, until = day_range(*span)
        qs = qs.filter(visited_at__gte=since, visited_at__lt=until)
    if mine:
        qs = qs.filter(Q(recorded_by=person) | Q(visitors=person)).distinct()
    return qs


def pairings_visible_to(person: Person) -> QuerySet[Pairing]:
    """Overseers see the pairings of targets in their territory; a department its own; everyone
    the pairings they hold themselves."""
    qs = Pairing.objects.select_related("target", "target__grid", "target__region", "person", "department")
    scope = scope_of(person)
    if scope.everything:
        return qs
    visible = Q(person=person)
    if person.has_role(*OVERSEERS) and person.region_id and scope.region is not None:
        ids = scope.region_ids()
        visible |= Q(target__region_id__in=ids) | Q(target__grid_id__in=ids)
    if person.department_id:
        visible |= Q(department_id=person.department_id)
    return qs.filter(visible)


def pairing_rows_for(person: Person, term: str) -> QuerySet[Pairing]:
    """The pairing list's rows: a person's visible pairings whose target or holder matches `term`."""
    qs = pairings_visible_to(person)
    term = term.strip()
    if term:
        qs = qs.filter(Q(target__name__icontains=term) | Q(person__name__icontains=term))
    return qs.order_by("target__grid__name", "target__name", "id")


def policies_heard(target: Target) -> list[tuple[Policy, date]]:
    """Which policies were explained to a target, each with the last time it was."""
    rows = (
        Visit.policies.through.objects.filter(visit__visit_targets__target=target)
        .values("policy_id")
        .annotate(last=Max("visit__visit_targets__visited_on"))
    )
    last = {row["policy_id"]: row["last"] for row in rows}
    policies = Policy.objects.filter(pk__in=last)
    return sorted(((p, last[p.pk]) for p in policies), key=lambda pair: pair[1], reverse=True)


@dataclass(frozen=True)
class DuePairing:
    """A pairing whose running slot is not met yet: the target to visit, by when, and how far behind."""

    pairing: Pairing
    due_by: date  # the last day of the running slot
    missed: int  # earlier slots of the last quarter that went without a visit
    last_visit: date | None


@dataclass
class VisitsDue:
    week: list[DuePairing]
    month: list[DuePairing]


# Far enough back to see the quarter before for a quarterly pairing, and a weekly one's weeks.
DUE_LOOKBACK_DAYS = 92


def pairings_due(person: Person, today: date) -> VisitsDue:
    """The pairings a person holds whose running slot ends this week or this month and has no
    visit yet, most overdue first: the most slots missed lately, then the longest since the last
    visit (never visited before all), then the earliest due. Counted as 走访覆盖 counts them."""
    sunday = today + timedelta(days=6 - today.weekday())
    _first, month_end = month_bounds(None, today)
    # A week that runs into next month is still this week's.
    until = max(month_end, sunday)
    own = pairings_visible_to(person).filter(person=person)
    results = coverage(own, start=today - timedelta(days=DUE_LOOKBACK_DAYS), end=until, today=today)
    week: list[DuePairing] = []
    month: list[DuePairing] = []
    for result in results:
        if result.pending is None or result.pending.end > until:
            continue
        due = DuePairing(result.pairing, result.pending.end, len(result.missed), result.last_visit)
        (week if due.due_by <= sunday else month).append(due)
    for rows in (week, month):
        rows.sort(key=lambda d: (-d.missed, d.last_visit or date.min, d.due_by, d.pairing.target.name))
    return VisitsDue(week=week, month=month)
