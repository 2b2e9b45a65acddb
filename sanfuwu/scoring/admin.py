"""The indicator table is configuration: admins edit it here, and weights per league must make 100."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from sanfuwu.core.admin_scope import ScopedAdmin
from sanfuwu.notify.other_news import review_opened_news
from sanfuwu.orgs.models import Department, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.scoring.models import (
    Indicator,
    ManualValue,
    ReviewCriterion,
    ReviewMeeting,
    Source,
    UnitTarget,
)
from sanfuwu.scoring.services import manual_value_check, manual_value_set

FULL = Decimal(100)


def league_weight_total(league: str, changed: dict[int | None, tuple[Decimal, bool]]) -> Decimal:
    """The sum of the active weights of a league once `changed` (pk → weight, active) is applied."""
    rows = Indicator.objects.filter(league=league).values_list("pk", "weight", "active")
    weights: dict[int | None, tuple[Decimal, bool]] = {pk: (w, a) for pk, w, a in rows}
    weights.update(changed)
    return sum((w for w, active in weights.values() if active), Decimal(0))


def weight_error(league: str, total: Decimal) -> str:
    return _(
        "同一赛道启用指标的权重之和须为 100，现为 %(total)s。新增或调整指标时，请在列表页一并修改各指标权重。"
    ) % {"total": f"{total:f}".rstrip("0").rstrip(".")}


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = (
            "league", "name", "source", "unit", "higher_is_better", "weight", "method", "target", "cap",
            "min_cases", "meeting", "description", "sort_order", "active",
        )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == "contribution" and not data.get("higher_is_better", True):
            self.add_error("method", _("贡献度只适用于越高越好的指标。"))
        if data.get("source") == "review" and not data.get("meeting"):
            self.add_error("meeting", _("数据来源为测评得分时，请选择测评会议。"))
        league, weight = data.get("league"), data.get("weight")
        if league and weight is not None:
            total = league_weight_total(league, {self.instance.pk: (weight, data.get("active", True))})
            if total != FULL:
                self.add_error("weight", weight_error(league, total))
        return data


class WeightsFormSet(forms.BaseModelFormSet):
    def clean(self) -> None:
        super().clean()
        changed: dict[str, dict[int | None, tuple[Decimal, bool]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.instance.pk is None:
                continue
            changed.setdefault(form.instance.league, {})[form.instance.pk] = (
                data["weight"],
                data.get("active", form.instance.active),
            )
        errors = [
            weight_error(league, total)
            for league, ch in changed.items()
            if (total := league_weight_total(league, ch)) != FULL
        ]
        if errors:
            raise ValidationError(errors)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorForm
    list_display = ("name", "league", "source", "weight", "active", "method", "target", "min_cases")
    list_editable = ("weight", "active")
    list_filter = ("league", "source")
    ordering = ("league", "sort_order", "id")

    def get_changelist_formset(self, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["formset"] = WeightsFormSet
        return super().get_changelist_formset(request, **kwargs)


@admin.register(UnitTarget)
class UnitTargetAdmin(ScopedAdmin):
    list_display = ("indicator", "region", "department", "year", "target")
    list_filter = ("indicator", "year")

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        scope = scope_of(request.user)  # type: ignore[arg-type]
        # As the manual values beside them: departments' targets district-wide only.
        return qs if scope.everything else qs.filter(region_id__in=scope.region_ids())

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        scope = scope_of(request.user)  # type: ignore[arg-type]
        if db_field.name == "region":
            kwargs["queryset"] = scope.regions()
        elif db_field.name == "department" and not scope.everything:
            kwargs["queryset"] = Department.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


KEY_FIELDS = ("indicator", "region", "department", "month")


class ManualValueForm(forms.ModelForm[ManualValue]):
    actor: Person  # set per request by ManualValueAdmin.get_form

    class Meta:
        model = ManualValue
        fields = (*KEY_FIELDS, "value")

    def _given(self, data: dict[str, Any], name: str) -> Any:
        # On a change the key fields are read-only and absent from the form: the row's own count.
        return data.get(name) if name in self.fields else getattr(self.instance, name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(name in self.errors for name in KEY_FIELDS):
            return data
        indicator, month = self._given(data, "indicator"), self._given(data, "month")
        region, department = self._given(data, "region"), self._given(data, "department")
        if region is None and department is None:
            self.add_error("region", _("请选择街道、园区或部门。"))
            return data
        if region is not None and department is not None:
            self.add_error("department", _("街道园区和部门只能选一个。"))
            return data
        unit, unit_field = (region, "region") if region is not None else (department, "department")
        try:
            manual_value_check(actor=self.actor, indicator=indicator, unit=unit)
        except ValidationError as refused:
            for name, messages in refused.message_dict.items():
                field = unit_field if name == "unit" else name
                self.add_error(field if field in self.fields else None, messages)
            return data
        same = ManualValue.objects.filter(
            indicator=indicator, month=month.replace(day=1), **{unit_field: unit}
        )
        if self.instance.pk is None and same.exists():
            # The service would correct that row in place, but "add" asked for a new one.
            message = _("该单位这个月的“%(name)s”已经录入，请在列表中修改。")
            self.add_error("month", message % {"name": indicator.name})
        return data


@admin.register(ManualValue)
class ManualValueAdmin(ScopedAdmin):
    """Values are entered and corrected through manual_value_set, as by the import, within one's scope."""

    form = ManualValueForm
    list_display = ("indicator", "region", "department", "month", "value", "entered_by")
    list_filter = ("indicator", "month")
    list_select_related = ("indicator", "region", "department", "entered_by")

    def scoped_queryset(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        scope = scope_of(request.user)  # type: ignore[arg-type]
        # Departments' values are entered district-wide only; below that, one's own streets' values.
        return qs if scope.everything else qs.filter(region_id__in=scope.region_ids())

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = [*KEY_FIELDS, "value"]
        if not scope_of(request.user).everything:  # type: ignore[arg-type]
            fields.remove("department")
        return fields if obj is None else [*fields, "entered_by", "entered_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A value is known by its indicator, unit and month: a change corrects the value alone.
        return () if obj is None else (*KEY_FIELDS, "entered_by", "entered_at")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user  # type: ignore[attr-defined]
        return form

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "indicator":
            kwargs["queryset"] = Indicator.objects.filter(source=Source.MANUAL)
        elif db_field.name == "region":
            streets = scope_of(request.user).regions()  # type: ignore[arg-type]
            kwargs["queryset"] = streets.filter(kind__in=[RegionKind.STREET, RegionKind.PARK])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ManualValue, form: Any, change: bool) -> None:
        unit = obj.region or obj.department
        assert unit is not None, "the form asks for one unit"
        entry, _created = manual_value_set(
            actor=request.user,  # type: ignore[arg-type]
            indicator=obj.indicator, unit=unit, month=obj.month, value=obj.value,
        )  # fmt: skip
        # The admin's message, log entry and redirect name the row the service wrote.
        obj.pk, obj.month = entry.pk, entry.month
        obj.entered_by, obj.entered_at = entry.entered_by, entry.entered_at


class CriterionInline(admin.TabularInline):
    model = ReviewCriterion
    extra = 0


@admin.register(ReviewMeeting)
class ReviewMeetingAdmin(admin.ModelAdmin):
    """Scores are never edited here: evaluators give them in the portal, and closing is final."""

    list_display = ("name", "league", "held_on", "closed_at")
    filter_horizontal = ("evaluators",)
    inlines = [CriterionInline]
    readonly_fields = ("closed_at",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.closed:
            return False
        return super().has_change_permission(request, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Evaluators newly called to the meeting are told; those already on it were told before.
        before = set(form.instance.evaluators.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        meeting = form.instance
        called = [p for p in meeting.evaluators.all() if p.pk not in before]
        if called and not meeting.closed:
            review_opened_news(
                evaluators=called,
                meeting_id=meeting.pk,
                name=meeting.name,
                held_on=f"{meeting.held_on:%Y-%m-%d}",
            )
