"""The public channel's forms: what a resident fills in on a phone, checked field by field in
plain Chinese before anything is written."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanfuwu.core.forms import StyledForm
from sanfuwu.issues.forms import EvidenceField, _point_errors
from sanfuwu.issues.models import Rating
from sanfuwu.issues.places import region_from_address
from sanfuwu.orgs.models import Category, Region, RegionKind
from sanfuwu.people.models import phone_validator
from sanfuwu.raisers.codes import LENGTH, code_clean
from sanfuwu.raisers.services import MAX_PHOTOS
from sanfuwu.targets.models import Target


class RaiseForm(StyledForm, forms.Form):
    category = forms.ModelChoiceField(label=_("问题类别"), queryset=Category.objects.none())
    description = forms.CharField(
        label=_("问题描述"), min_length=10, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("请写明发生了什么、在哪里、持续多久、希望如何解决")}),
    )  # fmt: skip
    region = forms.ModelChoiceField(label=_("所在街道或社区"), queryset=Region.objects.none(), required=False)
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    enterprise = forms.CharField(
        label=_("企业名称或统一社会信用代码"), max_length=120, required=False,
        help_text=_("反映某家企业的问题，或您代表企业反映时填写"),
    )  # fmt: skip
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    photos = EvidenceField(
        label=_("照片"), required=False,
        help_text=_("可选，最多 %(n)s 张 JPG 或 PNG，每张不超过 10 MB") % {"n": MAX_PHOTOS},
    )  # fmt: skip
    raiser_name = forms.CharField(label=_("您的称呼"), max_length=32, required=False)
    raiser_phone = forms.CharField(
        label=_("联系电话"), max_length=24, required=False,
        help_text=_("可选，仅办理人员联系您时使用，不会公开"),
    )  # fmt: skip
    answer = forms.CharField(label=_("请计算"), max_length=4)
    check = forms.CharField(widget=forms.HiddenInput)
    # Hidden from people by the page's style; only a robot fills it in.
    website = forms.CharField(required=False, label=_("网址（请勿填写）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True)  # type: ignore[attr-defined]
        places = Region.objects.filter(
            active=True,
            kind__in=[RegionKind.STREET, RegionKind.PARK, RegionKind.COMMUNITY, RegionKind.VILLAGE],
        )
        self.fields["region"].queryset = places  # type: ignore[attr-defined]
        # 下沙街道 / 头格社区, from names read once rather than a query per option.
        names = dict(places.values_list("id", "name"))
        self.fields["region"].label_from_instance = lambda r: " / ".join(  # type: ignore[attr-defined]
            names[i] for i in r.ancestor_ids() if i in names
        )
        self.fields["photos"].widget.attrs.update({"accept": "image/jpeg,image/png"})
        self.fields["address"].widget.attrs.update({"placeholder": _("例如 下沙街道头格社区 6 号大街 12 号")})
        self.fields["answer"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.style_widgets()

    def clean_raiser_phone(self) -> str:
        phone = self.cleaned_data.get("raiser_phone", "").strip()
        if phone:
            phone_validator(phone)
        return phone

    def clean_photos(self) -> list[Any]:
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
        return photos

    def clean_enterprise(self) -> Target | None:
        typed = self.cleaned_data.get("enterprise", "").strip()
        if not typed:
            return None
        found = (
            Target.objects.filter(active=True).filter(Q(name=typed) | Q(credit_code=typed.upper())).first()
        )
        if found is None:
            raise forms.ValidationError(_("没有找到这家企业，请核对全称或统一社会信用代码，或不填此项。"))
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for message in _point_errors(data).values():
            # A point the phone gave that lies outside the district is said at the address.
            self.add_error("address", message)
        target = data.get("enterprise")
        if not data.get("region"):
            regions = list(self.fields["region"].queryset)  # type: ignore[attr-defined]
            named = region_from_address(data.get("address") or "", regions)
            if named is not None:
                data["region"] = named
            elif target is not None:
                data["region"] = target.grid or target.region
            else:
                self.add_error("region", _("请选择所在街道或社区，或在详细地址中写明街道、社区名称。"))
        return data


class TrackForm(StyledForm, forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "autocapitalize": "characters"})
        self.style_widgets()

    def clean_code(self) -> str:
        code = code_clean(self.cleaned_data.get("code", ""))
        if len(code) != LENGTH:
            raise forms.ValidationError(_("查询码是 %(n)s 位字母和数字，请核对后重新输入。") % {"n": LENGTH})
        return code


RATINGS = [(Rating.SATISFIED, _("满意")), (Rating.BASIC, _("基本满意")), (Rating.UNSATISFIED, _("不满意"))]


class RateForm(StyledForm, forms.Form):
    rating = forms.ChoiceField(label=_("您对办理结果是否满意"), choices=RATINGS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("意见或建议"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rating") == Rating.UNSATISFIED and len((data.get("note") or "").strip()) < 2:
            self.add_error("note", _("请写明不满意的原因，以便重新办理。"))
        return data
