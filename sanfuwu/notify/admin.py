"""The work groups' robots, configured by administrators, and the record of every push to them:
read only, with a retry for what failed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfuwu.notify.models import Attempt, Delivery, Receiver, RobotKind
from sanfuwu.notify.outbox import delivery_retry
from sanfuwu.notify.services import robots_enqueue


class ReceiverForm(forms.ModelForm):
    url = forms.URLField(label=gettext_lazy("Webhook 地址"), max_length=500, assume_scheme="https")

    class Meta:
        model = Receiver
        fields = ["name", "kind", "url", "secret", "department", "region", "per_minute", "active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("department")) == bool(data.get("region")):
            self.add_error("department", _("请选择一个部门或一个区域（二者选一）。"))
        url, kind, secret = data.get("url") or "", data.get("kind"), data.get("secret") or ""
        if url and kind == RobotKind.DINGTALK and "access_token=" not in url:
            self.add_error("url", _("钉钉机器人的 Webhook 地址应含 access_token=…，请从群设置中完整复制。"))
        if url and kind == RobotKind.WECOM and "key=" not in url:
            self.add_error("url", _("企业微信机器人的 Webhook 地址应含 key=…，请从群设置中完整复制。"))
        if kind == RobotKind.DINGTALK and secret and not secret.startswith("SEC"):
            self.add_error("secret", _("钉钉“加签”密钥以 SEC 开头，请从机器人安全设置中复制。"))
        per_minute = data.get("per_minute")
        if per_minute is not None and not 1 <= per_minute <= 600:
            self.add_error("per_minute", _("每分钟最多条数应在 1 至 600 之间。"))
        return data


@admin.register(Receiver)
class ReceiverAdmin(admin.ModelAdmin):
    form = ReceiverForm
    list_display = ["name", "kind", "department", "region", "per_minute", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["created_at", "receiver", "kind", "text", "state", "attempts", "next_at", "delivered_at"]
    list_filter = ["state", "kind", "receiver"]
    search_fields = ["text"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    @admin.action(description=gettext_lazy("立即重新发送所选推送"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        robots = delivery_retry(delivery_ids=list(queryset.values_list("pk", flat=True)))
        robots_enqueue(robots)
        self.message_user(request, _("已安排重新发送（已送达的不再重发）。"), messages.SUCCESS)


@admin.register(Attempt)
class AttemptAdmin(ReadOnly):
    list_display = ["at", "receiver", "ok", "status", "ms", "answer"]
    list_filter = ["ok", "receiver"]
    date_hierarchy = "at"
