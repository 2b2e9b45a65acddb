from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from sanfuwu.core.paging import CappedPaginator


def issue_page(request: HttpRequest, qs: QuerySet[Any], *, cap: int | None = None) -> tuple[Any, str]:
    """The requested page of `qs` and the query string without `page`. The count stops at the
    cap (`page.paginator.capped`), so a street's or the district's list never counts every row."""
    page = CappedPaginator(qs, settings.SANFUWU_PAGE_SIZE, cap=cap).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
