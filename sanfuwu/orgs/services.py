"""Writes to the territory. The materialised path is kept right here and nowhere else."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from sanfuwu.orgs.models import ALLOWED_PARENT_KINDS, Region, RegionKind, path_segment


def region_check_placement(*, kind: str, parent: Region | None, region: Region | None = None) -> None:
    """Refuse a kind under a parent that cannot hold it, and a move into one's own subtree."""
    allowed = ALLOWED_PARENT_KINDS.get(kind)
    if allowed is None:
        raise ValidationError({"kind": "未知的区域类型。"})
    kind_label = RegionKind(kind).label
    if not allowed and parent is not None:
        raise ValidationError({"parent": f"“{kind_label}”是最高一级，不能有上级区域。"})
    if allowed and parent is None:
        names = "、".join(str(RegionKind(k).label) for k in allowed)
        raise ValidationError({"parent": f"“{kind_label}”必须有上级区域（{names}）。"})
    if parent is not None and parent.kind not in allowed:
        names = "、".join(str(RegionKind(k).label) for k in allowed)
        raise ValidationError(
            {"parent": f"“{kind_label}”只能设在{names}之下，不能设在{RegionKind(parent.kind).label}之下。"}
        )
    if region is not None and region.pk and parent is not None and parent.path.startswith(region.path):
        raise ValidationError({"parent": "不能把区域移到它自己或它的下级之下。"})
    if region is not None and region.pk:
        for child_kind in region.children.values_list("kind", flat=True).distinct():
            if kind not in ALLOWED_PARENT_KINDS[child_kind]:
                raise ValidationError(
                    {"kind": f"该区域下有“{RegionKind(child_kind).label}”，不能改为“{kind_label}”。"}
                )


@transaction.atomic
def region_create(
    *, name: str, kind: str, parent: Region | None, code: str = "", sort_order: int = 0
) -> Region:
    region_check_placement(kind=kind, parent=parent)
    region = Region(name=name, kind=kind, parent=parent, code=code, sort_order=sort_order)
    # The path needs the id, which needs the row: insert with a unique placeholder first.
    region.path = f"new:{name}:{parent.pk if parent else ''}"
    region.depth = parent.depth + 1 if parent else 0
    region.full_clean(exclude=["path"])
    region.save()
    region.path = (parent.path if parent else "") + path_segment(region.pk)
    region.save(update_fields=["path"])
    return region


@transaction.atomic
def region_update(
    *,
    region: Region,
    name: str,
    kind: str,
    parent: Region | None,
    code: str = "",
    sort_order: int = 0,
    active: bool = True,
) -> Region:
    region_check_placement(kind=kind, parent=parent, region=region)
    old_path, old_depth = Region.objects.values_list("path", "depth").get(pk=region.pk)
    region.name, region.kind, region.parent = name, kind, parent
    region.code, region.sort_order, region.active = code, sort_order, active
    region.full_clean(exclude=["path"])
    new_path = (parent.path if parent else "") + path_segment(region.pk)
    region.path, region.depth = new_path, (parent.depth + 1 if parent else 0)
    region.save()
    if new_path != old_path:
        # One statement moves the whole subtree; nothing recurses.
        Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + (region.depth - old_depth),
        )
    return region
