from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfuwu.audit.models import AuditEntry
from sanfuwu.core.xlsx import SheetSpec, xlsx_stream_response
from sanfuwu.people.scope import scope_of


def object_type(label: str) -> str:
    """人员 rather than people.person; the label itself for a model that no longer exists."""
    try:
        return str(apps.get_model(label)._meta.verbose_name) if label else ""
    except (LookupError, ValueError):
        return label


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only, for whoever holds "view audit entry": the product has no way to change a row."""

    list_display = ["at", "actor_name", "address", "action", "kind", "object_repr", "note"]
    list_filter = ["action", "model", "channel", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_name", "object_repr", "object_id", "address", "note"]
    date_hierarchy = "at"
    list_select_related = False
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    @admin.display(description=gettext_lazy("对象类型"), ordering="model")
    def kind(self, entry: AuditEntry) -> str:
        return object_type(entry.model)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The whole district's record: only for those who already see the whole district.
        return super().has_view_permission(request, obj) and scope_of(request.user).everything  # type: ignore[arg-type]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        from django.urls import path

        export = path(
            "export.xlsx", self.admin_site.admin_view(self.export_view), name="audit_auditentry_export"
        )
        return [export, *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponseBase:
        """The list as filtered on screen, every row of it, as a workbook for the review."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = self.get_changelist_instance(request).get_queryset(request).order_by("-at", "-id")
        sheet = SheetSpec(
            title=_("审计记录"),
            header=[
                _("时间"),
                _("操作人"),
                _("来源地址"),
                _("途径"),
                _("动作"),
                _("对象类型"),
                _("对象编号"),
                _("对象"),
                _("修改前"),
                _("修改后"),
                _("说明"),
            ],
            rows=(
                [
                    timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.actor_name,
                    e.address or "",
                    e.channel,
                    e.get_action_display(),
                    object_type(e.model),
                    e.object_id,
                    e.object_repr,
                    _json(e.before),
                    _json(e.after),
                    e.note,
                ]
                for e in rows.iterator(chunk_size=2000)
            ),
            widths=(20, 16, 16, 8, 10, 22, 10, 30, 50, 50, 40),
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        return xlsx_stream_response(filename=f"审计记录-{stamp}.xlsx", sheets=[sheet])
