from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sanfuwu.people.models import Person, Role, StandIn
from sanfuwu.people.roles import DEPARTMENT_STAFF
from sanfuwu.people.scope import scope_of
from sanfuwu.people.service_accounts import SERVICE_ACCOUNT_PREFIX


def people_visible_to(viewer: Person) -> QuerySet[Person]:
    """People whose unit lies in the viewer's scope (a department counts by the region it serves)."""
    scope = scope_of(viewer)
    # Staff only: not the public channel's account, not an enterprise's own login (服务企业).
    qs = (
        Person.objects.select_related("region", "department")
        .exclude(username__startswith=SERVICE_ACCOUNT_PREFIX)
        .filter(enterprise_account__isnull=True)
    )
    if scope.everything:
        return qs
    ids = scope.region_ids()
    return qs.filter(Q(region_id__in=ids) | Q(department__region_id__in=ids))


def person_get_for(viewer: Person, pk: int) -> Person:
    try:
        return people_visible_to(viewer).get(pk=pk)
    except Person.DoesNotExist:
        raise Http404("没有找到该人员") from None


def department_staff(department_id: int | None) -> QuerySet[Person]:
    """The active people of a department who handle its issues: its handlers and its heads."""
    if department_id is None:
        return Person.objects.none()
    return (
        Person.objects.filter(
            department_id=department_id, is_active=True, role_grants__role__in=DEPARTMENT_STAFF
        )
        .distinct()
        .order_by("id")
    )


def department_handlers(department_id: int | None) -> QuerySet[Person]:
    """Whom a head may assign an issue to: the department's active handlers."""
    if department_id is None:
        return Person.objects.none()
    return Person.objects.filter(
        department_id=department_id, is_active=True, role_grants__role=Role.HANDLER
    ).order_by("id")


def absent_ids_covered_by(person: Person, day: date | None = None) -> frozenset[int]:
    """Whom `person` stands in for on `day` (today by default): their items are this person's too."""
    if not person.pk or not person.department_id:
        return frozenset()
    day = day or timezone.localdate()
    return frozenset(
        StandIn.objects.filter(
            stand_in=person, cancelled_at__isnull=True, starts_on__lte=day, ends_on__gte=day
        ).values_list("absent_id", flat=True)
    )


def stand_ins_of_department(department_id: int, day: date | None = None) -> QuerySet[StandIn]:
    """The department's stand-ins running now or still to come, soonest first."""
    day = day or timezone.localdate()
    return (
        StandIn.objects.filter(
            absent__department_id=department_id, cancelled_at__isnull=True, ends_on__gte=day
        )
        .select_related("absent", "stand_in", "set_by")
        .order_by("starts_on", "id")
    )


def stand_in_get_for(person: Person, pk: int) -> StandIn:
    """A stand-in of the person's own department; any other, or none, is 404."""
    found = None
    if person.department_id is not None:
        found = (
            StandIn.objects.select_related("absent", "stand_in")
            .filter(pk=pk, absent__department_id=person.department_id)
            .first()
        )
    if found is None:
        raise Http404("没有找到该代理设置")
    return found


def colleagues_of(person: Person, n: int = 12) -> list[Person]:
    """The other active people of a person's department."""
    if person.department_id is None:
        return []
    return list(
        Person.objects.filter(department_id=person.department_id, is_active=True).exclude(pk=person.pk)[:n]
    )


def active_headcount(viewer: Person) -> int:
    return people_visible_to(viewer).filter(is_active=True).count()
