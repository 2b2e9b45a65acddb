import re

from django import forms

from sanfuwu.core.forms import StyledForm
from sanfuwu.core.widgets import FastSelect
from sanfuwu.orgs.models import Department


def _same(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


def _both(widget: forms.Select, name: str, value: object, attrs: dict[str, object]) -> tuple[str, str]:
    fast = FastSelect(attrs=widget.attrs, choices=widget.choices).render(name, value, attrs)
    return _same(fast), _same(widget.render(name, value, attrs))


def test_it_writes_what_djangos_select_writes():
    choices = [("", "全部"), ("a", "甲 <b>&"), ("b", 'say "乙"'), (None, "空")]
    widget = forms.Select(attrs={"class": "form-select", "hx-get": "/x/?a=1&b=2"}, choices=choices)
    for value in ("a", "b", "", None, "missing"):
        fast, django = _both(widget, "kind", value, {"id": "id_kind", "required": True, "disabled": False})
        assert fast == django


def test_it_writes_optgroups_and_selects_only_the_first_match():
    choices = [("", "—"), ("东区", [("1", "一"), ("2", "二")]), ("西区", [("3", "三"), ("1", "一again")])]
    fast, django = _both(forms.Select(choices=choices), "place", "1", {"id": "id_place"})
    assert fast == django
    assert fast.count(" selected") == 1


def test_it_writes_model_choices_and_styled_forms_use_it(world):
    departments = [
        world.jianshe,
        Department.objects.create(code="chengguan", name="城管局", region=world.district),
    ]

    class PickForm(StyledForm, forms.Form):
        department = forms.ModelChoiceField(queryset=Department.objects.order_by("id"))

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.style_widgets()

    form = PickForm({"department": departments[1].pk})
    form.is_valid()
    widget: forms.Widget = form.fields["department"].widget
    assert type(form.fields["department"].widget) is FastSelect
    fast = _same(form["department"].as_widget())
    widget.__class__ = forms.Select
    assert fast == _same(form["department"].as_widget())
    assert f'value="{departments[1].pk}" selected' in fast
