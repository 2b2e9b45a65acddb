"""Where a problem is: an address in words and, when a phone gives it, a point (WGS-84). A point
must lie in the district's box; the region can be found from the address's words."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sanfuwu.orgs.models import Region

# A region's name without its kind, as people write it in an address: 下沙街道 → 下沙.
SUFFIXES = ("街道", "社区", "村", "小镇", "园区", "网格")


def point_check(latitude: object, longitude: object) -> tuple[Decimal | None, Decimal | None]:
    """The point as stored (six decimals, about 0.1 m), or a ValidationError at the field that is
    wrong: both or neither, numbers, and inside the district."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, ""):
        raise ValidationError({"latitude": _("填写了经度，请同时填写纬度。")})
    if longitude in (None, ""):
        raise ValidationError({"longitude": _("填写了纬度，请同时填写经度。")})
    values = {}
    for field, raw in (("latitude", latitude), ("longitude", longitude)):
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValidationError({field: _("请填写数字形式的经纬度，例如 30.3086、120.3760。")}) from None
        if not value.is_finite():
            raise ValidationError({field: _("请填写数字形式的经纬度，例如 30.3086、120.3760。")})
        values[field] = value.quantize(Decimal("0.000001"))
    south, west, north, east = settings.SANFUWU_DISTRICT_BOUNDS
    lat, lng = values["latitude"], values["longitude"]
    if not Decimal(str(south)) <= lat <= Decimal(str(north)):
        raise ValidationError({"latitude": _("该位置不在本区范围内，请核对纬度（应在 %(a)s 至 %(b)s 之间）。")
                               % {"a": south, "b": north}})  # fmt: skip
    if not Decimal(str(west)) <= lng <= Decimal(str(east)):
        raise ValidationError({"longitude": _("该位置不在本区范围内，请核对经度（应在 %(a)s 至 %(b)s 之间）。")
                               % {"a": west, "b": east}})  # fmt: skip
    return lat, lng


def _short(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def region_from_address(address: str, regions: list[Region] | None = None) -> Region | None:
    """The most precise active region the address names (头格社区 before 下沙街道), by its full name
    or its name without the kind; None when it names none, or two of the same depth."""
    text = address.strip()
    if not text:
        return None
    if regions is None:
        regions = list(Region.objects.filter(active=True, depth__gt=0))
    found = [r for r in regions if r.name in text or _short(r.name) in text]
    # A region counts only if every larger one the address names holds it: 白杨街道新围村 with the
    # only 新围村 under 河庄街道 is 白杨街道 (the larger unit people are surer of), not 新围村.
    fitting = [r for r in found if all(r.path.startswith(o.path) for o in found if o.depth < r.depth)]
    if not fitting:
        return None
    deepest = max(r.depth for r in fitting)
    best = [r for r in fitting if r.depth == deepest]
    if len(best) > 1:
        # Two of the same level: the one named in full wins; otherwise the address is unclear.
        full = [r for r in best if r.name in text]
        best = full if len(full) == 1 else best
    return best[0] if len(best) == 1 else None
