from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sanfuwu.core.admin_scope import ScopedAdmin
from sanfuwu.issues.models import ChecklistTemplateItem, Issue, IssueEvent, ResponseTemplate
from sanfuwu.issues.selectors import issues_visible_to


class IssueEventInline(admin.TabularInline):
    model = IssueEvent
    extra = 0
    can_delete = False
    fields = ("seq", "at", "action", "actor", "from_status", "to_status", "note")
    readonly_fields = ("seq", "at", "action", "actor", "from_status", "to_status", "note")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Issue)
class IssueAdmin(ScopedAdmin):
    """Read-only: every change to an issue goes through the workflow, which writes its history."""

    list_display = [
        "number",
        "title",
        "status",
        "tier",
        "category",
        "lead_department",
        "due_date",
        "registered_at",
    ]
    list_filter = ["status", "tier", "source", "supervised", "category"]
    search_fields = ["number", "title"]
    list_select_related = ["category", "lead_department"]
    inlines = [IssueEventInline]
    show_full_result_count = False

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(pk__in=issues_visible_to(request.user).values("pk"))  # type: ignore[arg-type]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in Issue._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ChecklistTemplateItem)
class ChecklistTemplateItemAdmin(admin.ModelAdmin):
    list_display = ["category", "label", "required", "sort_order"]
    list_filter = ["category", "required"]


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ["category", "status", "text"]
    list_filter = ["status", "category"]
