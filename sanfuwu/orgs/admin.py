from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from sanfuwu.core.admin_scope import ScopedAdmin
from sanfuwu.orgs.models import Category, Department, Region
from sanfuwu.orgs.services import region_check_placement, region_create, region_update
from sanfuwu.people.scope import scope_of


class RegionAdminForm(forms.ModelForm[Region]):
    class Meta:
        model = Region
        fields = ["name", "kind", "parent", "code", "sort_order", "active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "kind" in data and "parent" in data:
            try:
                region_check_placement(
                    kind=data["kind"],
                    parent=data["parent"],
                    region=self.instance if self.instance.pk else None,
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    form = RegionAdminForm
    list_display = ["indented_name", "kind", "code", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]
    list_per_page = 100

    @admin.display(description="名称", ordering="path")
    def indented_name(self, obj: Region) -> str:
        return "\u3000" * obj.depth + obj.name

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(pk__in=scope_of(request.user).region_ids())  # type: ignore[arg-type]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            kwargs["queryset"] = scope_of(request.user).regions()  # type: ignore[arg-type]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        fields = {k: form.cleaned_data[k] for k in ("name", "kind", "parent", "code", "sort_order")}
        if change:
            region_update(region=obj, active=form.cleaned_data["active"], **fields)
        else:
            created = region_create(**fields)
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Regions are referenced by history; they are deactivated, never deleted.
        return False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    search_fields = ["name", "code"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "default_department", "sort_order", "active"]
    list_filter = ["default_department", "active"]
    search_fields = ["name", "code", "about"]
