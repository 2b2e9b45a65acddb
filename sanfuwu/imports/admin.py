"""The record of every import, for administrators: read only, as a record should be."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sanfuwu.core.admin_scope import ScopedAdmin
from sanfuwu.imports.models import ImportRun
from sanfuwu.people.scope import scope_of


@admin.register(ImportRun)
class ImportRunAdmin(ScopedAdmin):
    list_display = ["created_at", "kind", "filename", "created_by", "dry_run", "state", "rows", "created",
                    "updated", "skipped", "error_count"]  # fmt: skip
    list_filter = ["kind", "state", "dry_run"]
    search_fields = ["filename", "created_by__username", "created_by__name"]
    date_hierarchy = "created_at"
    exclude = ["upload", "report"]

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        # As on the import pages: a run is its importer's; the whole record is the district's.
        return qs if scope_of(request.user).everything else qs.filter(created_by=request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
