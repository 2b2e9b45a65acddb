from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanfuwu.core.forms import StyledForm
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.orgs.selectors import region_label, region_labels
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.targets.credit_code import normalize_credit_code, validate_credit_code
from sanfuwu.targets.models import Industry, Target, TargetKind
from sanfuwu.targets.services import TARGET_FIELDS, target_check_fields


class RegionChoiceField(forms.ModelChoiceField[Region]):
    """Labels that tell grids of different communities apart, computed once for all options."""

    _labels: dict[int, str] | None = None

    def label_from_instance(self, obj: Region) -> str:
        if self._labels is None:
            self._labels = region_labels(list(self.queryset))  # type: ignore[arg-type]
        return self._labels.get(obj.pk) or region_label(obj)


class TargetForm(StyledForm, forms.ModelForm[Target]):
    region = RegionChoiceField(
        queryset=Region.objects.none(), label=_("所属区域"), empty_label=_("请选择街道、园区、社区或村")
    )
    grid = RegionChoiceField(
        queryset=Region.objects.none(),
        label=_("网格"),
        required=False,
        empty_label=_("不属于网格 / 暂不指定"),
    )
    # Longer than 18 on purpose: pasted codes carry spaces that clean_credit_code removes.
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=40, required=False)

    class Meta:
        model = Target
        fields = TARGET_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(actor)
        self.fields["region"].queryset = scope.placeable_regions()  # type: ignore[attr-defined]
        self.fields["grid"].queryset = scope.regions().filter(active=True, kind=RegionKind.GRID)  # type: ignore[attr-defined]
        self.style_widgets()
        self.fields["credit_code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["contact_phone"].widget.attrs["inputmode"] = "tel"
        self.fields["credit_code"].help_text = _("18 位，企业必填；可直接粘贴，空格和小写会自动整理。")
        self.fields["industry"].choices = [("", _("请选择行业")), *Industry.choices]  # type: ignore[attr-defined]

    def clean_credit_code(self) -> str | None:
        code = normalize_credit_code(self.cleaned_data.get("credit_code") or "")
        if code:
            validate_credit_code(code)  # here, so that one message shows rather than two
        return code or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field, message in target_check_fields(
            kind=data.get("kind"), name=data.get("name"), credit_code=data.get("credit_code"),
            industry=data.get("industry"), pk=self.instance.pk,
        ).items():  # fmt: skip
            if field not in self.errors:
                self.add_error(field, message)
        region, grid = data.get("region"), data.get("grid")
        if region is not None and grid is not None and not region.contains(grid):
            self.add_error("grid", _("所选网格不在所属区域之内。"))
        return data


class TargetFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("名称或信用代码"), required=False, max_length=100)
    kind = forms.ChoiceField(
        required=False, choices=[("all", _("全部")), *TargetKind.choices], widget=forms.HiddenInput
    )
    industry = forms.ChoiceField(
        label=_("行业"), required=False, choices=[("", _("全部行业")), *Industry.choices]
    )
    region = RegionChoiceField(
        queryset=Region.objects.none(), label=_("区域"), required=False, empty_label=_("全部区域")
    )
    grid = RegionChoiceField(
        queryset=Region.objects.none(), label=_("网格"), required=False, empty_label=_("全部网格")
    )
    key = forms.ChoiceField(
        label=_("重点"), required=False, choices=[("", _("全部")), ("1", _("重点企业")), ("0", _("非重点"))]
    )

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = scope_of(actor).regions().filter(active=True)
        self.fields["region"].queryset = visible.filter(  # type: ignore[attr-defined]
            kind__in=[RegionKind.STREET, RegionKind.PARK, RegionKind.COMMUNITY, RegionKind.VILLAGE]
        )
        self.fields["grid"].queryset = visible.filter(kind=RegionKind.GRID)  # type: ignore[attr-defined]
        self.style_widgets()
