"""The period a horse-race page or file asks for in its query: span=month|quarter|year and
month=YYYY-MM, the month just ended when none is named (the running one is not complete)."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import QueryDict
from django.utils import timezone

from sanfuwu.core.periods import SPANS, span_bounds


def race_period(params: QueryDict) -> tuple[str, str, date, date]:
    """The span, the month as asked (or the last one) and the period's first and last day."""
    today = timezone.localdate()
    span = params.get("span") or "month"
    if span not in SPANS:
        span = "month"
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    month = params.get("month") or last_month
    start, end = span_bounds(span, month, today)
    return span, month, start, end


def period_from(params: QueryDict) -> tuple[str, date, date]:
    span, _month, start, end = race_period(params)
    return span, start, end
