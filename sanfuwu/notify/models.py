"""Notifications: what a person is told in the product (`Notice`), what they chose to be told and
where (`Preference`), the group robots a department or a region is told through (`Receiver`), and
the outbox of messages to those robots with every attempt at delivering them (`Delivery`,
`Attempt`). Notices and deliveries are written in the transaction of the action that caused them;
the job queue sends the deliveries after it commits."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfuwu.orgs.models import Department, Region
from sanfuwu.people.models import Person


class Kind(models.TextChoices):
    DISPATCHED = "dispatched", _("交办到本部门")
    ASSIGNED = "assigned", _("分派给我")
    RETURNED = "returned", _("部门退回")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_DECIDED = "extension_decided", _("延期审批结果")
    DUE_TOMORROW = "due_tomorrow", _("明日到期")
    OVERDUE = "overdue", _("已超期")
    SUPERVISED = "supervised", _("挂牌督办")
    INSTRUCTED = "instructed", _("领导批示")
    RESOLVED = "resolved", _("已办结待答复")
    REOPENED = "reopened", _("不满意重办")
    VISIT_DUE = "visit_due", _("本周应走访")
    IMPORT_DONE = "import_done", _("导入完成")
    REVIEW_OPENED = "review_opened", _("评审会开启")
    DIGEST = "digest", _("每日简报")


# Told whatever the person chose: the district's pressure on an issue is not optional reading.
MANDATORY = frozenset({Kind.SUPERVISED, Kind.INSTRUCTED})


class Channel(models.TextChoices):
    ROBOT = "robot", _("站内消息并推送到工作群")
    IN_APP = "in_app", _("仅站内消息")
    OFF = "off", _("不提醒")


class Notice(models.Model):
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    text = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # A reminder's once-only key (kind, issue, day): the same reminder never reaches anyone twice.
    once = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        indexes = [models.Index(fields=["recipient", "read_at", "id"], name="notice_inbox")]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "once"], condition=~Q(once=""), name="notice_once")
        ]

    def __str__(self) -> str:
        return self.text


class Preference(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notice_preferences")
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    channel = models.CharField(_("提醒方式"), max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = _("提醒设置")
        verbose_name_plural = _("提醒设置")
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="preference_once")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.channel}"


class RobotKind(models.TextChoices):
    DINGTALK = "dingtalk", _("钉钉群机器人")
    WECOM = "wecom", _("企业微信群机器人")
    JSON = "json", _("通用 JSON 接口")


class Receiver(models.Model):
    """A group robot: a department's or a region's work group, told what its people chose to have
    pushed there."""

    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=12, choices=RobotKind.choices)
    url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(
        _("签名密钥"),
        max_length=200,
        blank=True,
        help_text=_("钉钉“加签”的密钥（SEC 开头）；通用接口用它对正文签名。"),
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    per_minute = models.PositiveSmallIntegerField(
        _("每分钟最多条数"), default=20, help_text=_("钉钉群机器人每分钟最多 20 条；超出时合并为一条发送。")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("工作群机器人")
        verbose_name_plural = _("工作群机器人")

    def __str__(self) -> str:
        return self.name


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("发送失败")


class Delivery(models.Model):
    """One notice for one robot: the outbox row. Messages to a robot carry every delivery pending
    for it when they are sent, so many events at once make one message."""

    receiver = models.ForeignKey(
        Receiver, verbose_name=_("机器人"), on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    text = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    state = models.CharField(
        _("状态"), max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    # The claim of whoever is sending it; a claim older than the lease belongs to a dead worker.
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    once = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        indexes = [models.Index(fields=["state", "next_at"], name="delivery_due")]
        constraints = [
            models.UniqueConstraint(fields=["receiver", "once"], condition=~Q(once=""), name="delivery_once")
        ]

    def __str__(self) -> str:
        return self.text


class Attempt(models.Model):
    """One try at sending a message to a robot: what it answered, for the admin reading why a
    group was not told."""

    receiver = models.ForeignKey(
        Receiver, verbose_name=_("机器人"), on_delete=models.CASCADE, related_name="attempts"
    )
    deliveries = models.ManyToManyField(Delivery, related_name="attempt_log", verbose_name=_("推送记录"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    ok = models.BooleanField(_("成功"), default=False)
    status = models.PositiveSmallIntegerField(_("HTTP 状态"), null=True, blank=True)
    answer = models.TextField(_("对方应答"), blank=True)
    ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)

    class Meta:
        verbose_name = _("推送尝试")
        verbose_name_plural = _("推送尝试")
        indexes = [models.Index(fields=["receiver", "at"], name="attempt_recent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status or '—'}"


class ReminderDay(models.Model):
    """A day whose morning reminders and digest have gone out: the hourly job's once-a-day mark,
    taken by inserting the day (one worker wins; the rest find it and do nothing)."""

    day = models.DateField(_("日期"), unique=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    told = models.PositiveIntegerField(_("提醒人次"), default=0)

    class Meta:
        verbose_name = _("每日提醒")
        verbose_name_plural = _("每日提醒")

    def __str__(self) -> str:
        return f"{self.day}"
