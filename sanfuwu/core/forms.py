from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sanfuwu.core.widgets import speed_up

STOCK_EMPTY_LABEL = BLANK_CHOICE_DASH[0][1]  # Django's "---------"


def _escaped(label: str) -> str:
    # For a message Django %-formats with values of its own (the limit, the choice).
    return label.replace("%", "%%")


def _picks(field: forms.Field) -> bool:
    return isinstance(field, forms.ChoiceField | forms.ModelChoiceField)


def office_messages(field: forms.Field) -> None:
    """Django's stock messages ("这个字段是必填项", "确保该变量包含不超过 …") replaced by plain office
    Chinese naming the field: 请填写姓名。 / 请选择事项分类。 / 标题最多 120 个字（现有 130 个字）。"""
    label = str(field.label or "")
    messages: dict[str, Any] = {}
    if isinstance(field, forms.FileField):
        messages["required"] = (
            _("请选择要上传的%(label)s。") % {"label": label} if label else _("请选择文件。")
        )
    elif isinstance(field, forms.BooleanField):
        messages["required"] = _("请勾选“%(label)s”。") % {"label": label}
    elif _picks(field):
        messages["required"] = _("请选择%(label)s。") % {"label": label} if label else _("请选择一项。")
        messages["invalid_choice"] = (
            _("所选的%(label)s已不在可选范围内，请重新选择。") % {"label": _escaped(label)}
            if label
            else _("所选的一项已不在可选范围内，请重新选择。")
        )
    else:
        messages["required"] = _("请填写%(label)s。") % {"label": label} if label else _("请填写此项。")
    if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = _("%(label)s请填写整数。") % {"label": label}
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = _("%(label)s请填写数字。") % {"label": label}
    elif isinstance(field, forms.DateTimeField):
        messages["invalid"] = _("%(label)s请按 2026-03-01 09:30 的格式填写。") % {"label": label}
    elif isinstance(field, forms.DateField):
        messages["invalid"] = _("%(label)s请按 2026-03-01 的格式填写。") % {"label": label}
    stock = _stock_messages(type(field), get_language())
    for key, message in messages.items():
        # A message the form wrote itself ("请写明问题内容") stays; only Django's own is replaced.
        if key not in field.error_messages or str(field.error_messages[key]) == stock.get(key):
            field.error_messages[key] = message
    field.validators = [_office_validator(v, _escaped(label)) for v in field.validators]


_STOCK: dict[tuple[type[forms.Field], str | None], dict[str, str]] = {}


def _stock_messages(kind: type[forms.Field], language: str | None) -> dict[str, str]:
    # Kept per class and language: every field of every form asks, twenty-five forms a triage page.
    found = _STOCK.get((kind, language))
    if found is None:
        found = {}
        for klass in reversed(kind.__mro__):
            found.update({k: str(v) for k, v in getattr(klass, "default_error_messages", {}).items()})
        _STOCK[(kind, language)] = found
    return found


def _office_validator(validator: Any, label: str) -> Any:
    subject = label or _("此项")
    if isinstance(validator, validators.DecimalValidator):
        return _decimal_words(validator, subject)
    if validator in (validators.validate_slug, validators.validate_unicode_slug):
        # Django's reads 输入由字母，数字，下划线或连字符号组成的有效“字段”。
        worded = copy.copy(validator)
        worded.message = _("%(subject)s只能由英文字母、数字、下划线或连字符组成。") % {"subject": subject}
        return worded
    if not hasattr(validator, "message") or str(validator.message) != str(type(validator).message):
        return validator  # worded by the form already, or not one with a message to word
    if isinstance(validator, validators.MaxLengthValidator):
        message = _("%(subject)s最多 %%(limit_value)d 个字（现有 %%(show_value)d 个字）。")
    elif isinstance(validator, validators.MinLengthValidator):
        message = _("%(subject)s至少 %%(limit_value)d 个字（现有 %%(show_value)d 个字）。")
    elif isinstance(validator, validators.MaxValueValidator):
        message = _("%(subject)s不能大于 %%(limit_value)s。")
    elif isinstance(validator, validators.MinValueValidator):
        message = _("%(subject)s不能小于 %%(limit_value)s。")
    else:
        return validator
    # A new validator, not the old one changed: the field's class shares its validators.
    return type(validator)(validator.limit_value, message % {"subject": subject})


def _decimal_words(validator: validators.DecimalValidator, subject: str) -> Any:
    # Django's read 确保总共不超过 5 个数字。 / 确保小数点后不超过 2 位。 / 确保小数点前不超过 3 位。
    if "messages" in vars(validator):
        return validator  # worded already
    worded = copy.copy(validator)
    worded.messages = {
        **validator.messages,
        "max_digits": _("%(subject)s最多 %%(max)s 位数字。") % {"subject": subject},
        "max_decimal_places": _("%(subject)s最多 %%(max)s 位小数。") % {"subject": subject},
        "max_whole_digits": _("%(subject)s的整数部分最多 %%(max)s 位。") % {"subject": subject},
    }
    return worded


class StyledForm:
    """Gives widgets the CSS framework's classes, marks fields with errors as invalid, and speaks
    plain office Chinese instead of Django's stock phrases (see office_messages)."""

    fields: dict[str, forms.Field]
    _errors: Any
    # What an empty choice reads: a form asks to choose; a filter form sets 全部 instead.
    empty_choice: str | Promise = gettext_lazy("请选择")

    def style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
                speed_up(widget)
            else:
                css = "form-control"
            widget.attrs["class"] = css
            office_messages(field)
            self._name_empty_choice(field)

    def _name_empty_choice(self, field: forms.Field) -> None:
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == STOCK_EMPTY_LABEL:
                field.empty_label = str(self.empty_choice)
        elif isinstance(field, forms.ChoiceField):
            choices: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
            if any(value == "" and str(text) == STOCK_EMPTY_LABEL for value, text in choices):
                field.choices = [
                    (value, self.empty_choice if value == "" and str(text) == STOCK_EMPTY_LABEL else text)
                    for value, text in choices
                ]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self._errors or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"


class LockoutMixin:
    """Counts wrong passwords and refuses a locked account or address before trying the password."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]
    user_cache: Any
    error_messages: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        from django.contrib.auth import authenticate

        from sanfuwu.audit.services import request_address
        from sanfuwu.people.lockout import (
            account_of_login,
            login_attempt_begin,
            login_failure_confirm,
            login_failures_clear,
            login_key,
            login_refusal,
        )

        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        address = request_address(self.request)
        person = account_of_login(username)
        key = login_key(username, person)
        refusal = login_refusal(key=key, address=address)
        if refusal:
            raise ValidationError(refusal, code="locked")
        login_attempt_begin(key=key, address=address)
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            login_failure_confirm(key=key, person=person)
            # The failure that locks the account says so at once, not at the next try.
            refusal = login_refusal(key=key, address=address)
            raise ValidationError(refusal or self.error_messages["invalid_login"], code="invalid_login")
        self.confirm_login_allowed(self.user_cache)  # type: ignore[attr-defined]
        login_failures_clear(username=key)
        return self.cleaned_data


class LoginForm(LockoutMixin, AuthenticationForm):
    """The login form without Django's stock wording ("注意，两者都区分大小写")."""

    error_messages = {
        "invalid_login": gettext_lazy("账号或密码不正确，请重新输入。"),
        "inactive": gettext_lazy("该账号已停用，请联系系统管理员。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext_lazy("账号")
        self.fields["password"].label = gettext_lazy("密码")
        for field in self.fields.values():
            office_messages(field)


class AdminLoginForm(LockoutMixin, AdminAuthenticationForm):
    """The admin's own sign-in counts towards the same lockout as the product's."""


def errors_at_fields(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's refusal shown where it belongs: at the field it names when the form has one,
    otherwise at the top of the form."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
