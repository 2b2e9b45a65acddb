"""What the home page reads of issues, role by role: a few capped counts and a few rows each.

Each count is taken from the very query of the list its link opens (a worklist tab, the triage
queue, the issue list narrowed to a status group), so that the number is the length of that list.
Counts stop at `capped_count`'s cap and rows are a handful: on a district of a million issues the
home reads an index range per figure, never a whole territory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Min, QuerySet

from sanfuwu.core.paging import capped_count
from sanfuwu.issues.models import RUNNING_STATUSES, Issue, Status, overdue_q, supervised_open_q
from sanfuwu.issues.selectors import issue_triage_queue, issue_worklists, issues_visible_to
from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person

# Rows a home list shows: enough to start the day with, few enough to read at a glance.
HOME_ROWS = 8


@dataclass(frozen=True)
class Tally:
    """A count as a list page shows it: exact up to the cap, "cap+" beyond."""

    n: int
    capped: bool = False


def tally(qs: QuerySet[Issue]) -> Tally:
    return Tally(*capped_count(qs))


def _lean(qs: QuerySet[Issue]) -> QuerySet[Issue]:
    return qs.select_related("category", "region", "lead_department")


@dataclass
class WorkDay:
    """A department's worklist at a glance: its tab counts and its most urgent items."""

    department: Department
    counts: dict[str, Tally]
    urgent: list[Issue]


def worklist_day(department: Department, today: date) -> WorkDay:
    """The worklist's tab counts, and the running items the department leads, the longest overdue
    first and then the nearest deadline (an item without a deadline last)."""
    tabs = issue_worklists(department)
    running = Issue.objects.filter(lead_department=department, status__in=RUNNING_STATUSES)
    urgent = _lean(running).order_by(F("due_date").asc(nulls_last=True), "registered_at", "id")
    return WorkDay(
        department=department,
        counts={key: tally(qs) for key, qs in tabs.items()},
        urgent=list(urgent[:HOME_ROWS]),
    )


@dataclass
class TriageDay:
    """The dispatcher's queue: what came in, what came back, and who has waited longest."""

    waiting: Tally
    new: Tally
    returned: Tally
    oldest: list[Issue]


def triage_day(person: Person) -> TriageDay:
    queue = issue_triage_queue(person)
    return TriageDay(
        waiting=tally(queue),
        new=tally(queue.filter(status=Status.REGISTERED)),
        returned=tally(queue.filter(status=Status.RETURNED)),
        oldest=list(queue.order_by("registered_at", "id")[:HOME_ROWS]),
    )


@dataclass
class PressDay:
    """What a leader presses for: late and supervised open issues, the latest first on the list."""

    overdue: Tally
    supervised: Tally
    pressing: list[Issue]


def press_day(person: Person, today: date, *, rows: int = HOME_ROWS) -> PressDay:
    """Overdue (已超期) and supervised (督办中) as the issue list's groups count them; the list holds
    both, the longest overdue first (a supervised issue without a deadline last)."""
    visible = issues_visible_to(person)
    pressing = visible.filter(overdue_q(today) | supervised_open_q()).order_by(
        F("due_date").asc(nulls_last=True), "-supervised", "registered_at", "id"
    )
    return PressDay(
        overdue=tally(visible.filter(overdue_q(today))),
        supervised=tally(visible.filter(supervised_open_q())),
        pressing=list(pressing[:rows]) if rows else [],
    )


@dataclass
class BoardLine:
    """One department's part of the supervision board; `department` None: not dispatched yet."""

    department_id: int | None
    name: str
    supervised: int
    overdue: int
    most_overdue_days: int  # 0 when none of them is late


@dataclass
class SupervisionBoard:
    lines: list[BoardLine] = field(default_factory=list)
    issues: list[tuple[Issue, int]] = field(default_factory=list)  # with its days overdue (0: on time)
    total: int = 0
    overdue: int = 0


def supervision_board(person: Person, today: date) -> SupervisionBoard:
    """督办 on the board, by lead department: how many, how many late and by how long at worst, the
    departments with the longest-late item first; and the items themselves, the longest late first.
    Supervised open issues are few (a flag set by hand), so one grouped read covers them all."""
    supervised = issues_visible_to(person).filter(supervised_open_q())
    late = overdue_q(today)
    rows = (
        supervised.order_by()
        .values("lead_department_id", "lead_department__name")
        .annotate(n=Count("id"), late=Count("id", filter=late), oldest=Min("due_date", filter=late))
    )
    lines = [
        BoardLine(
            department_id=row["lead_department_id"],
            name=row["lead_department__name"] or "",
            supervised=row["n"],
            overdue=row["late"],
            most_overdue_days=(today - row["oldest"]).days if row["oldest"] else 0,
        )
        for row in rows
    ]
    lines.sort(key=lambda line: (-line.most_overdue_days, -line.overdue, -line.supervised, line.name))
    items = _lean(supervised).order_by(F("due_date").asc(nulls_last=True), "registered_at", "id")
    issues = [(issue, _days_overdue(issue, today)) for issue in items[:HOME_ROWS]]
    return SupervisionBoard(
        lines=lines,
        issues=issues,
        total=sum(line.supervised for line in lines),
        overdue=sum(line.overdue for line in lines),
    )


def _days_overdue(issue: Issue, today: date) -> int:
    return (today - issue.due_date).days if issue.is_overdue(today) and issue.due_date else 0


def days_overdue(issues: list[Issue], today: date) -> list[tuple[Issue, int]]:
    """Each issue with how many days it is late (0: not late)."""
    return [(issue, _days_overdue(issue, today)) for issue in issues]


def registered_by_count(person: Person) -> Tally:
    """我登记的问题: what the person registered, as the page of that name lists it."""
    return tally(issues_visible_to(person).filter(registered_by=person))
