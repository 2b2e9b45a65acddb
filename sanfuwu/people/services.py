from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sanfuwu.orgs.models import Department, Region
from sanfuwu.people.models import Person, Role, RoleGrant
from sanfuwu.people.roles import DISTRICT_WIDE
from sanfuwu.people.scope import scope_of


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


@transaction.atomic
def person_save(
    *,
    actor: Person,
    username: str,
    name: str,
    region: Region | None,
    department: Department | None,
    roles: Iterable[str],
    title: str = "",
    phone: str = "",
) -> tuple[Person, bool]:
    """Create a person, or update the one with this login name, with the admin's own rules: only
    someone who sees the whole district hands out roles that see it, nobody edits their own
    account this way, and a superuser is changed only by a superuser. A new account has no
    password until an administrator sets one."""
    roles = {Role(r).value for r in roles}
    scope = scope_of(actor)
    errors: dict[str, str] = {}
    if not roles:
        errors["roles"] = _("请至少填写一个角色。")
    if roles & DISTRICT_WIDE and not scope.everything:
        errors["roles"] = _("您不能授予领导或系统管理员角色。")
    if (region is None) == (department is None):
        errors["region"] = _("请填写所属区域或所属部门，且只填一个。")
    elif region is not None and not scope.covers(region):
        errors["region"] = _("所选区域不在您的管辖范围内。")
    elif department is not None and not (scope.everything or scope.covers(department.region)):
        errors["department"] = _("所选部门不在您的管辖范围内。")
    person = Person.objects.filter(username=username).first()
    if person is not None and person.pk == actor.pk:
        errors["username"] = _("不能通过导入修改您自己的账号。")
    elif person is not None and person.is_superuser and not actor.is_superuser:
        errors["username"] = _("该账号是超级管理员，只能由超级管理员修改。")
    elif person is not None and not scope.everything and person.has_role(*DISTRICT_WIDE):
        errors["username"] = _("该账号的权限高于您，不能修改。")
    if errors:
        raise ValidationError(errors)
    created = person is None
    if person is None:
        person = Person(username=username)
        person.set_unusable_password()
    person.name, person.region, person.department = name, region, department
    person.title, person.phone = title, phone
    person.full_clean()
    person.save()
    person_set_roles(person=person, roles=roles)
    return person, created
