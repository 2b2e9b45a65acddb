"""What the home page reads of issues, role by role: a few capped counts and a few rows each.

Each count is taken from the very query of the list its link opens (a worklist tab, the triage
queue, the issue list narrowed to a status group), so that the number is the length of that list.
Counts stop at `badge_count`'s cap (999+) and rows are a handful: on a district of a million issues the
home reads an index range per figure, never a whole territory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from sanfuwu.core.paging import badge_count, count_cap
from sanfuwu.issues.models import (
    AWAITING_DISPATCH_STATUSES,
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Issue,
    Status,
    overdue_q,
    supervised_open_q,
)
from sanfuwu.issues.selectors import (
    deadline_first_ids,
    issue_triage_queue,
    issue_worklists,
    issues_visible_to,
)
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
    return Tally(*badge_count(qs))


def _top(qs: QuerySet[Issue], *order: Any, n: int = HOME_ROWS) -> list[Issue]:
    """The first `n` issues of `qs` in `order`, chosen on the issue table alone and then read with
    their category, region and lead department: joined in the choosing query, those tables steer
    SQLite's planner off the issue indexes and into reading the whole table."""
    if n <= 0:
        return []
    ids = list(qs.select_related(None).order_by(*order).values_list("pk", flat=True)[:n])
    rows = Issue.objects.select_related("category", "region", "lead_department").in_bulk(ids)
    return [rows[pk] for pk in ids]


def _supervised_open(qs: QuerySet[Issue]) -> QuerySet[Issue]:
    """supervised_open_q, with `supervised IN (true)` beside it: SQLite reads a bare boolean
    condition without its index, and the board must not read the whole table for a few flags."""
    return qs.filter(supervised_open_q(), supervised__in=[True])


def _first_on_board(supervised: QuerySet[Issue], n: int = HOME_ROWS) -> list[Issue]:
    """The first `n` of the board (督办) in deadline order, those without a deadline last, chosen
    per open status along the board's (status, due_date) index (deadline_first_ids): in one query
    the whole board (a hundred thousand flagged issues at a million) is sorted for eight rows."""
    ids = deadline_first_ids(supervised, OPEN_STATUSES, n) if n > 0 else []
    rows = Issue.objects.select_related("category", "region", "lead_department").in_bulk(ids)
    return [rows[pk] for pk in ids]


@dataclass
class WorkDay:
    """A department's worklist at a glance: its tab counts and its most urgent items."""

    department: Department
    counts: dict[str, Tally]
    urgent: list[Issue]


def worklist_day(department: Department, today: date) -> WorkDay:
    """The worklist's tab counts, and the running items the department leads, the longest overdue
    first and then the nearest deadline."""
    tabs = issue_worklists(department)
    counts = {key: tally(qs) for key, qs in tabs.items() if key != "supervised"}
    # The same rows as the tab's, found from the few supervised issues rather than by reading every
    # open issue of the department for its flag.
    counts["supervised"] = tally(
        tabs["supervised"].filter(pk__in=_supervised_open(Issue.objects.all()).values("pk"))
    )
    # Each running status on its own range of the (lead_department, status, due_date) index, in
    # deadline order with nothing to sort; merged here. An item without a deadline is not urgent.
    running = [
        _top(
            Issue.objects.filter(lead_department=department, status=status, due_date__isnull=False),
            "due_date",
        )
        for status in sorted(RUNNING_STATUSES)
    ]
    urgent = sorted((i for rows in running for i in rows), key=lambda i: (i.due_date, i.registered_at, i.pk))
    return WorkDay(department=department, counts=counts, urgent=urgent[:HOME_ROWS])


@dataclass
class TriageDay:
    """The dispatcher's queue: what came in, what came back, and who has waited longest."""

    waiting: Tally
    new: Tally
    returned: Tally
    oldest: list[Issue]


def triage_day(person: Person) -> TriageDay:
    queue = issue_triage_queue(person)
    # Each waiting status on its own range of the (status, registered_at) index, oldest first, and
    # merged here: asked for both at once, SQLite walks every issue of the district by date.
    waiting = [
        _top(queue.filter(status=status), "registered_at", "id")
        for status in sorted(AWAITING_DISPATCH_STATUSES)
    ]
    oldest = sorted((i for rows in waiting for i in rows), key=lambda i: (i.registered_at, i.pk))
    return TriageDay(
        waiting=tally(queue),
        new=tally(queue.filter(status=Status.REGISTERED)),
        returned=tally(queue.filter(status=Status.RETURNED)),
        oldest=oldest[:HOME_ROWS],
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
    overdue = visible.filter(overdue_q(today))
    supervised = _supervised_open(visible)
    # The first rows of "overdue or supervised" are the first of the two lists merged; each list is
    # read on its own index, where the two conditions joined by OR would read the whole table. The
    # overdue ones by deadline alone: the (due_date, status) index then hands them over in order,
    # where any further key would sort every late issue of the district first.
    late_first = _top(overdue, "due_date", n=rows)
    board_first = _first_on_board(supervised, n=rows)
    both = {issue.pk: issue for issue in late_first + board_first}
    pressing = sorted(
        both.values(),
        key=lambda i: (i.due_date is None, i.due_date or today, not i.supervised, i.registered_at, i.pk),
    )
    return PressDay(overdue=tally(overdue), supervised=tally(supervised), pressing=pressing[:rows])


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
    capped: bool = False  # more on the board than `count_cap`: the lines count the first of them


def supervision_board(person: Person, today: date) -> SupervisionBoard:
    """督办 on the board, by lead department: how many, how many late and by how long at worst, the
    departments with the longest-late item first; and the items themselves, the longest late first.
    Supervised open issues are few, so their department, status and deadline are read once (up to
    the count cap) and summed here: a GROUP BY would walk the table in department order instead."""
    supervised = _supervised_open(issues_visible_to(person))
    cap = count_cap()
    rows = list(
        supervised.select_related(None)
        .order_by()
        .values_list("lead_department_id", "status", "due_date")[: cap + 1]
    )
    lines: dict[int | None, BoardLine] = {}
    for department_id, status, due in rows[:cap]:
        line = lines.setdefault(department_id, BoardLine(department_id, "", 0, 0, 0))
        line.supervised += 1
        if status in RUNNING_STATUSES and due is not None and due < today:
            line.overdue += 1
            line.most_overdue_days = max(line.most_overdue_days, (today - due).days)
    names = dict(Department.objects.filter(pk__in=[k for k in lines if k]).values_list("pk", "name"))
    for line in lines.values():
        line.name = names.get(line.department_id, "") if line.department_id else ""
    ordered = sorted(lines.values(), key=lambda b: (-b.most_overdue_days, -b.overdue, -b.supervised, b.name))
    return SupervisionBoard(
        lines=ordered,
        issues=days_overdue(_first_on_board(supervised), today),
        total=sum(line.supervised for line in ordered),
        overdue=sum(line.overdue for line in ordered),
        capped=len(rows) > cap,
    )


def _days_overdue(issue: Issue, today: date) -> int:
    return (today - issue.due_date).days if issue.is_overdue(today) and issue.due_date else 0


def days_overdue(issues: list[Issue], today: date) -> list[tuple[Issue, int]]:
    """Each issue with how many days it is late (0: not late)."""
    return [(issue, _days_overdue(issue, today)) for issue in issues]


def registered_by_count(person: Person) -> Tally:
    """我登记的问题: what the person registered, as the page of that name lists it."""
    # Found from the person's own issues, then checked for scope: the other way round reads every
    # issue of their territory to find whose they are.
    mine = Issue.objects.filter(registered_by=person).values("pk")
    return tally(issues_visible_to(person).filter(pk__in=mine))
