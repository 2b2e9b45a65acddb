"""Rates as people read them: "—" when nothing was counted, never 0 % or 100 %; waits in one unit."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}%"


@register.filter
def percent_width(rate: float | None) -> str:
    return f"{(rate or 0) * 100:.1f}%"


@register.filter
def waited(since: datetime | None) -> str:
    """How long something has waited, in its largest unit only (3 天, 5 小时): a queue is read at a
    glance, and "1 日，5 小时" says more than anyone needs there."""
    if since is None:
        return ""
    return timesince(since, depth=1)
