"""Making, checking and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.audit.models import AuditAction
from sanfuwu.audit.services import audit_record
from sanfuwu.people.models import Person, Role
from sanfuwu.tokens.models import ApiToken, TokenScope

PREFIX = "sfw_"
MAX_DAYS = 365
# last_used_at is written at most this often, not on every call of a busy client.
USE_MARK_EVERY = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Made:
    token: ApiToken
    raw: str


def token_create(*, person: Person, name: str, scope: str, days: int) -> Made:
    """A new token for `person`; the raw token is in the result and nowhere else, ever."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌用途，例如“12345 热线平台对接”。")})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("请选择权限范围：只读、读写或管理。")})
    if hasattr(person, "enterprise_account"):
        raise ValidationError({"__all__": _("企业账号不能创建接口令牌。")})
    if scope == TokenScope.ADMIN and not (person.is_superuser or person.has_role(Role.ADMIN)):
        raise ValidationError({"scope": _("只有系统管理员可以创建管理权限的令牌。")})
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": _("有效期为 1 至 %(n)s 天。") % {"n": MAX_DAYS}})
    raw = PREFIX + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        person=person, name=name[:64], scope=scope, prefix=raw[:12], key_hash=token_hash(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )  # fmt: skip
    return Made(token=token, raw=raw)


def token_revoke(*, token: ApiToken) -> None:
    now = timezone.now()
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        audit_record(
            action=AuditAction.UPDATE, obj=token, before={"revoked_at": None}, after={"revoked_at": now}
        )


def token_authenticate(raw: str) -> ApiToken | None:
    """The live token `raw` is, with its active person; None for anything else (unknown, revoked,
    expired, or its person gone), alike."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("person", "person__enterprise_account")
        .filter(key_hash=token_hash(raw))
        .first()
    )
    now = timezone.now()
    if token is None or not token.is_live(now) or not token.person.is_active:
        return None
    if hasattr(token.person, "enterprise_account"):  # the API is the office's; an enterprise has its pages
        return None
    if token.last_used_at is None or now - token.last_used_at > USE_MARK_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
