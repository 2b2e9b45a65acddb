from __future__ import annotations

from datetime import date
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfuwu.orgs.models import Department, Region


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    LEADER = "leader", _("领导")
    DISPATCHER = "dispatcher", _("调度员")
    HANDLER = "handler", _("承办人")
    # 科室负责人 / 部门负责人: assigns the department's signed-for issues to its handlers. After
    # HANDLER, so a head who also handles (the usual case) starts the day on the handler's home.
    HEAD = "head", _("部门负责人")
    VISITOR = "visitor", _("走访干部")
    SUPERVISOR = "supervisor", _("督查员")
    EVALUATOR = "evaluator", _("评分员")


phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$",
    _("请输入 11 位手机号码或带区号的固定电话，例如 13812345678 或 0571-86001234。"),
)


class PersonManager(UserManager["Person"]):
    def get_by_natural_key(self, username: str | None) -> Person:
        # 张三 types ZHANGSAN as often as zhangsan; one account answers to both, and no second
        # account may take the other spelling (the constraint below).
        return self.get(username__iexact=username)


class Person(AbstractUser):
    """A member of staff. Belongs to one unit: a region or a department."""

    objects = PersonManager()  # type: ignore[misc]

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
    # Set when someone else chose the password (an administrator creating or resetting the
    # account): its owner must replace it before doing anything else.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="person_username_ci_unique",
                violation_error_message=_("该账号已被使用（不区分大小写），请换一个。"),
            ),
            models.CheckConstraint(
                condition=Q(region__isnull=True) | Q(department__isnull=True),
                name="person_one_unit",
                violation_error_message=_("人员只能属于一个单位：区域或部门，不能同时填写。"),
            ),
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


class StandIn(models.Model):
    """代理 (AB角): while `absent` is away, from `starts_on` to `ends_on` (both days included),
    `stand_in` sees and takes the items assigned to them. Never deleted: ended early, it is
    cancelled, so who could act for whom stays on record."""

    absent = models.ForeignKey(
        Person, verbose_name=_("外出人员"), on_delete=models.PROTECT, related_name="stand_ins"
    )
    stand_in = models.ForeignKey(
        Person, verbose_name=_("代理人"), on_delete=models.PROTECT, related_name="standing_in_for"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    set_by = models.ForeignKey(Person, verbose_name=_("设置人"), on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("设置时间"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("代理设置")
        verbose_name_plural = _("代理设置")
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["stand_in", "ends_on"], name="standin_standin_ends")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="standin_period_ordered"),
            models.CheckConstraint(condition=~Q(absent=F("stand_in")), name="standin_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.stand_in} 代 {self.absent} {self.starts_on}—{self.ends_on}"

    def covers(self, day: date) -> bool:
        return self.cancelled_at is None and self.starts_on <= day <= self.ends_on


class LoginFailure(models.Model):
    """A wrong password, kept for the lockout count (sanfuwu.people.lockout) and cleared, not
    deleted, by a successful login or an administrator's unlock."""

    username = models.CharField(
        max_length=150
    )  # lower-cased: the count follows the account, not its spelling
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    cleared = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["username", "-at"], name="loginfailure_username"),
            models.Index(fields=["address", "-at"], name="loginfailure_address"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.address or ''} {self.at:%Y-%m-%d %H:%M}"
