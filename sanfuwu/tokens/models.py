"""Personal access tokens for other systems to call the API as a person: scoped, expiring,
revocable, and kept only as a hash (the token itself is shown once, when it is made)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfuwu.people.models import Person


class TokenScope(models.TextChoices):
    READ = "read", _("只读")
    WRITE = "write", _("读写（含办理操作）")
    ADMIN = "admin", _("管理")


# What each scope may do, in order: a write token reads too, an admin token writes too.
SCOPE_RANK = {TokenScope.READ: 1, TokenScope.WRITE: 2, TokenScope.ADMIN: 3}


class ApiToken(models.Model):
    person = models.ForeignKey(
        Person, verbose_name=_("所属人员"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=64)
    scope = models.CharField(_("权限范围"), max_length=8, choices=TokenScope.choices)
    # The token's first characters, to tell tokens apart in lists and logs; never enough to use.
    prefix = models.CharField(_("令牌前缀"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    def allows(self, scope: str) -> bool:
        return SCOPE_RANK[TokenScope(self.scope)] >= SCOPE_RANK[TokenScope(scope)]

    def is_live(self, now: object = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now  # type: ignore[operator]
