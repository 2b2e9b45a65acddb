"""The work groups' robots, configured by administrators, and the record of every push to them:
read only, with a retry for what failed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfuwu.core.admin_scope import ScopedAdmin
from sanfuwu.notify.models import Attempt, Delivery, Receiver, RobotKind
from sanfuwu.notify.outbox import delivery_retry
from sanfuwu.notify.services import robots_enqueue
from sanfuwu.orgs.models import Department
from sanfuwu.people.scope import scope_of


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


def receivers_within(request: HttpRequest) -> QuerySet[Receiver]:
    """The robots of work groups within one's scope: a region's in it, a department's whose region is."""
    scope = scope_of(request.user)  # type: ignore[arg-type]
    if scope.everything:
        return Receiver.objects.all()
    ids = scope.region_ids()
    return Receiver.objects.filter(Q(region_id__in=ids) | Q(department__region_id__in=ids))


@admin.register(Receiver)
class ReceiverAdmin(ScopedAdmin):
    form = ReceiverForm
    list_display = ["name", "kind", "department", "region", "per_minute", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(pk__in=receivers_within(request).values("pk"))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        scope = scope_of(request.user)  # type: ignore[arg-type]
        if db_field.name == "region":
            kwargs["queryset"] = scope.regions()
        elif db_field.name == "department" and not scope.everything:
            kwargs["queryset"] = Department.objects.filter(region_id__in=scope.region_ids())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnly(ScopedAdmin):
    """Pushes and attempts, seen for the robots within one's scope."""

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(receiver_id__in=receivers_within(request).values("pk"))

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
