"""Forms about people's work arrangements, kept beside the services that check them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfuwu.core.forms import StyledForm
from sanfuwu.people.models import Person, Role
from sanfuwu.people.selectors import department_staff

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StandInForm(StyledForm, forms.Form):
    """代理 (AB角): who is away, who stands in, for which days. A head chooses anyone of the
    department as the absent person; a handler sets a stand-in for themself only."""

    absent = forms.ModelChoiceField(
        label=_("外出人员"), queryset=Person.objects.none(), empty_label=_("请选择外出人员"),
        error_messages={"required": _("请选择外出人员。"), "invalid_choice": _("请选择本部门的人员。")},
    )  # fmt: skip
    stand_in = forms.ModelChoiceField(
        label=_("代理人"), queryset=Person.objects.none(), empty_label=_("请选择代理人"),
        error_messages={"required": _("请选择代理人。"), "invalid_choice": _("请选择本部门的人员。")},
    )  # fmt: skip
    starts_on = forms.DateField(
        label=_("开始日期"), widget=DATE, error_messages={"required": _("请填写开始日期。")}
    )
    ends_on = forms.DateField(
        label=_("结束日期"), widget=DATE, error_messages={"required": _("请填写结束日期。")}
    )

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = department_staff(actor.department_id)
        absent = self.fields["absent"]
        absent.queryset = staff if actor.has_role(Role.HEAD) else staff.filter(pk=actor.pk)  # type: ignore[attr-defined]
        absent.initial = actor.pk
        self.fields["stand_in"].queryset = staff  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today
        self.style_widgets()
