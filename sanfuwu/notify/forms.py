from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from sanfuwu.notify.models import MANDATORY, Channel, Kind, Preference
from sanfuwu.people.models import Person


class PreferencesForm(forms.Form):
    """One choice per kind of news; a mandatory kind offers no "off"."""

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        chosen = dict(Preference.objects.filter(person=person).values_list("kind", "channel"))
        for kind in Kind:
            choices = [(c.value, c.label) for c in Channel if not (kind in MANDATORY and c == Channel.OFF)]
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=choices,
                initial=chosen.get(kind.value, Channel.ROBOT),
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("请选择“%(kind)s”的提醒方式。") % {"kind": kind.label},
                    "invalid_choice": _("“%(kind)s”必须提醒，不能关闭。") % {"kind": kind.label}
                    if kind in MANDATORY
                    else _("请选择有效的提醒方式。"),
                },
            )

    def rows(self) -> list[tuple[Any, bool]]:
        return [(self[kind.value], kind in MANDATORY) for kind in Kind]
