from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    IMPORT = "import", _("导入")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKED = "locked", _("账号锁定")
    UNLOCKED = "unlocked", _("解除锁定")
    LOGOUT = "logout", _("退出")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    SESSION_EXPIRED = "session_expired", _("超时退出")


class AuditEntry(models.Model):
    """One change or sign-in, who made it, when, from where, and the values before and after.

    Written only by sanfuwu.audit.services; the product has no screen that edits or deletes one."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_constraint=False,
    )  # fmt: skip
    # Kept as text too: the row outlives the account, and "命令行" or a token has no account.
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    channel = models.CharField(_("途径"), max_length=32, blank=True)
    action = models.CharField(_("动作"), max_length=20, choices=AuditAction.choices)
    model = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("修改后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["model", "object_id", "-at"], name="audit_object"),
            models.Index(fields=["actor", "-at"], name="audit_actor"),
            models.Index(fields=["action", "-at"], name="audit_action"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An audit row is written once; a second save would be an edit.
        if not self._state.adding:
            raise PermissionError("审计记录不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计记录不能删除")
