"""An issue's status badges, written in Python: a list shows them twice per row (table and phone
list), and fifty template includes cost more than the list's queries."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sanfuwu.issues.models import Issue

register = template.Library()


@register.simple_tag
def issue_badges(issue: Issue) -> SafeString:
    parts = [
        format_html(
            '<span class="badge sfw-status sfw-status-{}">{}</span>', issue.status, issue.get_status_display()
        )
    ]
    if issue.supervised:
        key = "·" + _("重点") if issue.supervision_level == "key" else ""
        parts.append(
            format_html(
                '<span class="badge bg-red text-white" title="{}">{}{}</span>', _("挂牌督办"), _("督"), key
            )
        )
    if issue.is_overdue():
        parts.append(format_html('<span class="badge bg-danger-lt">{}</span>', _("超期")))
    if issue.reopen_count:
        parts.append(
            format_html('<span class="badge bg-orange-lt">{}×{}</span>', _("重办"), issue.reopen_count)
        )
    return mark_safe(" ".join(parts))


# The triage queue writes two department pickers per row, twenty-five rows a page: as template
# loops they were most of the page's time, and as format_html per option still a tenth of it. The
# names are escaped once per department list; a row only marks which option is chosen.


@functools.lru_cache(maxsize=64)
def _escaped_names(names: tuple[tuple[int, str], ...]) -> dict[int, str]:
    return {pk: conditional_escape(name) for pk, name in names}


def _names_of(options: list[tuple[int, str, bool, bool]]) -> dict[int, str]:
    return _escaped_names(tuple((pk, name) for pk, name, _on, _returned in options))


@register.simple_tag
def triage_lead_options(form: Any) -> SafeString:
    options = form.lead_options()
    names = _names_of(options)
    back = conditional_escape(_("（已退回过）"))
    return mark_safe(
        "".join(
            f'<option value="{pk}"{" selected" if on else ""}>{names[pk]}{back if returned else ""}</option>'
            for pk, _name, on, returned in options
        )
    )


@register.simple_tag
def triage_co_options(form: Any) -> SafeString:
    options = form.co_options()
    names = _names_of(options)
    return mark_safe(
        "".join(
            '<label class="dropdown-item form-check m-0"><input type="checkbox" class="form-check-input" '
            f'name="co_departments" value="{pk}" data-name="{names[pk]}"{" checked" if on else ""}>'
            f'<span class="form-check-label">{names[pk]}</span></label>'
            for pk, _name, on, _returned in options
        )
    )
