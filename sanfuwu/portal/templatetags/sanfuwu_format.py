"""Rates as people read them: "—" when nothing was counted, never 0 % or 100 %."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}%"


@register.filter
def percent_width(rate: float | None) -> str:
    return f"{(rate or 0) * 100:.1f}%"
