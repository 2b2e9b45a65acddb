from __future__ import annotations

from copy import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.targets.models import Target, TargetKind

TARGET_FIELDS = (
    "kind", "name", "credit_code", "industry", "address", "region", "grid",
    "is_key", "contact_name", "contact_phone", "note", "active",
)  # fmt: skip


def target_check_fields(*, kind: str | None, name: str | None, credit_code: str | None, industry: str | None,
                        pk: int | None = None) -> dict[str, str]:  # fmt: skip
    """The rules every way in shares (portal, admin, imports), each reported at its field."""
    errors: dict[str, str] = {}
    if kind == TargetKind.ENTERPRISE and not credit_code:
        errors["credit_code"] = _("企业必须填写统一社会信用代码。")
    if kind == TargetKind.ENTERPRISE and not industry:
        errors["industry"] = _("请选择企业所属行业。")
    if kind and name and not credit_code:
        twins = Target.objects.filter(kind=kind, name=name, credit_code__isnull=True)
        if pk is not None:
            twins = twins.exclude(pk=pk)
        if twins.exists():
            errors["name"] = _("已有同类型、同名称的联系对象。")
    return errors


def target_check(*, actor: Person, target: Target) -> None:
    """Every rule a target must meet before it is saved, without writing: an import's check runs
    this alone, so that reading a file never takes the database's write lock."""
    scope = scope_of(actor)
    if not (scope.covers(target.region) or scope.covers(target.grid)):
        # Someone whose unit is a grid files targets above it only together with that grid.
        above_own_unit = scope.region is not None and target.region.contains(scope.region)
        if above_own_unit:
            raise ValidationError({"grid": _("请选择您负责的网格。")})
        raise ValidationError({"region": _("所选区域不在您的管辖范围内。")})
    if target.grid is not None and not target.region.contains(target.grid):
        raise ValidationError({"grid": _("所选网格不在所属区域之内。")})
    errors = target_check_fields(
        kind=target.kind,
        name=target.name,
        credit_code=target.credit_code,
        industry=target.industry,
        pk=target.pk,
    )
    if errors:
        raise ValidationError(errors)
    if target.active:
        target.inactive_since = None
    elif target.inactive_since is None:
        target.inactive_since = timezone.localdate()
    target.full_clean()


def _check_and_save(*, actor: Person, target: Target) -> Target:
    target_check(actor=actor, target=target)
    target.save()
    return target


def target_with(target: Target | None, fields: dict[str, Any]) -> Target:
    """An unsaved target as `fields` would leave it: a new one, or a copy of `target` changed."""
    if target is None:
        return Target(**{k: v for k, v in fields.items() if k in TARGET_FIELDS})
    changed = copy(target)
    for key, value in fields.items():
        if key in TARGET_FIELDS:
            setattr(changed, key, value)
    return changed


@transaction.atomic
def target_create(*, actor: Person, fields: dict[str, Any]) -> Target:
    return _check_and_save(actor=actor, target=target_with(None, fields))


@transaction.atomic
def target_update(*, actor: Person, target: Target, fields: dict[str, Any]) -> Target:
    for key, value in fields.items():
        if key in TARGET_FIELDS:
            setattr(target, key, value)
    return _check_and_save(actor=actor, target=target)
