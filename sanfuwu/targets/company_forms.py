from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanfuwu.core.forms import StyledForm
from sanfuwu.issues.forms import EvidenceField
from sanfuwu.orgs.models import Category
from sanfuwu.raisers.services import MAX_PHOTOS


class CompanyRaiseForm(StyledForm, forms.Form):
    category = forms.ModelChoiceField(label=_("问题类别"), queryset=Category.objects.none())
    description = forms.CharField(
        label=_("问题描述"), min_length=10, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("请写明遇到的困难、涉及的事项和希望得到的帮助")}),
    )  # fmt: skip
    address = forms.CharField(
        label=_("地点"), max_length=200, required=False, help_text=_("不填则为企业地址")
    )
    photos = EvidenceField(label=_("照片或材料"), required=False,
                           help_text=_("可选，最多 %(n)s 张 JPG 或 PNG") % {"n": MAX_PHOTOS})  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["photos"].widget.attrs.update({"accept": "image/jpeg,image/png"})
        self.style_widgets()


class AccountForm(StyledForm, forms.Form):
    """The contact's own details: by invitation they choose them; staff may fill them in for them."""

    username = forms.CharField(label=_("登录账号"), max_length=150)
    name = forms.CharField(label=_("联系人姓名"), max_length=32)
    phone = forms.CharField(label=_("联系电话"), max_length=24, required=False)
    password = forms.CharField(
        label=_("密码"), widget=forms.PasswordInput, help_text=_("至少 8 位，不要只用数字")
    )
    password_again = forms.CharField(label=_("再次输入密码"), widget=forms.PasswordInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autocomplete": "username"})
        self.style_widgets()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("两次输入的密码不一致。"))
        return data
