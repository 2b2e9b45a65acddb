"""The admin (系统配置) in the same plain office Chinese as the rest of the product.

Django's admin builds its forms itself, so StyledForm never sees them: its stock phrases
("这个字段是必填项。", "确保该值…") and its empty choice "---------" would show there. The site below
mixes OfficeWordsMixin into every ModelAdmin it registers, and OfficeWordsInlineMixin into each
of their inlines, so a new admin speaks like the others without doing anything.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import admin
from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin
from django.core import validators
from django.db.models import Field as ModelField
from django.db.models import Model
from django.db.models.fields import BLANK_CHOICE_DASH
from django.http import HttpRequest, HttpResponse

from sanfuwu.core.forms import StyledForm, office_messages

if TYPE_CHECKING:
    _FieldsBase = BaseModelAdmin[Any]
    _AdminBase = admin.ModelAdmin[Any]
    _InlineBase = InlineModelAdmin[Any, Any]
else:
    _FieldsBase = _AdminBase = _InlineBase = object

_F = TypeVar("_F", bound=forms.BaseForm)
_M = TypeVar("_M", bound=forms.ModelForm[Any])

# StyledForm's own naming of the empty choice (请选择), reused as is.
_ASKING = StyledForm()


def office_words(field: forms.Field, db_field: ModelField[Any, Any] | None = None) -> None:
    """One form field in office words: its messages and validators, and its empty choice.
    With the model field it was made from, the model's own limits (权重不能小于 0) are checked by
    the form too, in these words, before the model would check them in Django's."""
    if db_field is not None:
        _model_limits(field, db_field)
    office_messages(field)
    _ASKING._name_empty_choice(field)


def _model_limits(field: forms.Field, db_field: ModelField[Any, Any]) -> None:
    have = {(type(v), v.limit_value) for v in field.validators if isinstance(v, validators.BaseValidator)}
    field.validators = [
        *field.validators,
        *(
            v
            for v in db_field.validators
            if isinstance(v, validators.MinValueValidator | validators.MaxValueValidator)
            and (type(v), v.limit_value) not in have
        ),
    ]


def _declared_in_office_words(form: type[_M]) -> type[_M]:
    """Fields a form declares itself (a password, a credit code) never pass through
    formfield_for_dbfield. The class get_form/get_formset hands back is made anew for each
    request, but those fields are shared by every class made from the same form: each is worded
    as a copy, in the request's language."""
    worded = dict(form.base_fields)
    for name, field in form.declared_fields.items():
        if worded.get(name) is field:
            worded[name] = copy.deepcopy(field)
            office_words(worded[name])
    form.base_fields = worded
    return form


def office_form(form: type[_F]) -> type[_F]:
    """A form that the admin keeps as a class attribute (UserAdmin's password form), worded
    each time it is made."""

    class Worded(form):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                office_words(field)

    Worded.__name__ = Worded.__qualname__ = form.__name__
    return Worded


class _WordedFields(_FieldsBase):
    """Every form field an admin makes from a model field, in office words."""

    def formfield_for_dbfield(
        self, db_field: ModelField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            office_words(field, db_field)
        return field


class OfficeWordsInlineMixin(_WordedFields, _InlineBase):
    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        _declared_in_office_words(formset.form)
        return formset


class OfficeWordsMixin(_WordedFields, _AdminBase):
    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return _declared_in_office_words(super().get_form(request, obj, change=change, **kwargs))

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return [office_inline(inline) for inline in super().get_inlines(request, obj)]

    def get_action_choices(
        self, request: HttpRequest, default_choices: list[tuple[str, str]] = BLANK_CHOICE_DASH
    ) -> list[tuple[str, str]]:
        # The changelist's action select starts at 请选择, not "---------".
        if default_choices == BLANK_CHOICE_DASH:
            default_choices = [("", str(_ASKING.empty_choice))]
        return super().get_action_choices(request, default_choices)


@cache
def office_admin(admin_class: type[admin.ModelAdmin[Any]]) -> type[admin.ModelAdmin[Any]]:
    if issubclass(admin_class, OfficeWordsMixin):
        return admin_class
    attrs: dict[str, Any] = {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__}
    password_form = getattr(admin_class, "change_password_form", None)
    if password_form is not None:  # UserAdmin's page for setting someone's password
        attrs["change_password_form"] = office_form(password_form)
    return type(admin_class.__name__, (OfficeWordsMixin, admin_class), attrs)


@cache
def office_inline(inline_class: type[InlineModelAdmin[Any, Any]]) -> type[InlineModelAdmin[Any, Any]]:
    if issubclass(inline_class, OfficeWordsInlineMixin):
        return inline_class
    attrs = {"__module__": inline_class.__module__, "__qualname__": inline_class.__qualname__}
    return type(inline_class.__name__, (OfficeWordsInlineMixin, inline_class), attrs)


class OfficeAdminSite(admin.AdminSite):
    """admin.site itself (see OfficeAdminConfig): whatever registers here speaks office Chinese."""

    def get_urls(self) -> list[Any]:
        from django.urls import path

        own = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [own, *(u for u in super().get_urls() if getattr(u, "name", None) != "view_on_site")]

    def view_on_site(self, request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
        """查看站点: only to an object its model's admin shows this person; "missing" and "not yours"
        are the same 404 (Django's own shortcut redirects to anything that exists)."""
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut
        from django.http import Http404

        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model_admin = self._registry.get(content_type.model_class()) if content_type else None  # type: ignore[arg-type]
        if model_admin is None or not model_admin.has_view_permission(request):
            raise Http404("没有找到该记录")
        try:
            visible = model_admin.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, TypeError):
            visible = False
        if not visible:
            raise Http404("没有找到该记录")
        return shortcut(request, content_type_id, object_id)

    def register(
        self,
        model_or_iterable: type[Model] | Iterable[type[Model]],
        admin_class: type[admin.ModelAdmin[Any]] | None = None,
        **options: Any,
    ) -> None:
        super().register(model_or_iterable, office_admin(admin_class or admin.ModelAdmin), **options)
