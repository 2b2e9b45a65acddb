from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sanfuwu.core.admin_scope import ScopedAdmin
from sanfuwu.orgs.models import Category, Department, Region
from sanfuwu.orgs.services import (
    region_check_placement,
    region_check_unique_name,
    region_create,
    region_update,
)
from sanfuwu.people.scope import scope_of


class RegionAdminForm(forms.ModelForm[Region]):
    district_wide = True  # set per request by RegionAdmin.get_form

    class Meta:
        model = Region
        fields = ["name", "kind", "parent", "code", "sort_order", "active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind", self.instance.kind)
        parent = data.get("parent") if "parent" in self.fields else self.instance.parent
        if "parent" in self.fields and parent is None and not self.district_wide:
            self.add_error("parent", _("请选择上级区域。"))
            return data
        region = self.instance if self.instance.pk else None
        try:
            if kind:
                region_check_placement(kind=kind, parent=parent, region=region)
            if data.get("name"):
                region_check_unique_name(name=data["name"], parent=parent, region=region)
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

    @admin.display(description=_("名称"), ordering="path")
    def indented_name(self, obj: Region) -> str:
        return "\u3000" * obj.depth + obj.name

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(pk__in=scope_of(request.user).region_ids())  # type: ignore[arg-type]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.district_wide = scope_of(request.user).everything  # type: ignore[arg-type,attr-defined]
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        scope = scope_of(request.user)  # type: ignore[arg-type]
        if (
            obj is not None
            and not scope.everything
            and scope.region is not None
            and obj.pk == scope.region.pk
        ):
            # The root of one's own territory stays where it is; only its details are editable.
            return ["kind", "parent"]
        return []

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            kwargs["queryset"] = scope_of(request.user).regions()  # type: ignore[arg-type]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        data = form.cleaned_data
        fields = {
            k: data.get(k, getattr(obj, k))
            for k in ("name", "kind", "parent", "code", "sort_order", "active")
        }
        if change:
            region_update(region=Region.objects.get(pk=obj.pk), **fields)
        else:
            created = region_create(**fields)
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Regions are referenced by history; they are deactivated, never deleted.
        return False

    def get_urls(self) -> list[Any]:
        from django.urls import path

        own = [
            path(
                "boundaries/", self.admin_site.admin_view(self.boundaries_view), name="orgs_region_boundaries"
            )
        ]
        return own + super().get_urls()

    def boundaries_view(self, request: HttpRequest) -> Any:
        """导入边界: a district-wide administrator uploads a GeoJSON file of regions' outlines."""
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from sanfuwu.orgs.boundaries import regions_boundaries_import

        if not (_district_wide(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = BoundaryUploadForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                n = regions_boundaries_import(raw=form.cleaned_data["file"].read())
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("file", message)
                status = 400
            else:
                messages.success(request, _("已导入 %(n)s 个区域的边界。") % {"n": n})
                return redirect("admin:orgs_region_changelist")
        elif request.method == "POST":
            status = 400
        context = {**self.admin_site.each_context(request), "form": form, "title": _("导入区域边界"),
                   "opts": self.model._meta, "drawn": Region.objects.filter(boundary__isnull=False).count()}  # fmt: skip
        return TemplateResponse(request, "admin/orgs/region/boundaries.html", context, status=status)


class BoundaryUploadForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON 文件"),
        help_text=_(
            "FeatureCollection，每个要素的 properties.name 为区域名称（重名时以 properties.parent 注明上级），"
            "几何为 WGS-84 经纬度的 Polygon 或 MultiPolygon。任何要素有误则整个文件不导入。"
        ),
    )


class DistrictWideOnly(admin.ModelAdmin):
    """Departments and categories shape everyone's scope and routing: district-wide people only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _district_wide(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _district_wide(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _district_wide(request) and super().has_delete_permission(request, obj)


def _district_wide(request: HttpRequest) -> bool:
    return scope_of(request.user).everything  # type: ignore[arg-type]


@admin.register(Department)
class DepartmentAdmin(DistrictWideOnly):
    list_display = ["name", "code", "region", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    search_fields = ["name", "code"]


@admin.register(Category)
class CategoryAdmin(DistrictWideOnly):
    list_display = ["name", "code", "default_department", "sort_order", "active"]
    list_filter = ["default_department", "active"]
    search_fields = ["name", "code", "about"]
