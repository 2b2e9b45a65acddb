"""Every import leaves a row: who imported what, when, with what result. The files live in the
database, not on one machine's disk, so that a worker anywhere can run a queued import."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfuwu.people.models import Person


class StoredFile(models.Model):
    name = models.CharField(_("文件名"), max_length=200)
    data = models.BinaryField(_("内容"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("导入文件")
        verbose_name_plural = _("导入文件")

    def __str__(self) -> str:
        return self.name


class RunState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导入")
    CHECKED = "checked", _("检查通过")
    DONE = "done", _("已导入")
    REFUSED = "refused", _("未导入")
    FAILED = "failed", _("出错")


FINISHED = (RunState.CHECKED, RunState.DONE, RunState.REFUSED, RunState.FAILED)


class ImportRun(models.Model):
    kind = models.CharField(_("导入内容"), max_length=20)
    filename = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    dry_run = models.BooleanField(_("只检查"), default=False)
    # Confirmed after a dry run found nothing wrong: the import goes straight to writing.
    confirmed = models.BooleanField(_("检查后确认"), default=False)
    created_by = models.ForeignKey(
        Person, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="import_runs"
    )
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    # host:pid of the process running it: a run left 正在导入 by a process that is gone was cut off
    # (sanfuwu.imports.runs.import_runs_recover).
    claimed_by = models.CharField(max_length=80, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    upload = models.ForeignKey(StoredFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    report = models.ForeignKey(StoredFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rows = models.PositiveIntegerField(_("数据行"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    skipped = models.PositiveIntegerField(_("跳过"), default=0)
    error_count = models.PositiveIntegerField(_("问题数"), default=0)
    # A file refused as a whole, or what went wrong when the import itself failed.
    message = models.TextField(_("说明"), blank=True)
    errors = models.JSONField(_("问题（前 500 条）"), default=list, blank=True)
    preview = models.JSONField(_("预览"), default=list, blank=True)
    notices = models.JSONField(_("提示"), default=list, blank=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "created_at"], name="importrun_by_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} {self.get_state_display()}"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED
