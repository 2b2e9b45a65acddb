"""The public channel (网上诉求): problems raised without a login, followed with a tracking code,
and every submission and look-up it answered or refused, so that a flood is seen and stopped."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfuwu.issues.models import Issue


class PublicRaise(models.Model):
    """An issue raised on the public channel. Only the tracking code's hash is kept: whoever holds
    the code follows the issue and rates its answer, and nobody can read the code back."""

    issue = models.OneToOneField(
        Issue, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="public_raise"
    )
    code_hash = models.CharField(_("查询码摘要"), max_length=64, unique=True)
    raised_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    device = models.CharField(_("设备标识"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("网上诉求")
        verbose_name_plural = _("网上诉求")

    def __str__(self) -> str:
        return str(self.issue_id)


class Step(models.TextChoices):
    RAISE = "raise", _("提交诉求")
    TRACK = "track", _("查询进度")
    RATE = "rate", _("评价")


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("已受理")
    TOO_MANY = "too_many", _("过于频繁，已拒绝")
    FAILED_CHECK = "failed_check", _("未通过人机校验，已拒绝")
    UNKNOWN_CODE = "unknown_code", _("查询码不存在")
    INVALID = "invalid", _("内容不完整，已退回")


class SpentCheck(models.Model):
    """A human check already used: each worked-out sum lets one form through, once."""

    nonce = models.CharField(max_length=32, unique=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.nonce


class Attempt(models.Model):
    """One request to the public channel that wrote or was refused; the limits count these."""

    at = models.DateTimeField(_("时间"), default=timezone.now)
    step = models.CharField(_("操作"), max_length=8, choices=Step.choices)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    device = models.CharField(_("设备标识"), max_length=32, blank=True)
    issue = models.ForeignKey(
        Issue, verbose_name=_("问题"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("网上诉求访问记录")
        verbose_name_plural = _("网上诉求访问记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["address", "step", "at"], name="attempt_address_step_at"),
            models.Index(fields=["device", "step", "at"], name="attempt_device_step_at"),
            models.Index(fields=["outcome", "at"], name="attempt_outcome_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.step} {self.outcome}"


class OpenRequest(models.Model):
    """An issue another system raised through Open311 (a 12345 platform, a civic app): whose key
    sent it and what of the request has no place on the issue itself."""

    issue = models.OneToOneField(
        Issue, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="open_request"
    )
    token = models.ForeignKey(
        "tokens.ApiToken",
        verbose_name=_("接口令牌"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    account_id = models.CharField(_("对方账号"), max_length=64, blank=True)
    device_id = models.CharField(_("对方设备"), max_length=64, blank=True)
    address_id = models.CharField(_("对方地址编码"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("Open311 请求")
        verbose_name_plural = _("Open311 请求")

    def __str__(self) -> str:
        return str(self.issue_id)
