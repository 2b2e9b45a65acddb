from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionKind(models.TextChoices):
    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    PARK = "park", _("园区")
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村")
    GRID = "grid", _("网格")


# Which kinds may sit directly under which: the shape of a Chinese district's territory.
ALLOWED_PARENT_KINDS: dict[str, tuple[str, ...]] = {
    RegionKind.DISTRICT: (),
    RegionKind.STREET: (RegionKind.DISTRICT,),
    RegionKind.PARK: (RegionKind.DISTRICT,),
    RegionKind.COMMUNITY: (RegionKind.STREET, RegionKind.PARK),
    RegionKind.VILLAGE: (RegionKind.STREET, RegionKind.PARK),
    RegionKind.GRID: (RegionKind.STREET, RegionKind.PARK, RegionKind.COMMUNITY, RegionKind.VILLAGE),
}

PATH_SEGMENT_WIDTH = 7  # hex digits of the id, so about 268 million regions


def path_segment(pk: int) -> str:
    return f"{pk:0{PATH_SEGMENT_WIDTH}x}/"


class Region(models.Model):
    """A node of the territorial tree.

    `path` is a materialised path of ids ("0000001/0000004/"), so a subtree is one indexed
    prefix query and never a recursion. It is maintained only by the services in
    sanfuwu.orgs.services.
    """

    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    code = models.CharField(_("区划代码"), max_length=20, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    # Its outline on the map, a GeoJSON Polygon or MultiPolygon in WGS-84 (sanfuwu.orgs.boundaries).
    boundary = models.JSONField(_("边界"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_under_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="region_unique_root_name"
            ),
        ]
        indexes = [models.Index(fields=["kind", "path"], name="region_kind_path")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_grid(self) -> bool:
        return self.kind == RegionKind.GRID

    def subtree(self) -> models.QuerySet[Region]:
        """This region and everything under it, in one indexed query."""
        return Region.objects.filter(path__startswith=self.path)

    def ancestor_ids(self) -> list[int]:
        return [int(seg, 16) for seg in self.path.strip("/").split("/") if seg]

    def ancestors(self) -> list[Region]:
        """From the root down to this region itself."""
        ids = self.ancestor_ids()
        by_id = Region.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)

    def full_name(self) -> str:
        """Names below the district, e.g. 下沙街道 / 头格社区 / 第1网格."""
        return " / ".join(r.name for r in self.ancestors() if r.kind != RegionKind.DISTRICT)


class Department(models.Model):
    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属区域"),
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_("部门所服务的区域；部门人员可查看该区域内的数据。"),
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """事项分类: what an issue is about, and which department leads on it by default."""

    code = models.SlugField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    default_department = models.ForeignKey(
        Department, verbose_name=_("默认主办部门"), on_delete=models.PROTECT, related_name="categories"
    )
    about = models.CharField(_("涵盖内容"), max_length=500, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("事项分类")
        verbose_name_plural = _("事项分类")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name
