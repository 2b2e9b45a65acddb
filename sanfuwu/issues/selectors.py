"""Reads of issues. Every list, page, search and export starts from `issues_visible_to`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sanfuwu.issues.models import (
    AWAITING_DISPATCH_STATUSES,
    HANDLING_STATUSES,
    OPEN_STATUSES,
    RUNNING_STATUSES,
    Assignment,
    AssignmentState,
    Issue,
    IssueEvent,
    Status,
    overdue_q,
    supervised_open_q,
)
from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person, Role
from sanfuwu.people.roles import DEPARTMENT_STAFF, RAISER_CALLERS
from sanfuwu.people.scope import scope_of
from sanfuwu.people.selectors import absent_ids_covered_by


def issues_visible_to(person: Person) -> QuerySet[Issue]:
    """A person sees the issues of their own region's subtree and those dispatched to their
    department (as lead or co-department, now or before); leaders and admins see everything."""
    qs = Issue.objects.select_related("category", "region", "lead_department", "target", "handler")
    scope = scope_of(person)
    if scope.everything:
        return qs
    visible = Q(pk__in=[])
    if person.region_id and scope.region is not None:
        visible |= Q(region_id__in=scope.region_ids())
    if person.department_id:
        visible |= Q(pk__in=Assignment.objects.filter(department_id=person.department_id).values("issue_id"))
    return qs.filter(visible)


@dataclass(frozen=True)
class RaiserContact:
    """The raiser's name and phone as one reader may see them: in full, or masked (张**, 138****1234)."""

    name: str
    phone: str
    full: bool


def mask_name(name: str) -> str:
    name = name.strip()
    return f"{name[0]}**" if name else ""


def mask_phone(phone: str) -> str:
    """138****1234, 057****1234: enough to recognise a number already known, not to dial it."""
    phone = phone.strip()
    if not phone:
        return ""
    if len(phone) < 8:
        return "****"
    return f"{phone[:3]}****{phone[-4:]}"


def raiser_contact_for(person: Person) -> Callable[[Issue], RaiserContact]:
    """How `person` sees the raiser's name and phone on each issue they may see: the one masking rule
    of every page and export. In full only for whoever must talk to the raiser — the person who
    registered the issue; the lead department's handler whose issue it is (any of its handlers
    before the head assigns it), its head, and the handler's stand-in while they are away; and a
    dispatcher of the territory while the resolved issue waits for the answer and the return
    visit. Everyone else sees them masked."""
    department_id = person.department_id if person.has_role(*DEPARTMENT_STAFF) else None
    is_head = department_id is not None and person.has_role(Role.HEAD)
    covering = absent_ids_covered_by(person) if department_id is not None else frozenset()
    caller_scope = scope_of(person) if person.has_role(*RAISER_CALLERS) else None

    def full(issue: Issue) -> bool:
        if person.pk is not None and issue.registered_by_id == person.pk:
            return True
        if department_id is not None and issue.lead_department_id == department_id:
            handler_id = issue.handler_id
            if is_head or handler_id is None or handler_id == person.pk or handler_id in covering:
                return True
        return (
            caller_scope is not None and issue.status == Status.RESOLVED and caller_scope.covers(issue.region)
        )

    def contact(issue: Issue) -> RaiserContact:
        if full(issue):
            return RaiserContact(issue.raiser_name, issue.raiser_phone, True)
        return RaiserContact(mask_name(issue.raiser_name), mask_phone(issue.raiser_phone), False)

    return contact


def raiser_visible_to(person: Person) -> Callable[[Issue], bool]:
    """Whether `person` reads the raiser's contact in full (raiser_contact_for decides)."""
    contact = raiser_contact_for(person)
    return lambda issue: contact(issue).full


def issue_get_for(person: Person, pk: int) -> Issue:
    try:
        return issues_visible_to(person).get(pk=pk)
    except Issue.DoesNotExist:
        raise Http404("没有找到该问题") from None


def issue_events_since(issue: Issue, version: int) -> QuerySet[IssueEvent]:
    """What happened to the issue after the person's page showed it at `version`: an event's
    `seq` is the version it brought the issue to."""
    return (
        issue.events.filter(seq__gt=version)
        .select_related("actor__region", "actor__department")
        .order_by("seq")
    )


def issue_triage_queue(person: Person) -> QuerySet[Issue]:
    """待梳理: what has come in and what came back, waiting for a dispatcher."""
    return issues_visible_to(person).filter(status__in=AWAITING_DISPATCH_STATUSES)


# The statuses each deadline-ordered worklist tab holds (issue_worklists), read one by one.
WORKLIST_STATUSES = {
    "doing": HANDLING_STATUSES,
    "due_soon": RUNNING_STATUSES,
    "overdue": RUNNING_STATUSES,
    "supervised": OPEN_STATUSES,
}


def deadline_first_ids(qs: QuerySet[Issue], statuses: Iterable[str], n: int) -> list[int]:
    """The ids of the first `n` issues of a worklist tab in its order (by deadline, none last; then
    registered_at, id), read per status along the worklist index and merged here. In one query
    over two or more statuses both databases sort every row of the department in those statuses
    (twenty thousand at a million issues) to hand back 25."""
    base = qs.select_related(None).prefetch_related(None).order_by()
    keys: list[tuple[date | None, datetime, int]] = []
    for status in sorted(statuses):
        dated = base.filter(status=status, due_date__isnull=False).order_by("due_date", "registered_at", "id")
        keys += dated.values_list("due_date", "registered_at", "pk")[:n]
    undated = base.filter(due_date__isnull=True).order_by("registered_at", "id")
    keys += undated.values_list("due_date", "registered_at", "pk")[:n]
    keys.sort(key=lambda k: (k[0] is None, k[0] or date.max, k[1], k[2]))
    return [pk for _due, _at, pk in keys[:n]]


def issue_worklists(
    department: Department, *, handled_by: Person | None = None
) -> dict[str, QuerySet[Issue]]:
    """A department's worklist tabs: 待签收, 办理中, 即将到期 (within three days), 已超期, 督办.
    A department leads an issue only while it is dispatched (a return clears the lead), so the
    supervised-and-open group, narrowed to its lead, is what it has on the board.

    With `handled_by` (the 我的 view), the tabs hold what that person is to handle by the rules:
    the issues assigned to them or to someone they stand in for today, and those not assigned to
    anyone yet, which any handler of the department may take (shown as 未分派). An issue the head
    gave a colleague is not theirs. 待签收 stays the department's: nobody is assigned an issue
    before it is signed for.

    Each tab comes in deadline order (a long-term plan without one after every deadline), 待签收
    by the department's own pending parts, which carry the deadline for that (see Assignment)."""
    today = timezone.localdate()
    led = Issue.objects.filter(lead_department=department)
    if handled_by is not None:
        mine_ids = {handled_by.pk, *absent_ids_covered_by(handled_by)}
        led = led.filter(Q(handler__isnull=True) | Q(handler_id__in=mine_ids))
    # One pending part per department and issue: the join adds no row twice.
    pending = Issue.objects.filter(
        assignments__department=department, assignments__state=AssignmentState.PENDING
    )
    by_deadline = (F("due_date").asc(nulls_last=True), "registered_at", "id")
    return {
        "pending": pending.order_by(
            F("assignments__due_date").asc(nulls_last=True),
            "assignments__registered_at",
            "assignments__issue",
        ),
        "doing": led.filter(status__in=HANDLING_STATUSES).order_by(*by_deadline),
        "due_soon": led.filter(
            status__in=RUNNING_STATUSES, due_date__gte=today, due_date__lte=today + timedelta(days=3)
        ).order_by(*by_deadline),
        "overdue": led.filter(overdue_q(today)).order_by(*by_deadline),
        "supervised": led.filter(supervised_open_q()).order_by(*by_deadline),
    }
