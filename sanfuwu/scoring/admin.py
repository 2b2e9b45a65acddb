"""The indicator table is configuration: admins edit it here, and weights per league must make 100."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from sanfuwu.scoring.models import (
    Indicator,
    ManualValue,
    ReviewCriterion,
    ReviewMeeting,
    UnitTarget,
)

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
class UnitTargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "region", "department", "year", "target")
    list_filter = ("indicator", "year")


@admin.register(ManualValue)
class ManualValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "region", "department", "month", "value", "entered_by")
    list_filter = ("indicator", "month")

    def save_model(self, request: HttpRequest, obj: ManualValue, form: Any, change: bool) -> None:
        obj.entered_by = request.user if request.user.is_authenticated else None
        super().save_model(request, obj, form, change)


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
