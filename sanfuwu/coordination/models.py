"""专题协调: a problem many places share, taken to the leadership, decided at a meeting, handed to
departments as tasks with deadlines in working days, followed to its close-out. Every change is
an event row; nothing is edited in place without one."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CoordinationStatus(models.TextChoices):
    RAISED = "raised", _("待协调")
    DECIDED = "decided", _("推进中")
    CLOSED = "closed", _("已办结")


class Coordination(models.Model):
    title = models.CharField(_("协调事项"), max_length=120)
    category = models.ForeignKey(
        "orgs.Category",
        verbose_name=_("事项分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The common problem it was raised from (a category's topic); new issues of it can be added.
    topic = models.CharField(_("问题类型"), max_length=40, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=CoordinationStatus.choices, default=CoordinationStatus.RAISED
    )
    version = models.PositiveIntegerField(default=1)
    raised_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("提请时间"), default=timezone.now)
    meeting_date = models.DateField(_("会议日期"), null=True, blank=True)
    decision = models.TextField(_("会议决定"), blank=True)
    summary = models.TextField(_("办结说明"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专题协调")
        verbose_name_plural = _("专题协调")
        indexes = [models.Index(fields=["status", "raised_at"], name="coordination_status")]

    def __str__(self) -> str:
        return self.title


class CoordinationIssue(models.Model):
    coordination = models.ForeignKey(Coordination, on_delete=models.CASCADE, related_name="links")
    # Issues are never deleted by the product (they are voided); a demo's rebuild takes the link along.
    issue = models.ForeignKey("issues.Issue", on_delete=models.CASCADE, related_name="coordination_links")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coordination", "issue"], name="coordination_issue_once")
        ]

    def __str__(self) -> str:
        return f"{self.coordination_id} · {self.issue_id}"


class CoordinationTask(models.Model):
    """One department's part of the decision, due at the end of `due_date`."""

    coordination = models.ForeignKey(Coordination, on_delete=models.CASCADE, related_name="tasks")
    department = models.ForeignKey("orgs.Department", verbose_name=_("责任部门"), on_delete=models.PROTECT)
    text = models.CharField(_("任务"), max_length=500)
    workdays = models.PositiveSmallIntegerField(_("期限（工作日）"))
    due_date = models.DateField(_("到期日"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.CharField(_("完成情况"), max_length=1000, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class EventKind(models.TextChoices):
    RAISE = "raise", _("提请专题协调")
    ADD = "add", _("纳入问题")
    DECIDE = "decide", _("会议决定")
    TASK = "task", _("交办任务")
    DONE = "done", _("完成任务")
    NOTE = "note", _("进展")
    CLOSE = "close", _("办结")


class CoordinationEvent(models.Model):
    coordination = models.ForeignKey(Coordination, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("动作"), max_length=12, choices=EventKind.choices)
    actor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    text = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.coordination_id} · {self.kind}"
