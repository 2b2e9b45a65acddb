from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.orgs.models import Department, Region
from sanfuwu.people.models import Person, Role, RoleGrant, StandIn
from sanfuwu.people.roles import DEPARTMENT_STAFF, DISTRICT_WIDE
from sanfuwu.people.scope import scope_of


@transaction.atomic
def person_set_roles(*, person: Person, roles: Iterable[str]) -> None:
    from sanfuwu.audit.models import AuditAction
    from sanfuwu.audit.services import audit_record

    wanted: set[str] = {Role(r).value for r in roles}
    had = set(person.role_grants.values_list("role", flat=True))
    person.role_grants.exclude(role__in=wanted).delete()
    RoleGrant.objects.bulk_create([RoleGrant(person=person, role=r) for r in wanted - had])
    if had != wanted:
        audit_record(
            action=AuditAction.UPDATE,
            obj=person,
            before={"roles": sorted(had)},
            after={"roles": sorted(wanted)},
        )
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
    person, created, granted = person_check(
        actor=actor, username=username, name=name, region=region, department=department, roles=roles,
        title=title, phone=phone,
    )  # fmt: skip
    person.save()
    person_set_roles(person=person, roles=granted)
    return person, created


def person_check(
    *,
    actor: Person,
    username: str,
    name: str,
    region: Region | None,
    department: Department | None,
    roles: Iterable[str],
    title: str = "",
    phone: str = "",
) -> tuple[Person, bool, set[str]]:
    """`person_save`'s rules, without writing: the unsaved person, whether it is new, its roles."""
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
    person = Person.objects.filter(username__iexact=username).first()
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
    return person, created, roles


@transaction.atomic
def stand_in_set(
    *, actor: Person, absent: Person, stand_in: Person, starts_on: date, ends_on: date
) -> StandIn:
    """代理 (AB角): `stand_in` takes `absent`'s items from `starts_on` to `ends_on`. Set by the
    department's head, or by the absent person themself; both people are staff of the same
    department, and one person has one stand-in at a time."""
    errors: dict[str, str] = {}
    department_id = absent.department_id
    may_set = actor.pk == absent.pk or (actor.department_id == department_id and actor.has_role(Role.HEAD))
    if department_id is None or not absent.has_role(*DEPARTMENT_STAFF) or not may_set:
        errors["absent"] = _("只能为本部门的经办人设置代理，且须由部门负责人或本人设置。")
    if stand_in.pk == absent.pk:
        errors["stand_in"] = _("代理人不能是外出人员本人。")
    elif (
        stand_in.department_id != department_id
        or not stand_in.is_active
        or not stand_in.has_role(*DEPARTMENT_STAFF)
    ):
        errors["stand_in"] = _("代理人须是本部门在岗的经办人或负责人。")
    if ends_on < starts_on:
        errors["ends_on"] = _("结束日期不能早于开始日期。")
    elif ends_on < timezone.localdate():
        errors["ends_on"] = _("结束日期不能早于今天。")
    if not errors:
        overlapping = StandIn.objects.select_for_update().filter(
            absent=absent, cancelled_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        if overlapping.exists():
            errors["starts_on"] = _("该人员在这段时间已有代理，请先取消原来的代理。")
    if errors:
        raise ValidationError(errors)
    return StandIn.objects.create(
        absent=absent, stand_in=stand_in, starts_on=starts_on, ends_on=ends_on, set_by=actor
    )


@transaction.atomic
def stand_in_cancel(*, actor: Person, stand_in: StandIn) -> StandIn:
    """End a stand-in early (the person is back): the head, the absent person or the stand-in."""
    absent = stand_in.absent
    allowed = actor.pk in (absent.pk, stand_in.stand_in_id) or (
        actor.department_id == absent.department_id and actor.has_role(Role.HEAD)
    )
    if not allowed:
        raise ValidationError({"__all__": _("只有部门负责人或本人可以取消代理。")})
    if stand_in.cancelled_at is None:
        stand_in.cancelled_at = timezone.now()
        stand_in.save(update_fields=["cancelled_at"])
    return stand_in


@transaction.atomic
def person_password_change(*, person: Person, new_password: str) -> None:
    """The owner chose a new password: whatever an administrator set no longer needs replacing."""
    from sanfuwu.audit.models import AuditAction
    from sanfuwu.audit.services import audit_record

    person.set_password(new_password)
    person.must_change_password = False
    person.save(update_fields=["password", "must_change_password"])
    audit_record(action=AuditAction.PASSWORD_CHANGED, obj=person, actor=person)


@transaction.atomic
def person_password_reset(*, person: Person, new_password: str, actor: Person) -> None:
    """An administrator set the password: the owner must choose their own at the next login."""
    from sanfuwu.audit.models import AuditAction
    from sanfuwu.audit.services import audit_record
    from sanfuwu.people.lockout import login_failures_clear

    person.set_password(new_password)
    person.must_change_password = True
    person.save(update_fields=["password", "must_change_password"])
    login_failures_clear(username=person.username)
    audit_record(action=AuditAction.PASSWORD_RESET, obj=person, actor=actor)
