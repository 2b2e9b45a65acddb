from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ModelSource(models.TextChoices):
    SHIPPED = "shipped", _("随产品发布的语料")
    DISTRICT = "district", _("本区交办记录")


class TriageModel(models.Model):
    """A trained suggestion model, kept as its JSON. The newest one is used; older ones stay so
    that a suggestion can be traced to the model that made it."""

    created_at = models.DateTimeField(_("训练时间"), default=timezone.now)
    source = models.CharField(_("训练数据"), max_length=16, choices=ModelSource.choices)
    examples = models.PositiveIntegerField(_("样本数"))
    history = models.PositiveIntegerField(_("其中本区记录"), default=0)
    body = models.TextField(_("模型"))

    class Meta:
        verbose_name = _("分拨模型")
        verbose_name_plural = _("分拨模型")

    def __str__(self) -> str:
        return f"#{self.pk} · {self.get_source_display()} · {self.examples}"


class Stage(models.TextChoices):
    REGISTER = "register", _("登记")
    DISPATCH = "dispatch", _("交办")


class Suggestion(models.Model):
    """What the model suggested for an issue at one stage, and what the person chose: the record
    by which the suggestions are judged (how often the first one was taken)."""

    issue = models.ForeignKey("issues.Issue", on_delete=models.CASCADE, related_name="suggestions")
    stage = models.CharField(_("环节"), max_length=12, choices=Stage.choices)
    model = models.ForeignKey(TriageModel, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    # [[code, confidence, [reasons…]], …] and [[department code, confidence], …], best first.
    categories = models.JSONField(_("建议分类"), default=list)
    departments = models.JSONField(_("建议部门"), default=list)
    # [[issue id, similarity], …]: the likely duplicates registration found, most similar first.
    similar = models.JSONField(_("可能重复"), default=list, blank=True)
    chosen_category = models.CharField(_("选定分类"), max_length=32, blank=True)
    chosen_department = models.CharField(_("选定部门"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("分拨建议")
        verbose_name_plural = _("分拨建议")
        indexes = [models.Index(fields=["issue", "stage"], name="suggestion_issue_stage")]

    def __str__(self) -> str:
        return f"{self.issue_id} · {self.get_stage_display()}"

    @property
    def followed(self) -> bool:
        top = self.categories[0][0] if self.categories else ""
        if self.stage == Stage.DISPATCH:
            top = self.departments[0][0] if self.departments else ""
            return top == self.chosen_department
        return top == self.chosen_category


class IssueBand(models.Model):
    """One band of an issue's MinHash signature (see similar.py): issues sharing any band are
    candidates for being the same problem. One row per band, the band's number folded into `key`."""

    # The key's index answers the search; the issue's answers re-indexing one issue (and deletion).
    issue = models.ForeignKey("issues.Issue", on_delete=models.CASCADE, related_name="+")
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key", "issue"], name="issueband_key")]

    def __str__(self) -> str:
        return f"{self.issue_id} · {self.key}"


class IssueTopic(models.Model):
    """What an issue is about within its category (停车位不足, 困人, 扬尘 …), and where: the rows
    共性问题 are counted from, a topic shared by many places in a period being a common problem.
    Written at registration, with the category, region and time copied so that a period's topics
    are grouped from one index without touching the issues."""

    issue = models.OneToOneField(
        "issues.Issue", on_delete=models.CASCADE, primary_key=True, related_name="topic"
    )
    category = models.ForeignKey("orgs.Category", on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("问题类型"), max_length=40)
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")
    # The place that raised it: its contact target ("t12") when it has one, else its region ("r34").
    place = models.CharField(_("反映地点"), max_length=16)
    registered_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("问题类型")
        verbose_name_plural = _("问题类型")
        indexes = [models.Index(fields=["registered_at", "category", "topic"], name="issuetopic_period")]

    def __str__(self) -> str:
        return self.topic
