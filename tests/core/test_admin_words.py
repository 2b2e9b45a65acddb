"""The admin (系统配置) speaks the same plain office Chinese as the rest of the product: a missing
field is named, a select asks to choose, limits are said in words, for every admin there is and
every admin added later, without each admin class doing anything."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.core import validators
from django.test import Client, RequestFactory
from django.urls import reverse

from sanfuwu.core.admin_words import OfficeAdminSite, OfficeWordsInlineMixin, OfficeWordsMixin
from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db

STOCK_REQUIRED = "这个字段是必填项"
DASHES = "---------"
ASKING = '<option value="" selected>请选择</option>'


def url_of(model: Any, view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def stock_words(name: str, field: forms.Field) -> list[str]:
    """Django's own wording left on a form field the admin shows."""
    if field.widget.is_hidden or name == "DELETE":
        return []  # the formset's own bookkeeping: never filled in, never refused
    found = []
    stock_required = str(forms.Field.default_error_messages["required"])
    if str(field.error_messages["required"]) == stock_required:
        found.append(f"{name}: required")
    for v in field.validators:
        if isinstance(v, validators.BaseValidator) and str(v.message) == str(type(v).message):
            found.append(f"{name}: {type(v).__name__}")
        if v in (validators.validate_slug, validators.validate_unicode_slug):
            found.append(f"{name}: slug")
        if isinstance(v, validators.DecimalValidator) and "messages" not in vars(v):
            found.append(f"{name}: DecimalValidator")
    if isinstance(field, forms.ModelChoiceField) and field.empty_label == DASHES:
        found.append(f"{name}: empty label")
    return found


def empty_post(page: Any) -> dict[str, str]:
    """What a browser sends for the add form left blank: nothing but the inlines' counts."""
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        data[f"{inline.formset.prefix}-TOTAL_FORMS"] = "0"
        data[f"{inline.formset.prefix}-INITIAL_FORMS"] = "0"
    return data


def test_it_names_the_missing_fields_of_an_empty_category_or_department(world: World, admin_person: Person):
    client = client_for(admin_person)
    for model, choose in [("category", "请选择默认主办部门。"), ("department", "请选择所属区域。")]:
        response = client.post(reverse(f"admin:orgs_{model}_add"), {})
        html = response.content.decode()
        assert response.status_code == 200
        assert "请填写名称。" in html and "请填写编码。" in html and choose in html
        assert STOCK_REQUIRED not in html


def test_a_select_asks_to_choose_instead_of_dashes(world: World, admin_person: Person):
    html = client_for(admin_person).get(reverse("admin:orgs_category_add")).content.decode()
    assert DASHES not in html
    assert ASKING in html  # the default department's select


def test_every_registered_admin_speaks_office_chinese(world: World, admin_person: Person):
    """Every add page there is, and any added later: its fields carry office words, its selects
    ask to choose, and the form sent back empty names what is missing."""
    client = client_for(admin_person)
    checked = []
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, OfficeWordsMixin), model
        page = client.get(url_of(model, "add"))
        if page.status_code == 403:
            continue  # read-only records (issues, visits, imports): no form to fill in
        assert page.status_code == 200, model
        html = page.content.decode()
        assert DASHES not in html, model
        form = page.context["adminform"].form
        left = [w for name, field in form.fields.items() for w in stock_words(name, field)]
        for inline in page.context["inline_admin_formsets"]:
            empty_form = inline.formset.empty_form
            left += [w for name, field in empty_form.fields.items() for w in stock_words(name, field)]
        assert not left, (model, left)
        sent_back = client.post(url_of(model, "add"), empty_post(page))
        html = sent_back.content.decode()
        assert sent_back.status_code == 200, model  # refused, not saved
        assert STOCK_REQUIRED not in html and DASHES not in html and "确保" not in html, model
        assert "请填写" in html or "请选择" in html, model
        checked.append(model)
    assert len(checked) >= 15, checked


def test_the_inlines_ask_to_choose_too(world: World, admin_person: Person):
    page = client_for(admin_person).get(reverse("admin:people_person_add"))
    inline = page.context["inline_admin_formsets"][0]
    assert isinstance(inline.opts, OfficeWordsInlineMixin)
    role = inline.formset.empty_form.fields["role"]
    assert str(role.choices[0][1]) == "请选择"


def test_fields_a_form_declares_itself_are_worded_too(world: World, admin_person: Person):
    client = client_for(admin_person)
    html = client.post(reverse("admin:people_person_add"), {
        "username": "new_one", "name": "新人", "role_grants-TOTAL_FORMS": "0", "role_grants-INITIAL_FORMS": "0",
    }).content.decode()  # fmt: skip
    assert "请填写密码。" in html and "请填写密码确认。" in html and STOCK_REQUIRED not in html
    target = world.park_firm
    data = {"kind": "enterprise", "name": target.name, "credit_code": "9" * 41, "industry": "biomedicine",
            "region": world.park.pk, "active": "on"}  # fmt: skip
    html = client.post(url_of(type(target), "change", target.pk), data).content.decode()
    assert "统一社会信用代码最多 40 个字（现有 41 个字）。" in html and "确保" not in html


def test_the_password_page_names_what_is_missing(world: World, admin_person: Person):
    url = reverse("admin:auth_user_password_change", args=[admin_person.pk])
    response = client_for(admin_person).post(url, {"usable_password": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写密码。" in html and STOCK_REQUIRED not in html


def test_limits_are_said_in_words(world: World, admin_person: Person):
    client = client_for(admin_person)
    url = reverse("admin:scoring_indicator_add")
    html = client.post(url, {"weight": "-1", "cap": "1.234", "min_cases": "x"}).content.decode()
    assert "权重不能小于 0。" in html  # the model's own limit, checked by the form in office words
    assert "完成度上限最多 2 位小数。" in html
    assert "最少样本数请填写整数。" in html
    assert "确保" not in html
    html = client.post(reverse("admin:orgs_department_add"), {"code": "建设 局"}).content.decode()
    assert "编码只能由英文字母、数字、下划线或连字符组成。" in html and "slug" not in html


def test_the_changelist_asks_to_choose_an_action_and_words_its_rows(world: World, admin_person: Person):
    client = client_for(admin_person)
    url = reverse("admin:orgs_department_changelist")
    html = client.get(url).content.decode()
    assert DASHES not in html and ASKING in html
    rows = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(world.jianshe.pk),
            "form-0-sort_order": "", "form-0-active": "on", "_save": "保存"}  # fmt: skip
    html = client.post(url, rows).content.decode()
    assert "请填写排序。" in html and STOCK_REQUIRED not in html


def test_the_words_follow_each_request_language(world: World, admin_person: Person):
    english = client_for(admin_person)
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    chinese = client_for(admin_person)
    data = {
        "username": "new_one",
        "name": "x",
        "role_grants-TOTAL_FORMS": "0",
        "role_grants-INITIAL_FORMS": "0",
    }
    url = reverse("admin:people_person_add")
    assert "请填写密码。" in chinese.post(url, data).content.decode()
    assert "Please fill in Password." in english.post(url, data).content.decode()
    assert "请填写密码。" in chinese.post(url, data).content.decode()


def test_an_admin_registered_later_gets_the_words_without_doing_anything(admin_person: Person):
    site = OfficeAdminSite(name="later")
    site.register(Department)
    model_admin = site.get_model_admin(Department)
    assert isinstance(model_admin, OfficeWordsMixin)
    request = RequestFactory().get("/")
    request.user = admin_person
    form = model_admin.get_form(request)()
    assert form.fields["region"].empty_label == "请选择"
    assert form.fields["name"].error_messages["required"] == "请填写名称。"


def test_the_site_is_still_admin_site_with_its_titles(world: World, admin_person: Person):
    assert isinstance(admin.site, OfficeAdminSite)
    html = client_for(admin_person).get(reverse("admin:index")).content.decode()
    assert "三服务平台 · 系统配置" in html
    assert Client().get(reverse("admin:index")).status_code == 302  # still behind the login
