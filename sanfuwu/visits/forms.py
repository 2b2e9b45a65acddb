"""The edge of the visits app: what people type, checked field by field before any service runs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfuwu.core.forms import StyledForm
from sanfuwu.issues.aftercare import SPOT_RATINGS
from sanfuwu.issues.forms import spot_check
from sanfuwu.orgs.models import Category, Department, Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.selectors import people_visible_to
from sanfuwu.targets.models import Target
from sanfuwu.targets.selectors import targets_visible_to
from sanfuwu.visits.models import Frequency, Policy, VisitForm
from sanfuwu.visits.services import CLOCK_SLACK, MAX_PHOTOS, Problem, photo_check


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"})
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("照片最多 %(n)s 张。") % {"n": MAX_PHOTOS})
        errors = []
        for upload in files:
            super().clean(upload, initial)
            try:
                photo_check(upload)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return files


def targets_for_visit(actor: Person) -> Any:
    """The targets a person may visit, those of their own pairings first."""
    mine = actor.pairings.values("target_id")
    return (
        targets_visible_to(actor)
        .filter(active=True)
        .annotate(
            paired=Case(When(pk__in=mine, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("paired", "-is_key", "name")
    )


class VisitRecordForm(StyledForm, forms.Form):
    targets = forms.ModelMultipleChoiceField(
        label=_("走访对象"),
        queryset=Target.objects.none(),
        error_messages={
            "required": _("请至少选择一个走访对象。"),
            "invalid_choice": _("所选走访对象不在您的管辖范围内。"),
        },
    )
    visited_at = forms.DateTimeField(
        label=_("走访时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": _("请填写走访时间。"), "invalid": _("请填写正确的日期和时间。")},
    )
    form = forms.ChoiceField(label=_("走访形式"), choices=VisitForm.choices, initial=VisitForm.SITE)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    met = forms.CharField(
        label=_("接待人员"), max_length=200, required=False, help_text=_("如：总经理 张某某")
    )
    notes = forms.CharField(
        label=_("走访情况"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请简要记录走访情况。")},
    )
    companions = forms.ModelMultipleChoiceField(
        label=_("同行人员"), queryset=Person.objects.none(), required=False
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("随行部门"), queryset=Department.objects.filter(active=True), required=False
    )
    policies = forms.ModelMultipleChoiceField(
        label=_("宣讲政策"), queryset=Policy.objects.filter(active=True), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    photos = PhotosField(
        label=_("现场照片"), required=False, help_text=_("JPG 或 PNG，每张不超过 10 MB，最多 9 张")
    )
    report = forms.FileField(label=_("调研报告"), required=False, help_text=_("可选：Word 或 PDF"))

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["targets"].queryset = targets_for_visit(actor)  # type: ignore[attr-defined]
        companions = people_visible_to(actor).exclude(pk=actor.pk).filter(is_active=True)
        self.fields["companions"].queryset = companions  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("visited_at", timezone.localtime().replace(second=0, microsecond=0))
        self.style_widgets()
        self.fields["policies"].widget.attrs["class"] = "form-check-input"

    def clean_visited_at(self) -> Any:
        value = self.cleaned_data["visited_at"]
        if value > timezone.now() + CLOCK_SLACK:
            raise forms.ValidationError(_("走访时间不能晚于现在。"))
        return value

    def clean_notes(self) -> str:
        notes = self.cleaned_data["notes"].strip()
        if len(notes) < 5:
            raise forms.ValidationError(_("请简要记录走访情况（至少 5 个字）。"))
        return notes


class ProblemForm(StyledForm, forms.Form):
    description = forms.CharField(
        label=_("问题内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请写明问题内容。")},
    )  # fmt: skip
    category = forms.ModelChoiceField(
        label=_("事项分类"), queryset=Category.objects.filter(active=True),
        error_messages={"required": _("请选择事项分类。")},
    )  # fmt: skip
    solved = forms.BooleanField(label=_("现场已解决（已经办）"), required=False)
    resolution = forms.CharField(
        label=_("解决情况"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    told_on_spot = forms.BooleanField(label=_("已当场告知反映人（登记后直接销号）"), required=False)
    spot_rating = forms.ChoiceField(
        label=_("反映人当场评价"), required=False, widget=forms.RadioSelect, choices=SPOT_RATINGS
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if len((data.get("description") or "").strip()) < 5 and "description" not in self.errors:
            self.add_error("description", _("请写明问题内容（至少 5 个字）。"))
        if data.get("solved") and len((data.get("resolution") or "").strip()) < 2:
            self.add_error("resolution", _("现场已解决的问题请填写解决情况。"))
        spot_check(self, data, tier_done=bool(data.get("solved")))
        return data

    def problem(self) -> Problem:
        data = self.cleaned_data
        return Problem(
            description=data["description"].strip(), category=data["category"],
            tier="done" if data.get("solved") else "deadline", resolution=(data.get("resolution") or "").strip(),
            told_on_spot=bool(data.get("told_on_spot")), spot_rating=data.get("spot_rating") or "",
        )  # fmt: skip


ProblemFormSet = forms.formset_factory(ProblemForm, extra=0, max_num=20, validate_max=True)


class PeriodForm(StyledForm, forms.Form):
    """The region a coverage page narrows to; the month and span come straight from the query."""

    region = forms.ModelChoiceField(label=_("区域"), queryset=Region.objects.none(), required=False)
    # No region chosen is the reader's whole territory.
    empty_choice = _("全部区域")

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from sanfuwu.people.scope import scope_of

        self.fields["region"].queryset = (  # type: ignore[attr-defined]
            scope_of(actor).regions().filter(active=True).exclude(kind=RegionKind.GRID).order_by("path")
        )
        self.style_widgets()


class GridAssignForm(StyledForm, forms.Form):
    grid = forms.ModelChoiceField(label=_("网格"), queryset=Region.objects.none())
    person = forms.ModelChoiceField(label=_("包联人"), queryset=Person.objects.none())
    frequency = forms.ChoiceField(label=_("走访频次"), choices=Frequency.choices, initial=Frequency.MONTHLY)
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from sanfuwu.people.scope import scope_of

        self.fields["grid"].queryset = scope_of(actor).regions().filter(kind=RegionKind.GRID, active=True)  # type: ignore[attr-defined]
        self.fields["person"].queryset = people_visible_to(actor).filter(is_active=True, region__isnull=False)  # type: ignore[attr-defined]
        self.style_widgets()
