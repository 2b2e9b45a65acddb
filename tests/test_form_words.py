"""Forms speak plain office Chinese: no stock Django phrases, empty choices that say what to do,
required fields marked, and a login error a clerk understands."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from sanfuwu.core.forms import StyledForm
from sanfuwu.people.models import Person
from tests.conftest import PASSWORD, World, client_for

pytestmark = pytest.mark.django_db
STOCK = ["这个字段", "变量", "---------", "区分大小写", "选择一个有效的选项", "This field"]


def field_errors(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field, message in re.findall(r'data-field-error="([^"]+)">([^<]+)<', html):
        found.setdefault(field, []).append(message)
    return found


class Sample(StyledForm, forms.Form):
    name = forms.CharField(label="姓名", max_length=4)
    kind = forms.ChoiceField(label="类型", choices=[("", "---------"), ("a", "甲")])
    count = forms.IntegerField(label="份数", min_value=1, max_value=9)
    day = forms.DateField(label="走访日期")
    agree = forms.BooleanField(label="已核实")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.style_widgets()


def test_an_empty_required_field_is_named_in_the_message() -> None:
    form = Sample({})
    assert not form.is_valid()
    assert form.errors == {
        "name": ["请填写姓名。"], "kind": ["请选择类型。"], "count": ["请填写份数。"], "day": ["请填写走访日期。"],
        "agree": ["请勾选“已核实”。"],
    }  # fmt: skip


def test_wrong_values_are_explained_in_plain_words() -> None:
    form = Sample({"name": "王小明同志", "kind": "z", "count": "12", "day": "3月1日", "agree": "on"})
    assert not form.is_valid()
    assert form.errors["name"] == ["姓名最多 4 个字（现有 5 个字）。"]
    assert form.errors["kind"] == ["所选的类型已不在可选范围内，请重新选择。"]
    assert form.errors["count"] == ["份数不能大于 9。"]
    assert form.errors["day"] == ["走访日期请按 2026-03-01 的格式填写。"]
    assert Sample({"count": "0"}).errors["count"] == ["份数不能小于 1。"]
    assert Sample({"count": "两份"}).errors["count"] == ["份数请填写整数。"]


def test_an_empty_choice_asks_to_choose() -> None:
    assert Sample().fields["kind"].choices[0] == ("", "请选择")  # type: ignore[attr-defined]


def test_the_issue_form_names_each_missing_field_and_marks_required_ones(
    world: World, xiasha_dispatcher: Person
) -> None:
    client = client_for(xiasha_dispatcher)
    page = client.get(reverse("issues:new")).content.decode()
    assert 'class="form-label required" for="id_title"' in page
    assert 'class="form-label" for="id_raiser_name"' in page  # optional: no mark
    response = client.post(reverse("issues:new"), {"title": "", "description": ""})
    html = response.content.decode()
    errors = field_errors(html)
    assert errors["title"] == ["请填写标题。"]
    assert errors["description"] == ["请填写问题描述。"]
    assert errors["category"] == ["请选择事项分类。"]
    for phrase in STOCK:
        assert phrase not in html, phrase


@pytest.mark.parametrize("url", ["issues:new", "targets:new", "visits:new"])
def test_no_form_offers_the_stock_empty_choice(world: World, xiasha_dispatcher: Person, url: str) -> None:
    html = client_for(xiasha_dispatcher).get(reverse(url)).content.decode()
    assert "---------" not in html
    assert "请选择" in html


def test_a_wrong_password_is_refused_in_plain_words(world: World, xiasha_dispatcher: Person) -> None:
    client = Client()
    page = client.get(reverse("login")).content.decode()
    assert 'class="form-label required" for="id_username"' in page
    assert 'class="form-label required" for="id_password"' in page
    html = client.post(reverse("login"), {"username": "xs_dispatcher", "password": "wrong"}).content.decode()
    assert "账号或密码不正确，请重新输入。" in html
    assert "区分大小写" not in html and "注意" not in html
    html = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "请填写账号。" in html and "请填写密码。" in html
    assert "这个字段" not in html
    assert (
        client.post(reverse("login"), {"username": "xs_dispatcher", "password": PASSWORD}).status_code == 302
    )


def test_a_filter_with_nothing_chosen_offers_everything(world: World, xiasha_dispatcher: Person) -> None:
    html = client_for(xiasha_dispatcher).get(reverse("visits:coverage")).content.decode()
    assert '<option value="" selected>全部区域</option>' in html
    assert "---------" not in html and "请选择" not in html
