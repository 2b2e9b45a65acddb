"""The directory's filters, read from its query: what the page shows and its export writes."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from sanfuwu.core.forms import StyledForm
from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person, Role
from sanfuwu.people.selectors import people_visible_to


class PeopleFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=_("姓名、账号或电话"), required=False, max_length=50)
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部角色")), *Role.choices])
    department = forms.ModelChoiceField(
        label=_("部门"),
        required=False,
        queryset=Department.objects.filter(active=True),
        empty_label=_("全部单位"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.style_widgets()


def people_rows_for(person: Person, params: QueryDict) -> QuerySet[Person]:
    """The active people of the reader's scope as the directory's filters choose them."""
    form = PeopleFilterForm(params or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    qs = people_visible_to(person).filter(is_active=True)
    if data.get("q"):
        term = data["q"].strip()
        qs = qs.filter(Q(name__icontains=term) | Q(username__icontains=term) | Q(phone__startswith=term))
    if data.get("role"):
        qs = qs.filter(role_grants__role=data["role"])
    if data.get("department"):
        qs = qs.filter(department=data["department"])
    return qs.order_by("department__sort_order", "region__path", "id")
