"""Numbers that run per year (WT-2025-000123, ZF-2025-000123), never reused.

A counter row per year holds the last number handed out. Imported records keep the numbers they
were given elsewhere; the counters then move past them, so the next new record never collides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import F

_NUMBER = re.compile(r"^([A-Z]{2})-(\d{4})-(\d{1,9})$")


def number_next(counter: Any, prefix: str, *, year: int) -> str:
    # The year's row exists but on its first number: the update alone, then its read.
    if not counter.objects.filter(year=year).update(last=F("last") + 1):
        counter.objects.get_or_create(year=year)
        counter.objects.filter(year=year).update(last=F("last") + 1)
    last = counter.objects.values_list("last", flat=True).get(year=year)
    return f"{prefix}-{year}-{last:06d}"


def numbers_reserve(counter: Any, prefix: str, numbers: Iterable[str]) -> None:
    """Move each year's counter past the highest of these numbers that has our form."""
    highest: dict[int, int] = {}
    for number in numbers:
        found = _NUMBER.match(number)
        if found and found.group(1) == prefix:
            year, n = int(found.group(2)), int(found.group(3))
            highest[year] = max(highest.get(year, 0), n)
    for year, n in highest.items():
        counter.objects.get_or_create(year=year)
        counter.objects.filter(year=year, last__lt=n).update(last=n)
