from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from sanfuwu.people.models import Person, Role, RoleGrant


@transaction.atomic
def person_set_roles(*, person: Person, roles: Iterable[str]) -> None:
    wanted: set[str] = {Role(r).value for r in roles}
    person.role_grants.exclude(role__in=wanted).delete()
    have = set(person.role_grants.values_list("role", flat=True))
    RoleGrant.objects.bulk_create([RoleGrant(person=person, role=r) for r in wanted - have])
    # Admins use the Django admin; nobody else is staff unless set by hand.
    if Role.ADMIN in wanted and not (person.is_staff and person.is_superuser):
        person.is_staff = person.is_superuser = True
        person.save(update_fields=["is_staff", "is_superuser"])
    person.__dict__.pop("roles", None)
