from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sanfuwu.orgs.models import Department, Region


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    LEADER = "leader", _("领导")
    DISPATCHER = "dispatcher", _("调度员")
    HANDLER = "handler", _("承办人")
    VISITOR = "visitor", _("走访干部")
    SUPERVISOR = "supervisor", _("督查员")
    EVALUATOR = "evaluator", _("评分员")


phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$",
    _("请输入 11 位手机号码或带区号的固定电话，例如 13812345678 或 0571-86001234。"),
)


class Person(AbstractUser):
    """A member of staff. Belongs to one unit: a region or a department."""

    name = models.CharField(_("姓名"), max_length=32)
    phone = models.CharField(_("电话"), max_length=24, blank=True, validators=[phone_validator])
    title = models.CharField(_("职务"), max_length=64, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=True) | Q(department__isnull=True),
                name="person_one_unit",
                violation_error_message=_("人员只能属于一个单位：区域或部门，不能同时填写。"),
            )
        ]

    def __str__(self) -> str:
        return self.name or self.username

    def clean(self) -> None:
        super().clean()
        if self.region_id and self.department_id:
            raise ValidationError({"department": _("人员只能属于一个单位：区域或部门，不能同时填写。")})

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def unit(self) -> Region | Department | None:
        return self.region or self.department

    @property
    def unit_name(self) -> str:
        unit = self.unit
        return unit.name if unit else ""

    def role_labels(self) -> list[str]:
        return [str(label) for value, label in Role.choices if value in self.roles]

    @property
    def primary_role(self) -> str | None:
        """The role whose home page this person sees first (the order of Role)."""
        return next((value for value in Role.values if value in self.roles), None)


class RoleGrant(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [models.UniqueConstraint(fields=["person", "role"], name="rolegrant_unique")]
        indexes = [models.Index(fields=["role", "person"], name="rolegrant_role_person")]

    def __str__(self) -> str:
        return self.get_role_display()
