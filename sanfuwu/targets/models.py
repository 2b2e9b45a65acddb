from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfuwu.orgs.models import Region
from sanfuwu.people.models import phone_validator
from sanfuwu.targets.credit_code import validate_credit_code


class TargetKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村")
    UNIVERSITY = "university", _("高校")
    TALENT = "talent", _("人才")
    PROJECT = "project", _("项目")


class Industry(models.TextChoices):
    BIOMEDICINE = "biomedicine", _("生物医药")
    ELECTRONICS = "electronics", _("电子信息")
    MACHINERY = "machinery", _("装备制造")
    AUTOMOTIVE = "automotive", _("汽车及零部件")
    MATERIALS = "materials", _("新材料")
    SOFTWARE = "software", _("软件与信息服务")
    LOGISTICS = "logistics", _("现代物流")
    FOOD = "food", _("食品饮料")
    TEXTILE = "textile", _("纺织服装")
    CHEMICALS = "chemicals", _("精细化工")
    TRADE = "trade", _("商贸服务")
    CONSTRUCTION = "construction", _("建筑业")
    OTHER = "other", _("其他")


class Target(models.Model):
    """A 联系对象: someone or something that cadres visit and serve."""

    kind = models.CharField(
        _("类型"), max_length=16, choices=TargetKind.choices, default=TargetKind.ENTERPRISE
    )
    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("已有使用该统一社会信用代码的联系对象。")},
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="targets"
    )
    grid = models.ForeignKey(
        Region,
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_targets",
        limit_choices_to={"kind": "grid"},
    )
    is_key = models.BooleanField(_("重点企业"), default=False)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=24, blank=True, validators=[phone_validator])
    note = models.TextField(_("备注"), blank=True)
    active = models.BooleanField(_("有效"), default=True)
    # Coverage stops asking for visits from this day on.
    inactive_since = models.DateField(_("停用日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("联系对象")
        verbose_name_plural = _("联系对象")
        ordering = ["-is_key", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="enterprise") | Q(credit_code__isnull=False),
                name="target_enterprise_has_credit_code",
                violation_error_message=_("企业必须填写统一社会信用代码。"),
            ),
            models.UniqueConstraint(
                fields=["kind", "name"],
                condition=Q(credit_code__isnull=True),
                name="target_unique_name_without_code",
                violation_error_message=_("已有同类型、同名称的联系对象。"),
            ),
        ]
        indexes = [
            models.Index(fields=["region", "kind", "name"], name="target_region_kind_name"),
            models.Index(fields=["grid", "kind"], name="target_grid_kind"),
            models.Index(fields=["kind", "is_key"], name="target_kind_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_enterprise(self) -> bool:
        return self.kind == TargetKind.ENTERPRISE


class EnterpriseAccount(models.Model):
    """An enterprise's own login (服务企业): a contact of the target signs in and sees that target's
    issues, visits and policies, and raises problems for it; nothing else of the product."""

    person = models.OneToOneField(
        "people.Person", verbose_name=_("账号"), on_delete=models.CASCADE, related_name="enterprise_account"
    )
    target = models.ForeignKey(
        Target, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="accounts"
    )
    created_at = models.DateTimeField(_("开通时间"), default=timezone.now)
    created_by = models.ForeignKey(
        "people.Person",
        verbose_name=_("开通人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("企业账号")
        verbose_name_plural = _("企业账号")

    def __str__(self) -> str:
        return f"{self.target} · {self.person}"


class EnterpriseInvite(models.Model):
    """A link staff give an enterprise's contact to open its account: once, within its days."""

    target = models.ForeignKey(
        Target, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="invites"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    created_by = models.ForeignKey(
        "people.Person", verbose_name=_("生成人"), on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    used_by = models.ForeignKey(
        "people.Person",
        verbose_name=_("开通的账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("企业账号邀请")
        verbose_name_plural = _("企业账号邀请")

    def __str__(self) -> str:
        return f"{self.target} · {self.created_at:%Y-%m-%d}"
