"""An issue's status badges, written in Python: a list shows them twice per row (table and phone
list), and fifty template includes cost more than the list's queries."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
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
# loops they were most of the page's time.


@register.simple_tag
def triage_lead_options(form: Any) -> SafeString:
    back = _("（已退回过）")
    return mark_safe(
        "".join(
            format_html(
                '<option value="{}"{}>{}{}</option>',
                pk,
                " selected" if on else "",
                name,
                back if returned else "",
            )
            for pk, name, on, returned in form.lead_options()
        )
    )


@register.simple_tag
def triage_co_options(form: Any) -> SafeString:
    return mark_safe(
        "".join(
            format_html(
                '<label class="dropdown-item form-check m-0"><input type="checkbox" class="form-check-input" '
                'name="co_departments" value="{}" data-name="{}"{}><span class="form-check-label">{}</span></label>',
                pk,
                name,
                " checked" if on else "",
                name,
            )
            for pk, name, on, _returned in form.co_options()
        )
    )
