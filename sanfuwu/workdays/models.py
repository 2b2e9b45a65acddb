from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("上班（调休）")


class CalendarDay(models.Model):
    """A date whose status differs from the default: a statutory holiday or a make-up working day.

    Entered by an admin; overrides the chinese-calendar package and supplies years it does not know.
    """

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=DayKind.choices)
    note = models.CharField(_("说明"), max_length=64, blank=True, help_text=_("例如：春节、国庆节调休上班"))

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose whole schedule an admin has entered; only then may deadlines fall in it
    when the chinese-calendar package does not know the year."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    note = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("例如：国务院办公厅关于2027年部分节假日安排的通知")
    )

    class Meta:
        verbose_name = _("已录入的年度安排")
        verbose_name_plural = _("已录入的年度安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
