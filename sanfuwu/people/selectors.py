from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of


def people_visible_to(viewer: Person) -> QuerySet[Person]:
    """People whose unit lies in the viewer's scope (a department counts by the region it serves)."""
    scope = scope_of(viewer)
    qs = Person.objects.select_related("region", "department")
    if scope.everything:
        return qs
    ids = scope.region_ids()
    return qs.filter(Q(region_id__in=ids) | Q(department__region_id__in=ids))


def person_get_for(viewer: Person, pk: int) -> Person:
    try:
        return people_visible_to(viewer).get(pk=pk)
    except Person.DoesNotExist:
        raise Http404("没有找到该人员") from None


def colleagues_of(person: Person, n: int = 12) -> list[Person]:
    """The other active people of a person's department."""
    if person.department_id is None:
        return []
    return list(
        Person.objects.filter(department_id=person.department_id, is_active=True).exclude(pk=person.pk)[:n]
    )


def active_headcount(viewer: Person) -> int:
    return people_visible_to(viewer).filter(is_active=True).count()
