from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanfuwu.core.forms import StyledForm
from sanfuwu.tokens.models import TokenScope
from sanfuwu.tokens.services import MAX_DAYS


class TokenForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("用途"), max_length=64, help_text=_("例如“12345 热线平台对接”"))
    scope = forms.ChoiceField(label=_("权限范围"), choices=TokenScope.choices, initial=TokenScope.READ)
    days = forms.IntegerField(label=_("有效期（天）"), min_value=1, max_value=MAX_DAYS, initial=90)

    def __init__(self, *args: Any, admin: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not admin:
            self.fields["scope"].choices = [c for c in TokenScope.choices if c[0] != TokenScope.ADMIN]  # type: ignore[attr-defined]
        self.style_widgets()
