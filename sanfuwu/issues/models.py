from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfuwu.orgs.models import Category, Department, Region
from sanfuwu.people.models import Person
from sanfuwu.targets.models import Target


class Source(models.TextChoices):
    VISIT = "visit", _("走访")
    PORTAL = "portal", _("网上诉求")
    HOTLINE = "hotline", _("热线")
    MEETING = "meeting", _("会议")
    OTHER = "other", _("其他")


class Tier(models.TextChoices):
    DONE = "done", _("已经办")
    IMMEDIATE = "immediate", _("立刻办")
    DEADLINE = "deadline", _("限期办")
    LONG_TERM = "long_term", _("长效办")


class Status(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ASSIGNED = "assigned", _("已交办")
    IN_PROGRESS = "in_progress", _("办理中")
    RETURNED = "returned", _("已退回")
    LONG_TERM = "long_term", _("长效办理")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已销号")
    VOID = "void", _("已作废")


class Action(models.TextChoices):
    """What can happen to an issue; sanfuwu.issues.rules says who may do each, from which status."""

    REGISTER = "register", _("登记")
    DISPATCH = "dispatch", _("交办")
    ACCEPT = "accept", _("签收")
    RETURN = "return", _("退回")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("同意延期")
    REFUSE_EXTENSION = "refuse_extension", _("不同意延期")
    MAKE_LONG_TERM = "make_long_term", _("转长效办理")
    COMPLETE_MILESTONE = "complete_milestone", _("完成办理节点")
    RESOLVE = "resolve", _("办结")
    FEEDBACK = "feedback", _("答复")
    RATE = "rate", _("回访")
    CLOSE = "close", _("销号")
    VOID = "void", _("作废")
    SUPERVISE = "supervise", _("挂牌督办")
    INSTRUCT = "instruct", _("批示")
    CHECK_ITEM = "check_item", _("完成清单事项")
    ASSIGN_HANDLER = "assign_handler", _("分派经办人")
    MERGE = "merge", _("合并重复")


# Status groups, named once: the workflow's rules, the lists, the home page, the dashboard, the
# bulletin and the exports all count by these and nothing else.
# Not yet resolved: someone still owes work on it.
OPEN_STATUSES = frozenset(
    {Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED, Status.LONG_TERM}
)
# The dispatcher's triage queue: come in, or come back, and not with a department.
AWAITING_DISPATCH_STATUSES = frozenset({Status.REGISTERED, Status.RETURNED})
# A department works against the deadline: late once the deadline has passed.
RUNNING_STATUSES = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})
# Signed for and being worked on, against a deadline or a long-term plan.
HANDLING_STATUSES = frozenset({Status.IN_PROGRESS, Status.LONG_TERM})
# Resolved, whether or not struck off yet: what rates count as solved.
DONE_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})


def overdue_q(today: date) -> Q:
    """Late: running against a deadline that ended before today (Issue.is_overdue, as a query)."""
    return Q(status__in=RUNNING_STATUSES, due_date__lt=today)


def supervised_open_q() -> Q:
    """On the supervision board: supervised and not yet resolved."""
    return Q(supervised=True, status__in=OPEN_STATUSES)


class StatusGroup(models.TextChoices):
    OPEN = "open", _("未办结")
    AWAITING_DISPATCH = "awaiting_dispatch", _("待交办")
    HANDLING = "handling", _("办理中")
    OVERDUE = "overdue", _("已超期")
    SUPERVISED = "supervised", _("督办中")
    DONE = "done", _("已办结")


def status_group_q(group: str, today: date) -> Q:
    """The issues of a named group, for lists, counts and links that must agree."""
    if group == StatusGroup.OVERDUE:
        return overdue_q(today)
    if group == StatusGroup.SUPERVISED:
        return supervised_open_q()
    statuses = {
        StatusGroup.OPEN: OPEN_STATUSES,
        StatusGroup.AWAITING_DISPATCH: AWAITING_DISPATCH_STATUSES,
        StatusGroup.HANDLING: HANDLING_STATUSES,
        StatusGroup.DONE: DONE_STATUSES,
    }[StatusGroup(group)]
    return Q(status__in=statuses)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class SupervisionLevel(models.TextChoices):
    GENERAL = "general", _("一般")
    KEY = "key", _("重点")


class Issue(models.Model):
    """One problem raised. Its status and every field the workflow owns change only through
    sanfuwu.issues.workflow, which compares-and-sets `version` and writes an IssueEvent."""

    number = models.CharField(_("编号"), max_length=20, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("问题描述"), max_length=5000)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    raiser_name = models.CharField(_("反映人"), max_length=32, blank=True)
    raiser_phone = models.CharField(_("反映人电话"), max_length=24, blank=True)
    target = models.ForeignKey(
        Target,
        verbose_name=_("联系对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issues",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="issues"
    )
    # Where the problem is, when it is a place (a broken road, a blocked drain): in words, and as
    # a WGS-84 point when a phone gave one (sanfuwu.issues.places checks it lies in the district).
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("事项分类"), on_delete=models.PROTECT, related_name="issues"
    )
    tier = models.CharField(_("办理类型"), max_length=16, choices=Tier.choices)
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("主办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_issues",
    )
    # 经办人: the lead department's handler the head gave the issue to; none until then, and none
    # again once it leaves the department (a return, a new dispatch).
    handler = models.ForeignKey(
        Person,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_issues",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    due_date = models.DateField(_("办理期限"), null=True, blank=True, help_text=_("该日结束前办结"))
    supervised = models.BooleanField(_("挂牌督办"), default=False)
    supervision_level = models.CharField(
        _("督办级别"), max_length=8, choices=SupervisionLevel.choices, blank=True
    )
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    long_term_plan = models.TextField(_("长效办理计划"), blank=True)
    resolution = models.TextField(_("办理结果"), blank=True)
    feedback = models.TextField(_("答复内容"), blank=True)
    rating = models.CharField(_("回访评价"), max_length=16, choices=Rating.choices, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)
    # 重复问题: merged into this one, which is handled for both; its raiser gets the same answer.
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("重复于"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    visit = models.ForeignKey(
        "visits.Visit",
        verbose_name=_("来源走访"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issues",
    )
    registered_by = models.ForeignKey(
        Person,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_issues",
    )

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["-registered_at", "-id"]
        indexes = [
            # The dispatcher's triage queue: registered and returned issues, oldest first.
            models.Index(fields=["status", "registered_at"], name="issue_status_registered"),
            # The same within a territory, with what the queue filters on: its page, counts and
            # filters by age, category, source and tier read the few thousand waiting issues from
            # this index alone, not from the table's rows (450 ms → 50 ms at a million issues).
            models.Index(
                fields=["status", "region", "registered_at", "category", "source", "tier"],
                name="issue_status_region_reg",
            ),
            # Department worklists, sorted by deadline; with what the tabs filter on after that
            # (我的: unassigned or mine; 督办), so that a tab's count reads this index alone instead
            # of a table page per row (the overdue tab's count at a million issues on PostgreSQL, once
            # vacuumed: 75 → 0.3 ms).
            models.Index(
                fields=["lead_department", "status", "due_date", "handler", "supervised"],
                name="issue_lead_status_due_hs",
            ),
            # A handler's own worklist (我的).
            models.Index(fields=["handler", "status", "due_date"], name="issue_handler_status_due"),
            # Region-scoped lists and the rankings per period.
            models.Index(fields=["region", "registered_at"], name="issue_region_registered"),
            models.Index(fields=["region", "status", "due_date"], name="issue_region_status_due"),
            # The periodic overdue scan and the supervision board.
            models.Index(fields=["due_date", "status"], name="issue_due_status"),
            models.Index(fields=["supervised", "status"], name="issue_supervised_status"),
            # The hourly overdue scan: issues not yet on the board, by status and deadline. (SQLite
            # matches a partial index's condition only against a query's literal terms, never a
            # bound value: `NOT supervised` is written as a literal, the statuses are not.)
            models.Index(
                fields=["status", "due_date"], condition=Q(supervised=False), name="issue_late_unflagged"
            ),
            # The supervision board (督办): the flagged issues, read without the unflagged rest.
            models.Index(fields=["status", "due_date"], condition=Q(supervised=True), name="issue_on_board"),
            models.Index(fields=["category", "registered_at"], name="issue_category_registered"),
            # Newest-first lists over many regions (a street, the district): walked backwards, the
            # first page is read without sorting the whole territory.
            models.Index(fields=["registered_at", "id"], name="issue_registered_id"),
            # The horse race counts issues by when they were dispatched and resolved.
            models.Index(fields=["dispatched_at"], name="issue_dispatched"),
            models.Index(fields=["resolved_at"], name="issue_resolved"),
            # After-care's tabs, oldest resolved first: without it PostgreSQL walks the resolved_at
            # index through the closed million for 25 resolved rows (1.8 s → 30 ms).
            models.Index(fields=["status", "resolved_at", "id"], name="issue_status_resolved"),
            models.Index(fields=["target", "registered_at"], name="issue_target_registered"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (~Q(resolution="") & ~Q(feedback="") & Q(rating__in=["satisfied", "basic"])),
                name="issue_closed_has_resolution_feedback_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def is_overdue(self, today: date | None = None) -> bool:
        """Late when not resolved by the end of its deadline; derived, never stored."""
        if self.due_date is None or self.status not in RUNNING_STATUSES:
            return False
        return (today or timezone.localdate()) > self.due_date


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("待签收")
    ACCEPTED = "accepted", _("已签收")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class Assignment(models.Model):
    """One department's part in one dispatch of an issue: lead (主办) or co-department (协办)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="assignments")
    is_lead = models.BooleanField(_("主办"), default=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=AssignmentState.choices, default=AssignmentState.PENDING
    )
    dispatched_at = models.DateTimeField(_("交办时间"))
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    # The issue's deadline and registration, copied here (and kept while the part is pending) so
    # that a department's 待签收 is read in deadline order from one index of its own rows, not
    # found by walking a million issues by deadline.
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    registered_at = models.DateTimeField(_("登记时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("交办记录")
        verbose_name_plural = _("交办记录")
        indexes = [
            models.Index(fields=["department", "state", "issue"], name="assignment_dept_state"),
            models.Index(
                fields=["department", "state", "due_date", "registered_at", "issue"],
                name="assignment_worklist",
            ),
            models.Index(fields=["is_lead", "dispatched_at"], name="assignment_lead_dispatched"),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.get_state_display()}"


class IssueEvent(models.Model):
    """An immutable line of an issue's history. `seq` is the version the issue reached, so two
    writers can never both record the same step."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    action = models.CharField(_("动作"), max_length=24)
    actor = models.ForeignKey(
        Person, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Status.choices)
    note = models.TextField(_("说明"), blank=True)
    # A note the system wrote, as a key and values (sanfuwu.issues.notes), worded for each reader.
    system_note = models.JSONField(_("系统说明"), null=True, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["issue", "seq"]
        constraints = [models.UniqueConstraint(fields=["issue", "seq"], name="issueevent_unique_seq")]
        indexes = [
            models.Index(fields=["actor", "at"], name="issueevent_actor_at"),
            # The horse race reads return visits (action "rate") of a period.
            models.Index(fields=["action", "at"], name="issueevent_action_at"),
            # What changed in a window of time, for systems that follow issues (Open311 updates).
            models.Index(fields=["at"], name="issueevent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id}#{self.seq} {self.action}"

    @property
    def action_label(self) -> str:
        try:
            return str(Action(self.action).label)
        except ValueError:
            return self.action

    @property
    def note_shown(self) -> str:
        """The note in the reader's language where the system wrote it, else as it was typed."""
        from sanfuwu.issues.notes import stored_note_words

        return stored_note_words(self.system_note) or self.note


class IssueCounter(models.Model):
    """The last number handed out per year, for WT-2025-000123."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Decision(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("已拒绝")


class ExtensionRequest(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    workdays = models.PositiveSmallIntegerField(_("延长工作日数"))
    reason = models.CharField(_("延期理由"), max_length=500)
    decision = models.CharField(
        _("审批结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.UniqueConstraint(
                fields=["issue"], condition=Q(decision="pending"), name="extension_one_pending_per_issue"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} +{self.workdays} {self.get_decision_display()}"


class Milestone(models.Model):
    """A step of a long-term (长效) plan, in place of a single deadline."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due_date = models.DateField(_("计划完成"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("长效办理节点")
        verbose_name_plural = _("长效办理节点")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title


class Instruction(models.Model):
    """批示: a leader's instruction, shown on the issue and in the handler's worklist."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="instructions")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("批示内容"), max_length=2000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.text[:40]


class ChecklistTemplateItem(models.Model):
    """An item every issue of a category must check, e.g. the 五个一."""

    category = models.ForeignKey(
        Category, verbose_name=_("事项分类"), on_delete=models.CASCADE, related_name="checklist_items"
    )
    label = models.CharField(_("事项"), max_length=64)
    required = models.BooleanField(_("必须完成"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("清单模板事项")
        verbose_name_plural = _("清单模板事项")
        ordering = ["category", "sort_order", "id"]

    def __str__(self) -> str:
        return self.label


class ChecklistItem(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="checklist")
    label = models.CharField(_("事项"), max_length=64)
    required = models.BooleanField(_("必须完成"), default=True)
    done_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["issue", "sort_order", "id"]
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")

    def __str__(self) -> str:
        return self.label


class ResponseTemplate(models.Model):
    """A feedback text with placeholders {编号} {部门} {结果} {标题}, per category and status."""

    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="response_templates"
    )
    status = models.CharField(_("适用状态"), max_length=16, choices=Status.choices, default=Status.RESOLVED)
    text = models.TextField(_("模板内容"))

    class Meta:
        verbose_name = _("答复模板")
        verbose_name_plural = _("答复模板")

    def __str__(self) -> str:
        return f"{self.category or '—'} · {self.get_status_display()}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"issues/{instance.issue_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class Attachment(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    event_seq = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name
