"""Who sees which 专题协调, and the issues that could still join one."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from sanfuwu.coordination.models import Coordination, CoordinationIssue, CoordinationStatus
from sanfuwu.issues.models import Issue, Status
from sanfuwu.issues.selectors import issues_visible_to
from sanfuwu.people.models import Person
from sanfuwu.people.roles import COORDINATION_READERS, DEPARTMENT_STAFF
from sanfuwu.people.scope import scope_of
from sanfuwu.triage.models import IssueTopic

# The office sees every coordination; a department's staff those that give their department a task.
READERS = COORDINATION_READERS
DEPARTMENT = DEPARTMENT_STAFF


def coordinations_visible_to(person: Person) -> QuerySet[Coordination]:
    """The office sees the coordinations that hold issues of its territory (the district-wide, all
    of them); a department's staff those that give their department a task."""
    qs = Coordination.objects.select_related("category", "raised_by").annotate(
        issue_count=Count("links", distinct=True),
        task_count=Count("tasks", distinct=True),
        open_tasks=Count("tasks", filter=Q(tasks__done_at__isnull=True), distinct=True),
    )
    scope = scope_of(person)
    reads = person.is_superuser or bool(person.roles & READERS)
    if reads and scope.everything:
        return qs
    visible = Q(pk__in=[])
    if reads and scope.region is not None:
        ours = CoordinationIssue.objects.filter(issue__region_id__in=scope.region_ids()).values(
            "coordination_id"
        )
        visible |= Q(pk__in=ours)
    if person.roles & DEPARTMENT and person.department_id:
        visible |= Q(
            pk__in=Coordination.objects.filter(tasks__department_id=person.department_id).values("pk")
        )
    return qs.filter(visible)


def coordination_get_for(person: Person, pk: int) -> Coordination:
    """The coordination if `person` may see it; missing and not theirs are the same 404."""
    found = coordinations_visible_to(person).filter(pk=pk).first()
    if found is None:
        raise Http404("没有找到该专题协调")
    return found


def coordinations_open(person: Person, limit: int = 5) -> list[Coordination]:
    """Still in hand, the oldest first: the leader's home and the dashboard."""
    qs = coordinations_visible_to(person).exclude(status=CoordinationStatus.CLOSED)
    return list(qs.order_by("raised_at")[:limit])


def coordination_candidates(coordination: Coordination, person: Person, limit: int = 50) -> list[Issue]:
    """Issues of the same problem registered since it was raised and not yet linked: what can be
    added to it now."""
    if not coordination.topic or coordination.category_id is None:
        return []
    same = IssueTopic.objects.filter(
        category_id=coordination.category_id,
        topic=coordination.topic,
        registered_at__gte=coordination.raised_at,
    ).values("issue_id")
    linked = coordination.links.values("issue_id")
    qs = issues_visible_to(person).filter(pk__in=same).exclude(pk__in=linked).exclude(status=Status.VOID)
    return list(qs.order_by("-registered_at")[:limit])


def coordinations_of_issue(issue: Issue, person: Person) -> list[Coordination]:
    """The coordinations the issue is part of that `person` may open."""
    return list(coordinations_visible_to(person).filter(links__issue=issue).order_by("raised_at"))
