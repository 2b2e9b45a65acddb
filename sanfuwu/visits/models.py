from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfuwu.orgs.models import Department, Region
from sanfuwu.people.models import Person
from sanfuwu.targets.models import Target


class VisitForm(models.TextChoices):
    SITE = "site", _("实地走访")
    TALK = "talk", _("座谈")
    PHONE = "phone", _("电话")
    VIDEO = "video", _("视频")


class Policy(models.Model):
    """A policy that visitors explain (政策宣讲)."""

    title = models.CharField(_("政策名称"), max_length=200)
    issuer = models.CharField(_("发文单位"), max_length=100)
    issued_on = models.DateField(_("发布日期"))
    summary = models.TextField(_("要点"), blank=True)
    link = models.URLField(_("原文链接"), blank=True)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["-issued_on", "id"]

    def __str__(self) -> str:
        return self.title


class Visit(models.Model):
    """One visit (走访 / 蹲点调研): who went, when, to whom, what was said and what was raised.
    The problems raised are issues pointing here (Issue.visit)."""

    # ZF-2025-000123: what a ledger row or an imported file cites to say which visit raised a problem.
    number = models.CharField(_("走访编号"), max_length=20, unique=True)
    visited_at = models.DateTimeField(_("走访时间"))
    form = models.CharField(_("走访形式"), max_length=8, choices=VisitForm.choices, default=VisitForm.SITE)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="visits"
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    met = models.CharField(_("接待人员"), max_length=200, blank=True)
    notes = models.TextField(_("走访情况"), max_length=5000)
    visitors = models.ManyToManyField(Person, verbose_name=_("走访人员"), related_name="visits")
    departments = models.ManyToManyField(
        Department, verbose_name=_("随行部门"), related_name="visits", blank=True
    )
    targets: models.ManyToManyField[Target, VisitTarget] = models.ManyToManyField(
        Target, verbose_name=_("走访对象"), through="VisitTarget", related_name="visits"
    )
    policies = models.ManyToManyField(Policy, verbose_name=_("宣讲政策"), related_name="visits", blank=True)
    report = models.FileField(_("调研报告"), upload_to="visits/reports/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        Person, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="recorded_visits"
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("走访")
        verbose_name_plural = _("走访")
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(fields=["region", "visited_at"], name="visit_region_at"),
            models.Index(fields=["recorded_by", "visited_at"], name="visit_recorder_at"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.visited_at):%Y-%m-%d} {self.get_form_display()}"

    def get_absolute_url(self) -> str:
        return reverse("visits:detail", args=[self.pk])


class VisitCounter(models.Model):
    """The last visit number handed out per year, for ZF-2025-000123."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class VisitTarget(models.Model):
    """A target visited, with the local date of the visit copied here so coverage reads one index."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="visit_targets")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="visit_targets")
    visited_on = models.DateField(_("走访日期"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "target"], name="visit_target_once")]
        indexes = [models.Index(fields=["target", "visited_on"], name="visit_target_on")]

    def __str__(self) -> str:
        return f"{self.target} {self.visited_on}"


def photo_path(instance: VisitPhoto, filename: str) -> str:
    return f"visits/{instance.visit_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=photo_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")

    def __str__(self) -> str:
        return self.name


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("每年")


class Pairing(models.Model):
    """包联 / 结对: a person or a department must visit a target at least once per period."""

    target = models.ForeignKey(
        Target, verbose_name=_("联系对象"), on_delete=models.PROTECT, related_name="pairings"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("包联人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("包联部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    frequency = models.CharField(
        _("走访频次"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("包联关系")
        verbose_name_plural = _("包联关系")
        ordering = ["target__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) ^ Q(department__isnull=True),
                name="pairing_person_xor_department",
                violation_error_message=_("包联人和包联部门须填且只填一个。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="pairing_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
        ]
        indexes = [
            models.Index(fields=["person", "starts_on"], name="pairing_person"),
            models.Index(fields=["department", "starts_on"], name="pairing_department"),
            models.Index(fields=["target", "starts_on"], name="pairing_target"),
        ]

    def __str__(self) -> str:
        who = self.person or self.department
        return f"{who} ↔ {self.target} · {self.get_frequency_display()}"

    @property
    def holder_name(self) -> str:
        return self.person.name if self.person else self.department.name if self.department else ""


class Campaign(models.Model):
    """集中走访: a drive in which groups led by departments visit assigned targets within a period."""

    name = models.CharField(_("活动名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("说明"), blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="campaigns"
    )

    class Meta:
        verbose_name = _("集中走访")
        verbose_name_plural = _("集中走访")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("visits:campaign", args=[self.pk])


class CampaignGroup(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("组名"), max_length=50)
    lead_department = models.ForeignKey(
        Department, verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="campaign_groups"
    )
    members = models.ManyToManyField(
        Person, verbose_name=_("组员"), related_name="campaign_groups", blank=True
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("走访组")
        verbose_name_plural = _("走访组")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.name}"


class CampaignTarget(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("集中走访"), on_delete=models.CASCADE, related_name="assignments"
    )
    group = models.ForeignKey(
        CampaignGroup, verbose_name=_("走访组"), on_delete=models.CASCADE, related_name="assignments"
    )
    target = models.ForeignKey(
        Target, verbose_name=_("联系对象"), on_delete=models.PROTECT, related_name="campaign_assignments"
    )

    class Meta:
        verbose_name = _("走访任务")
        verbose_name_plural = _("走访任务")
        constraints = [
            # One group per target in a campaign, so progress never counts a target twice.
            models.UniqueConstraint(fields=["campaign", "target"], name="campaign_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.target}"
