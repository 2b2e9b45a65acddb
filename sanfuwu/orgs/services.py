"""Writes to the territory. The materialised path is kept right here and nowhere else."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from sanfuwu.orgs.models import ALLOWED_PARENT_KINDS, Region, RegionKind, path_segment


def _label(kind: str) -> str:
    return str(RegionKind(kind).label)


def region_check_placement(*, kind: str, parent: Region | None, region: Region | None = None) -> None:
    """Refuse a kind under a parent that cannot hold it, and a move into one's own subtree."""
    allowed = ALLOWED_PARENT_KINDS.get(kind)
    if allowed is None:
        raise ValidationError({"kind": _("未知的区域类型。")})
    names = "、".join(_label(k) for k in allowed)
    if not allowed and parent is not None:
        raise ValidationError(
            {"parent": _("“%(kind)s”是最高一级，不能有上级区域。") % {"kind": _label(kind)}}
        )
    if allowed and parent is None:
        raise ValidationError(
            {"parent": _("“%(kind)s”必须有上级区域（%(names)s）。") % {"kind": _label(kind), "names": names}}
        )
    if parent is not None and parent.kind not in allowed:
        raise ValidationError(
            {"parent": _("“%(kind)s”只能设在%(names)s之下，不能设在%(parent)s之下。")
             % {"kind": _label(kind), "names": names, "parent": _label(parent.kind)}}
        )  # fmt: skip
    if region is not None and region.pk and parent is not None and parent.path.startswith(region.path):
        raise ValidationError({"parent": _("不能把区域移到它自己或它的下级之下。")})
    if region is not None and region.pk:
        for child_kind in region.children.values_list("kind", flat=True).distinct():
            if kind not in ALLOWED_PARENT_KINDS[child_kind]:
                raise ValidationError(
                    {
                        "kind": _("该区域下有“%(child)s”，不能改为“%(kind)s”。")
                        % {"child": _label(child_kind), "kind": _label(kind)}
                    }
                )


def region_check_unique_name(*, name: str, parent: Region | None, region: Region | None = None) -> None:
    clash = Region.objects.filter(parent=parent, name=name)
    if region is not None:
        clash = clash.exclude(pk=region.pk)
    if clash.exists():
        raise ValidationError({"name": _("同一上级区域下已有名为“%(name)s”的区域。") % {"name": name}})


def _locked(parent: Region | None) -> Region | None:
    # Re-read the parent inside the transaction: a path taken from a stale object would be wrong.
    return Region.objects.select_for_update().get(pk=parent.pk) if parent is not None else None


@transaction.atomic
def region_create(
    *, name: str, kind: str, parent: Region | None, code: str = "", sort_order: int = 0, active: bool = True
) -> Region:
    parent = _locked(parent)
    region_check_placement(kind=kind, parent=parent)
    region_check_unique_name(name=name, parent=parent)
    region = Region(name=name, kind=kind, parent=parent, code=code, sort_order=sort_order, active=active)
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
    *, region: Region, name: str, kind: str, parent: Region | None, code: str, sort_order: int, active: bool
) -> Region:
    region = Region.objects.select_for_update().get(pk=region.pk)
    parent = _locked(parent)
    region_check_placement(kind=kind, parent=parent, region=region)
    region_check_unique_name(name=name, parent=parent, region=region)
    old_path, old_depth = region.path, region.depth
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
