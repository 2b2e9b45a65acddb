"""Paging that never counts a whole large table.

An exact ``COUNT(*)`` over a street's or the district's issues reads every matching row; on a
million issues it is most of the page's time. A capped count reads at most ``cap + 1`` rows
(``SELECT COUNT(*) FROM (SELECT ... LIMIT cap + 1)``, which SQLite and PostgreSQL both stop early):
below the cap it is the exact count and nothing changes; at the cap the list says "10,000+",
pages up to the cap stay reachable (next, previous, their numbers), and there is no last page.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, TypeVar

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet

_M = TypeVar("_M", bound=Model)


# A tab's or a home card's count, and a worklist's pages: "999+" says all a badge needs to, and
# counting up to ten thousand of a department's rows was most of a worklist's time at a million
# issues (five tabs, 40–60 ms each on PostgreSQL).
BADGE_CAP = 999


def badge_cap() -> int:
    """999, or the lists' own cap when that is lower."""
    return min(BADGE_CAP, count_cap())


def badge_count(qs: QuerySet[Any]) -> tuple[int, bool]:
    return capped_count(qs, badge_cap())


def count_cap() -> int:
    """The cap, from ``settings.SANFUWU_COUNT_CAP``."""
    return int(settings.SANFUWU_COUNT_CAP)


def capped_count(qs: QuerySet[Any], cap: int | None = None) -> tuple[int, bool]:
    """``(n, capped)``: the exact count when it is at most ``cap``, else ``(cap, True)``."""
    cap = count_cap() if cap is None else cap
    n = qs.order_by()[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


class CappedPaginator(Paginator[_M]):
    """A ``Paginator`` whose count stops at ``cap``.

    ``count`` is the exact count up to the cap and the cap itself beyond it, with ``capped`` set;
    ``num_pages``, ``page_range`` and every ``Page`` then cover the first ``cap`` rows, so the
    pages, ``has_next`` and the rest work as with Django's paginator.
    """

    def __init__(
        self, object_list: QuerySet[_M], per_page: int, *, cap: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.queryset = object_list
        self.cap = count_cap() if cap is None else cap

    @cached_property
    def _capped_count(self) -> tuple[int, bool]:
        return capped_count(self.queryset, self.cap)

    @cached_property
    def count(self) -> int:
        return self._capped_count[0]

    @cached_property
    def capped(self) -> bool:
        """True when there are more rows than ``count``."""
        return self._capped_count[1]
