from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sanfuwu.core.admin_scope import ScopedAdmin
from sanfuwu.orgs.models import RegionKind
from sanfuwu.people.scope import scope_of
from sanfuwu.targets.credit_code import normalize_credit_code, validate_credit_code
from sanfuwu.targets.models import Target
from sanfuwu.targets.selectors import targets_visible_to
from sanfuwu.targets.services import TARGET_FIELDS, target_check_fields, target_create, target_update


class TargetAdminForm(forms.ModelForm[Target]):
    credit_code = forms.CharField(label="统一社会信用代码", max_length=40, required=False)

    class Meta:
        model = Target
        fields = TARGET_FIELDS

    def clean_credit_code(self) -> str | None:
        code = normalize_credit_code(self.cleaned_data.get("credit_code") or "")
        if code:
            validate_credit_code(code)
        return code or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        region, grid = data.get("region"), data.get("grid")
        if region is not None and grid is not None and not region.contains(grid):
            self.add_error("grid", _("所选网格不在所属区域之内。"))
        for field, message in target_check_fields(
            kind=data.get("kind"), name=data.get("name"), credit_code=data.get("credit_code"),
            industry=data.get("industry"), pk=self.instance.pk,
        ).items():  # fmt: skip
            if field not in self.errors:
                self.add_error(field, message)
        return data


@admin.register(Target)
class TargetAdmin(ScopedAdmin):
    form = TargetAdminForm
    list_display = ["name", "kind", "credit_code", "industry", "region", "grid", "is_key", "active"]
    list_filter = ["kind", "is_key", "industry", "active"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["region", "grid"]

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(pk__in=targets_visible_to(request.user).values("pk"))  # type: ignore[arg-type]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        visible = scope_of(request.user).regions()  # type: ignore[arg-type]
        if db_field.name == "region":
            kwargs["queryset"] = visible.exclude(kind=RegionKind.GRID)
        elif db_field.name == "grid":
            kwargs["queryset"] = visible.filter(kind=RegionKind.GRID)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Targets carry the history of visits and issues; they are deactivated, never deleted.
        return False

    def save_model(self, request: HttpRequest, obj: Target, form: Any, change: bool) -> None:
        fields = {k: form.cleaned_data.get(k) for k in TARGET_FIELDS}
        if change:
            target_update(actor=request.user, target=obj, fields=fields)  # type: ignore[arg-type]
        else:
            obj.pk = target_create(actor=request.user, fields=fields).pk  # type: ignore[arg-type]
