from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sanfuwu.audit.models import AuditAction
from sanfuwu.audit.services import audit_record
from sanfuwu.core.admin_scope import ScopedAdmin
from sanfuwu.orgs.models import Department
from sanfuwu.people.lockout import account_unlock, login_failures_clear
from sanfuwu.people.models import Person, Role, RoleGrant
from sanfuwu.people.roles import DISTRICT_WIDE
from sanfuwu.people.scope import scope_of
from sanfuwu.people.selectors import people_visible_to
from sanfuwu.people.services import person_set_roles


def _district_wide(request: HttpRequest) -> bool:
    return scope_of(request.user).everything  # type: ignore[arg-type]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Only someone who already sees the whole district may hand out roles that see it.
        if db_field.name == "role" and not _district_wide(request):
            kwargs["choices"] = [c for c in Role.choices if c[0] not in DISTRICT_WIDE]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def _own_record(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and obj.pk == request.user.pk and not request.user.is_superuser

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._own_record(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._own_record(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._own_record(request, obj) and super().has_delete_permission(request, obj)


class ResetPasswordForm(AdminPasswordChangeForm):
    """重置密码: the owner must replace what the administrator chose at the next login."""

    def save(self, commit: bool = True) -> Any:
        person = super().save(commit=False)
        person.must_change_password = person.has_usable_password()
        if commit:
            with transaction.atomic():
                person.save()
                login_failures_clear(username=person.username)
                audit_record(action=AuditAction.PASSWORD_RESET, obj=person)
        return person


@admin.register(Person)
class PersonAdmin(ScopedAdmin, UserAdmin):
    inlines = [RoleGrantInline]
    change_password_form = ResetPasswordForm
    actions = ["unlock_logins"]
    list_display = ["username", "name", "unit_name", "title", "is_active"]
    list_filter = ["role_grants__role", "is_active", "department"]
    search_fields = ["username", "name", "phone"]
    ordering = ["id"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("基本信息"), {"fields": ("name", "phone", "email", "title", "region", "department")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
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

    @admin.display(description=_("单位"))
    def unit_name(self, obj: Person) -> str:
        return obj.unit_name

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = qs.filter(pk__in=people_visible_to(request.user).values("pk"))  # type: ignore[arg-type]
        if not _district_wide(request):
            # People who see more than the viewer are not the viewer's to edit (or to reset).
            qs = qs.exclude(is_superuser=True).exclude(role_grants__role__in=DISTRICT_WIDE)
        return qs

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        # Whoever may edit people must not thereby make anyone (themselves) a superuser,
        # nor move themselves to a unit that sees more.
        fields = ["is_superuser", "is_staff", "groups", "user_permissions", "last_login", "date_joined"]
        if obj is not None and obj.pk == request.user.pk:
            fields += ["region", "department"]
        return fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        scope = scope_of(request.user)  # type: ignore[arg-type]
        if db_field.name == "region":
            kwargs["queryset"] = scope.regions()
        elif db_field.name == "department" and not scope.everything:
            kwargs["queryset"] = Department.objects.filter(region__in=scope.region_ids())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change and obj.has_usable_password():
            obj.must_change_password = True  # the administrator typed it; the owner replaces it
        super().save_model(request, obj, form, change)

    @admin.action(description=_("解除登录锁定"), permissions=["change"])
    def unlock_logins(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        unlocked = [person.name or person.username for person in queryset if account_unlock(person=person)]
        if unlocked:
            self.message_user(request, _("已解除锁定：%(names)s") % {"names": "、".join(unlocked)})
        else:
            self.message_user(request, _("所选账号没有被锁定。"), level=messages.WARNING)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Roles go through the service, which keeps the admin flags in step with the admin role.
        person = form.instance
        person_set_roles(person=person, roles=list(person.role_grants.values_list("role", flat=True)))
