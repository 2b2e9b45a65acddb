"""Contact targets (enterprises, projects, …) over the API, within the person's scope."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from sanfuwu.api.auth import caller
from sanfuwu.api.errors import REFUSALS, ApiError
from sanfuwu.api.issues import ID, MAX_ID, MAX_LIMIT, _named
from sanfuwu.api.schemas import TargetOut, TargetPage
from sanfuwu.targets.models import Target
from sanfuwu.targets.selectors import target_get_for, targets_visible_to

router = Router(tags=["targets"])


def target_out(t: Target) -> dict[str, Any]:
    return {
        "id": t.pk, "kind": t.kind, "name": t.name, "credit_code": t.credit_code, "industry": t.industry,
        "address": t.address, "region": _named(t.region), "grid": _named(t.grid), "is_key": t.is_key,
        "active": t.active,
    }  # fmt: skip


@router.get("/targets", response={200: TargetPage, **REFUSALS}, summary="联系对象列表")
def target_list(
    request: HttpRequest, after: int = Query(0, ge=0, le=MAX_ID), limit: int = Query(25, ge=1, le=MAX_LIMIT),
    q: str = "", kind: str = "", region: int | None = Query(None, **ID), is_key: bool | None = None,
    active: bool | None = None,
) -> Any:  # fmt: skip
    """The targets the token's person may see, by id; `next` is the `after` of the next page."""
    person = caller(request)
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(
            400, _("limit 应在 1 至 %(n)s 之间。") % {"n": MAX_LIMIT}, {"limit": [_("超出范围。")]}
        )
    qs = targets_visible_to(person).select_related("region", "grid").order_by("pk").filter(pk__gt=after)
    if q:
        qs = (
            qs.filter(name__icontains=q.strip())
            if len(q.strip()) != 18
            else qs.filter(credit_code=q.strip().upper())
        )
    if kind:
        qs = qs.filter(kind=kind)
    if region is not None:
        qs = qs.filter(region_id=region) | qs.filter(grid_id=region)
    if is_key is not None:
        qs = qs.filter(is_key=is_key)
    if active is not None:
        qs = qs.filter(active=active)
    rows = list(qs[: limit + 1])
    return {
        "items": [target_out(t) for t in rows[:limit]],
        "next": str(rows[limit - 1].pk) if len(rows) > limit else None,
    }


@router.get("/targets/{target_id}", response={200: TargetOut, **REFUSALS}, summary="联系对象详情")
def target_detail(request: HttpRequest, target_id: int = Path(..., **ID)) -> Any:
    person = caller(request)
    try:
        return target_out(target_get_for(person, target_id))
    except Http404:
        raise ApiError(404, _("没有找到该联系对象。")) from None
