"""The record of every import, for administrators: read only, as a record should be."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sanfuwu.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "filename", "created_by", "dry_run", "state", "rows", "created",
                    "updated", "skipped", "error_count"]  # fmt: skip
    list_filter = ["kind", "state", "dry_run"]
    search_fields = ["filename", "created_by__username", "created_by__name"]
    date_hierarchy = "created_at"
    exclude = ["upload", "report"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
