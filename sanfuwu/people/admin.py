from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from sanfuwu.core.admin_scope import ScopedAdmin
from sanfuwu.people.models import Person, RoleGrant
from sanfuwu.people.scope import scope_of
from sanfuwu.people.selectors import people_visible_to


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1


@admin.register(Person)
class PersonAdmin(ScopedAdmin, UserAdmin):
    inlines = [RoleGrantInline]
    list_display = ["username", "name", "unit_name", "title", "is_active"]
    list_filter = ["role_grants__role", "is_active", "department"]
    search_fields = ["username", "name", "phone"]
    ordering = ["id"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("基本信息", {"fields": ("name", "phone", "email", "title", "region", "department")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "name", "region", "department", "password1", "password2"),
            },
        ),
    )

    @admin.display(description="单位")
    def unit_name(self, obj: Person) -> str:
        return obj.unit_name

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(pk__in=people_visible_to(request.user).values("pk"))  # type: ignore[arg-type]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Whoever may edit people must not thereby be able to make anyone (themselves) a superuser.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_superuser", "is_staff", "groups", "user_permissions", "last_login", "date_joined"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "region":
            kwargs["queryset"] = scope_of(request.user).regions()  # type: ignore[arg-type]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
