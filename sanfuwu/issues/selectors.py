"""Reads of issues. Every list, page, search and export starts from `issues_visible_to`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sanfuwu.issues.models import (
    AWAITING_DISPATCH_STATUSES,
    HANDLING_STATUSES,
    RUNNING_STATUSES,
    Assignment,
    AssignmentState,
    Issue,
    IssueEvent,
    overdue_q,
    supervised_open_q,
)
from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person
from sanfuwu.people.roles import RAISER_READERS
from sanfuwu.people.scope import scope_of


def issues_visible_to(person: Person) -> QuerySet[Issue]:
    """A person sees the issues of their own region's subtree and those dispatched to their
    department (as lead or co-department, now or before); leaders and admins see everything."""
    qs = Issue.objects.select_related("category", "region", "lead_department", "target")
    scope = scope_of(person)
    if scope.everything:
        return qs
    visible = Q(pk__in=[])
    if person.region_id and scope.region is not None:
        visible |= Q(region_id__in=scope.region_ids())
    if person.department_id:
        visible |= Q(pk__in=Assignment.objects.filter(department_id=person.department_id).values("issue_id"))
    return qs.filter(visible)


def raiser_visible_to(person: Person) -> Callable[[Issue], bool]:
    """Whose name and phone a person may read: coordinators and leaders all, others those they registered."""
    if person.is_superuser or person.has_role(*RAISER_READERS):
        return lambda issue: True
    return lambda issue: issue.registered_by_id == person.pk


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


def issue_worklists(department: Department) -> dict[str, QuerySet[Issue]]:
    """A department's worklist tabs: 待签收, 办理中, 即将到期 (within three days), 已超期, 督办.
    A department leads an issue only while it is dispatched (a return clears the lead), so the
    supervised-and-open group, narrowed to its lead, is what it has on the board."""
    today = timezone.localdate()
    mine = Assignment.objects.filter(department=department)
    led = Issue.objects.filter(lead_department=department)
    pending = Issue.objects.filter(pk__in=mine.filter(state=AssignmentState.PENDING).values("issue_id"))
    return {
        "pending": pending,
        "doing": led.filter(status__in=HANDLING_STATUSES),
        "due_soon": led.filter(
            status__in=RUNNING_STATUSES, due_date__gte=today, due_date__lte=today + timedelta(days=3)
        ),
        "overdue": led.filter(overdue_q(today)),
        "supervised": led.filter(supervised_open_q()),
    }
