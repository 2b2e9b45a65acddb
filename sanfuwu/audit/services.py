from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from sanfuwu.audit.context import Origin, current_origin
from sanfuwu.audit.models import AuditAction, AuditEntry


def _actor(origin: Origin) -> tuple[Any, str]:
    if origin.actor is not None:
        return origin.actor, origin.actor_name or origin.actor.name or origin.actor.username
    request = origin.request
    if request is None:
        return None, origin.actor_name
    token = getattr(request, "auth", None)
    person = getattr(token, "person", None)
    if person is not None:  # the API: the token acts for its person
        return person, f"{person.name or person.username}（令牌 {token.prefix}…）"  # type: ignore[union-attr]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user, user.name or user.username
    return None, origin.actor_name or "匿名"


def request_address(request: Any) -> str | None:
    if request is None:
        return None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        # Behind our own proxy the last hop it appended is the client; earlier ones are the client's word.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded.split(",")[-1].strip()) or None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *, action: str, obj: models.Model | None = None, model: str = "", object_id: str = "", object_repr: str = "",
    before: dict[str, Any] | None = None, after: dict[str, Any] | None = None, note: str = "",
    actor: Any = None, actor_name: str = "",
) -> AuditEntry | None:  # fmt: skip
    """Writes one audit row in the caller's transaction: a change rolled back leaves no row."""
    origin = current_origin()
    if not origin.enabled:
        return None
    found_actor, found_name = _actor(origin)
    if actor is None:
        actor, actor_name = found_actor, actor_name or found_name
    if obj is not None:
        model = model or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor_name or (getattr(actor, "name", "") or getattr(actor, "username", "")))[:150],
        address=request_address(origin.request),
        channel=origin.channel,
        action=AuditAction(action),
        model=model[:64],
        object_id=str(object_id)[:64],
        object_repr=object_repr[:200],
        before=before,
        after=after,
        note=note[:500],
    )
