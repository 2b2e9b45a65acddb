"""Changes to the district's configuration, its targets and its people, recorded as they are saved.

Signals, not calls in each service: these rows change through services, the admin, imports and
commands alike, and an audit that missed one path would be worse than none. Issues are not here:
every change to an issue is already an IssueEvent written by the workflow."""

from __future__ import annotations

import hashlib
from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from sanfuwu.audit.models import AuditAction
from sanfuwu.audit.services import audit_record

AUDITED = [
    "targets.Target", "targets.EnterpriseAccount", "targets.EnterpriseInvite",
    "people.Person", "people.RoleGrant", "people.StandIn",
    "orgs.Region", "orgs.Department", "orgs.Category",
    "scoring.Indicator", "scoring.UnitTarget", "scoring.ManualValue",
    "scoring.ReviewCriterion",
    "notify.Receiver", "notify.ReminderDay",
    "tokens.ApiToken",
    "workdays.CalendarDay", "workdays.CalendarYear",
    "issues.ChecklistTemplateItem", "issues.ResponseTemplate",
    "visits.Pairing",
]  # fmt: skip
# Secrets are never copied into the audit, only that they changed; bookkeeping fields not at all.
SECRET = {"password", "key_hash", "secret", "webhook_secret", "token"}
# A robot's webhook address carries its access key (access_token=…, key=…): enough to post as it.
SECRET_OF_MODEL = {"notify.receiver": {"url"}}
SKIPPED = {"last_login", "last_used_at", "updated_at", "boundary", "search_text"}
_BEFORE = "_audit_before"


def _masked(value: object) -> str:
    # Enough to see that a secret changed, and nothing of what it is or was.
    return "已设置·" + hashlib.sha256(str(value).encode()).hexdigest()[:6]


def snapshot(instance: models.Model) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SKIPPED:
            continue
        value = getattr(instance, field.attname)
        secret = field.name in SECRET or field.name in SECRET_OF_MODEL.get(instance._meta.label_lower, ())
        values[field.name] = _masked(value) if secret and value else value
    return values


def _changed_only(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def _only_bookkeeping(update_fields: Any) -> bool:
    return update_fields is not None and set(update_fields) <= SKIPPED


def _remember_before(
    sender: type[models.Model], instance: models.Model, update_fields: Any = None, **_: Any
) -> None:
    if instance._state.adding or instance.pk is None or _only_bookkeeping(update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).first()
    setattr(instance, _BEFORE, snapshot(stored) if stored is not None else None)


def _describe(instance: models.Model) -> str:
    # A role grant or a stand-in names its person: "调度员" alone says nothing at a review.
    person = getattr(instance, "person", None) if instance._meta.label != "people.Person" else None
    return f"{person}：{instance}" if person is not None else str(instance)


def _record_save(
    sender: type[models.Model], instance: models.Model, created: bool, update_fields: Any = None, raw: bool = False,
    **_: Any,
) -> None:  # fmt: skip
    if raw or _only_bookkeeping(update_fields):
        return
    after = snapshot(instance)
    before = getattr(instance, _BEFORE, None)
    if created or before is None:
        audit_record(action=AuditAction.CREATE, obj=instance, object_repr=_describe(instance), after=after)
        return
    before, after = _changed_only(before, after)
    if after:
        audit_record(
            action=AuditAction.UPDATE,
            obj=instance,
            object_repr=_describe(instance),
            before=before,
            after=after,
        )
    instance.__dict__.pop(_BEFORE, None)


def _record_delete(sender: type[models.Model], instance: models.Model, **_: Any) -> None:
    audit_record(
        action=AuditAction.DELETE, obj=instance, object_repr=_describe(instance), before=snapshot(instance)
    )


def _logged_in(sender: Any, request: Any, user: Any, **_: Any) -> None:
    audit_record(action=AuditAction.LOGIN, obj=user, actor=user)


def _logged_out(sender: Any, request: Any, user: Any, **_: Any) -> None:
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, obj=user, actor=user)


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")
    for label in AUDITED:
        model = apps.get_model(label)
        uid = f"audit-{label}"
        pre_save.connect(_remember_before, sender=model, dispatch_uid=uid)
        post_save.connect(_record_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_record_delete, sender=model, dispatch_uid=uid)
