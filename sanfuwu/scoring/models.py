"""一表一库一指数: the indicator table, hand-entered values and targets, and review meetings."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfuwu.orgs.models import Department, Region
from sanfuwu.people.models import Person


class League(models.TextChoices):
    TERRITORY = "territory", _("街道园区")
    DEPARTMENT = "department", _("部门")


class Source(models.TextChoices):
    RESPONSE = "response", _("响应率")
    ON_TIME = "on_time", _("按期办结率")
    RESOLUTION = "resolution", _("办结率")
    SATISFACTION = "satisfaction", _("满意率")
    REOPEN = "reopen", _("重办率")
    COVERAGE = "coverage", _("走访覆盖率")
    DENSITY = "density", _("每千家企业问题数")
    MANUAL = "manual", _("手工录入")
    REVIEW = "review", _("测评得分")


class Method(models.TextChoices):
    COMPLETION = "completion", _("完成度")
    CONTRIBUTION = "contribution", _("贡献度")


class Indicator(models.Model):
    """One line of the indicator table. Definitions and weights are data, not code."""

    league = models.CharField(_("赛道"), max_length=12, choices=League.choices)
    name = models.CharField(_("指标名称"), max_length=50)
    source = models.CharField(_("数据来源"), max_length=16, choices=Source.choices)
    unit = models.CharField(_("单位"), max_length=16, default="%", blank=True)
    higher_is_better = models.BooleanField(_("越高越好"), default=True)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    method = models.CharField(_("计分方式"), max_length=12, choices=Method.choices, default=Method.COMPLETION)
    target = models.DecimalField(
        _("默认目标值"), max_digits=14, decimal_places=4, null=True, blank=True,
        help_text=_("完成度 = 实际值 ÷ 目标值；单位自有目标优先。比率以小数表示，如 0.95。"),
    )  # fmt: skip
    cap = models.DecimalField(
        _("完成度上限"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.20"),
        validators=[MinValueValidator(1)],
    )
    min_cases = models.PositiveIntegerField(
        _("最少样本数"), default=5, help_text=_("少于此数的单位显示“样本不足”，不参与该指标排名。")
    )
    meeting = models.ForeignKey(
        "ReviewMeeting", verbose_name=_("测评会议"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="indicators", help_text=_("数据来源为测评得分时，取该会议的结果。"),
    )  # fmt: skip
    description = models.TextField(_("计算口径"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标（一表）")
        ordering = ["league", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.get_league_display()} · {self.name}"


# What a unit-valued row says when neither or both of its units are chosen.
ONE_UNIT = _("街道或园区与部门须选填且只填一个。")


class UnitTarget(models.Model):
    """A unit's own target for an indicator and year (the economic indicators' 目标任务)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="unit_targets"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("街道或园区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("单位目标")
        verbose_name_plural = _("单位目标")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=True) ^ Q(department__isnull=True),
                name="unittarget_one_unit",
                violation_error_message=ONE_UNIT,
            ),
            models.UniqueConstraint(
                fields=["indicator", "region", "year"],
                condition=Q(region__isnull=False),
                name="unittarget_once_region",
            ),
            models.UniqueConstraint(
                fields=["indicator", "department", "year"],
                condition=Q(department__isnull=False),
                name="unittarget_once_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.region or self.department} · {self.year}"


class ManualValue(models.Model):
    """A hand-entered value of a unit for a month (e.g. 规上工业增加值, in the indicator's unit)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="manual_values"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("街道或园区"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("月份"), help_text=_("该月 1 日"))
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=4)
    entered_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("手工指标值")
        verbose_name_plural = _("手工指标值")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=True) ^ Q(department__isnull=True),
                name="manualvalue_one_unit",
                violation_error_message=ONE_UNIT,
            ),
            models.UniqueConstraint(
                fields=["indicator", "region", "month"],
                condition=Q(region__isnull=False),
                name="manualvalue_once_region",
            ),
            models.UniqueConstraint(
                fields=["indicator", "department", "month"],
                condition=Q(department__isnull=False),
                name="manualvalue_once_department",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "month"], name="manualvalue_month")]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.region or self.department} · {self.month:%Y-%m}"


class ReviewMeeting(models.Model):
    """测评打分: evaluators score each unit of a league on criteria; closed results are final."""

    name = models.CharField(_("会议名称"), max_length=100)
    league = models.CharField(_("赛道"), max_length=12, choices=League.choices, default=League.TERRITORY)
    held_on = models.DateField(_("会议日期"))
    evaluators = models.ManyToManyField(Person, verbose_name=_("评分员"), related_name="review_meetings")
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("测评会议")
        verbose_name_plural = _("测评会议")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class ReviewCriterion(models.Model):
    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("评分项"), max_length=50)
    max_score = models.PositiveSmallIntegerField(_("满分"), default=10)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class ReviewScore(models.Model):
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.CASCADE, related_name="scores")
    evaluator = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="review_scores")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(
        _("得分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=True) ^ Q(department__isnull=True), name="reviewscore_one_unit"
            ),
            models.UniqueConstraint(
                fields=["criterion", "evaluator", "region"],
                condition=Q(region__isnull=False),
                name="reviewscore_once_region",
            ),
            models.UniqueConstraint(
                fields=["criterion", "evaluator", "department"],
                condition=Q(department__isnull=False),
                name="reviewscore_once_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} · {self.evaluator} · {self.score}"


class MonthlyCount(models.Model):
    """A rate's numerator and denominator for one unit and month: the roll-up rankings read, so that
    a year's ranking on a million issues sums twelve small rows instead of scanning the issues."""

    month = models.DateField(_("月份"))
    league = models.CharField(_("赛道"), max_length=12, choices=League.choices)
    source = models.CharField(_("数据来源"), max_length=16, choices=Source.choices)
    unit = models.PositiveIntegerField(_("单位"))  # a street's region id or a department's id
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "league", "source", "unit"], name="monthlycount_once")
        ]
        indexes = [models.Index(fields=["league", "source", "month"], name="monthlycount_read")]

    def __str__(self) -> str:
        return (
            f"{self.month:%Y-%m} {self.league} {self.source} {self.unit}: {self.numerator}/{self.denominator}"
        )


class MonthlyRollup(models.Model):
    """A month whose counts are in MonthlyCount, and when they were taken."""

    month = models.DateField(_("月份"), unique=True)
    computed_at = models.DateTimeField(_("统计时间"), default=timezone.now)
    # When the dashboard's counts (DashboardCount, CoverageCount) were taken too; None before them.
    dashboard_at = models.DateTimeField(_("驾驶舱统计时间"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} @ {self.computed_at:%Y-%m-%d %H:%M}"


class DashboardCount(models.Model):
    """The dashboard's issue counts for one month, by street, lead department, source, tier and
    category: issues registered in the month (void ones never) and how many of them are done, and
    the return visits made in the month and how many pleased. The charts and totals of any street,
    department or the district sum these few rows instead of scanning a million issues."""

    month = models.DateField(_("月份"))
    street = models.PositiveIntegerField(_("街道"), null=True)  # the street or park holding the issue
    department = models.PositiveIntegerField(_("主办部门"), null=True)
    source = models.CharField(_("来源"), max_length=16)
    tier = models.CharField(_("办理类型"), max_length=16)
    category = models.PositiveIntegerField(_("事项分类"))
    registered = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    pleased = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["month", "street"], name="dashboardcount_street"),
            models.Index(fields=["month", "department"], name="dashboardcount_department"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.month:%Y-%m} {self.street}/{self.department} {self.source} {self.tier}: {self.registered}"
        )


class CoverageCount(models.Model):
    """Visit coverage of a month, a quarter or a year (starting on `month`) by the street, grid and
    department of the pairings: those due in the period and those visited as required, for the
    dashboard's grids and the ranking's rate. A quarter is no sum of its months (a quarterly
    pairing is due once in it), so each span is counted on its own."""

    month = models.DateField(_("月份"))
    span = models.CharField(_("统计周期"), max_length=8, default="month")
    street = models.PositiveIntegerField(_("街道"), null=True)
    grid = models.PositiveIntegerField(_("网格"), null=True)
    department = models.PositiveIntegerField(_("包联部门"), null=True)
    pairings = models.PositiveIntegerField(default=0)
    fulfilled = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "span", "street"], name="coveragecount_street")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.street}/{self.grid}/{self.department}: {self.fulfilled}/{self.pairings}"
