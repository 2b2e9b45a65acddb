"""Writes of 专题协调, each atomic with its event row. Refusals are ValidationErrors at the field
concerned (a form shows them there) or PermissionDenied for a role that may not act."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.coordination.models import (
    Coordination,
    CoordinationEvent,
    CoordinationIssue,
    CoordinationStatus,
    CoordinationTask,
    EventKind,
)
from sanfuwu.issues.models import Issue, Status
from sanfuwu.orgs.models import Category, Department
from sanfuwu.people.models import Person
from sanfuwu.people.roles import COORDINATION_LEADERS, DEPARTMENT_STAFF
from sanfuwu.workdays.calendar import UnknownYearError, add_workdays

# The leadership: raises a common problem to coordination, records the meeting, hands out and
# closes. A department's staff mark their own department's tasks done.
LEADERSHIP = COORDINATION_LEADERS
MAX_WORKDAYS = 120


def _lead(actor: Person) -> None:
    if not (actor.roles & LEADERSHIP or actor.is_superuser):
        raise PermissionDenied(_("只有区领导或管理员可以办理专题协调。"))


def _event(coordination: Coordination, actor: Person, kind: str, text: str = "") -> None:
    CoordinationEvent.objects.create(coordination=coordination, actor=actor, kind=kind, text=text)


def _locked(coordination: Coordination) -> Coordination:
    fresh = Coordination.objects.select_for_update().get(pk=coordination.pk)
    if fresh.status == CoordinationStatus.CLOSED:
        raise ValidationError({"__all__": _("该专题协调已办结，不能再修改。")})
    return fresh


def _link(coordination: Coordination, actor: Person, issues: Iterable[Issue]) -> int:
    linked = set(coordination.links.values_list("issue_id", flat=True))
    new = [i for i in issues if i.pk not in linked and i.status != Status.VOID]
    CoordinationIssue.objects.bulk_create(
        [CoordinationIssue(coordination=coordination, issue=i, added_by=actor) for i in new]
    )
    return len(new)


@transaction.atomic
def coordination_raise(
    *, actor: Person, title: str, issues: Iterable[Issue], category: Category | None = None, topic: str = ""
) -> Coordination:
    """提请专题协调: a common problem and its issues put before the leadership."""
    _lead(actor)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("请填写协调事项的名称。")})
    issues = list(issues)
    if not issues:
        raise ValidationError({"__all__": _("该共性问题在所选期间没有可纳入的问题。")})
    coordination = Coordination(title=title[:120], category=category, topic=topic[:40], raised_by=actor)
    coordination.full_clean(exclude=["raised_by", "category"])
    coordination.save()
    n = _link(coordination, actor, issues)
    _event(coordination, actor, EventKind.RAISE, _("纳入问题 %(n)s 件。") % {"n": n})
    return coordination


@transaction.atomic
def coordination_add_issues(*, coordination: Coordination, actor: Person, issues: Iterable[Issue]) -> int:
    """Later issues of the same problem, linked to the coordination (none twice, none void)."""
    _lead(actor)
    coordination = _locked(coordination)
    n = _link(coordination, actor, issues)
    if n:
        _event(coordination, actor, EventKind.ADD, _("纳入问题 %(n)s 件。") % {"n": n})
    return n


@transaction.atomic
def coordination_decide(
    *, coordination: Coordination, actor: Person, meeting_date: date | None, decision: str
) -> Coordination:
    """The meeting: its date and what the leadership decided."""
    _lead(actor)
    coordination = _locked(coordination)
    decision = decision.strip()
    errors = {}
    if meeting_date is None:
        errors["meeting_date"] = _("请填写会议日期。")
    elif meeting_date > timezone.localdate():
        errors["meeting_date"] = _("会议日期不能晚于今天。")
    if not decision:
        errors["decision"] = _("请填写会议决定。")
    if errors:
        raise ValidationError(errors)
    coordination.meeting_date, coordination.decision = meeting_date, decision
    coordination.status = CoordinationStatus.DECIDED
    coordination.version += 1
    coordination.save(update_fields=["meeting_date", "decision", "status", "version"])
    _event(coordination, actor, EventKind.DECIDE, decision)
    return coordination


@transaction.atomic
def coordination_task_add(
    *,
    coordination: Coordination,
    actor: Person,
    department: Department | None,
    text: str,
    workdays: int | None,
) -> CoordinationTask:
    """A department's part of the decision, due in `workdays` working days from today."""
    _lead(actor)
    coordination = _locked(coordination)
    errors = {}
    if coordination.status != CoordinationStatus.DECIDED:
        errors["__all__"] = _("请先记录会议决定，再交办任务。")
    if department is None or not department.active:
        errors["department"] = _("请选择启用中的责任部门。")
    if not text.strip():
        errors["text"] = _("请写明交办的任务。")
    if workdays is None or not 1 <= workdays <= MAX_WORKDAYS:
        errors["workdays"] = _("期限须为 1 至 %(n)s 个工作日。") % {"n": MAX_WORKDAYS}
    if errors:
        raise ValidationError(errors)
    assert department is not None and workdays is not None
    try:
        due = add_workdays(timezone.localdate(), workdays)
    except UnknownYearError as exc:
        raise ValidationError({"workdays": str(exc)}) from None
    task = CoordinationTask.objects.create(
        coordination=coordination,
        department=department,
        text=text.strip()[:500],
        workdays=workdays,
        due_date=due,
    )
    _event(coordination, actor, EventKind.TASK, _("%(d)s：%(t)s（%(n)s 个工作日，%(due)s 前）") % {
        "d": department.name, "t": task.text, "n": workdays, "due": due.isoformat()})  # fmt: skip
    return task


@transaction.atomic
def coordination_task_done(*, task: CoordinationTask, actor: Person, note: str) -> CoordinationTask:
    """完成任务: by the task's department (its handlers and head) or the leadership."""
    in_department = actor.department_id == task.department_id and actor.roles & DEPARTMENT_STAFF
    if not (in_department or actor.roles & LEADERSHIP or actor.is_superuser):
        raise PermissionDenied(_("只有责任部门或区领导可以完成该任务。"))
    _locked(task.coordination)
    task = CoordinationTask.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        raise ValidationError({"note": _("该任务已完成。")})
    if not note.strip():
        raise ValidationError({"note": _("请写明完成情况。")})
    task.done_at, task.done_by, task.done_note = timezone.now(), actor, note.strip()[:1000]
    task.save(update_fields=["done_at", "done_by", "done_note"])
    _event(
        task.coordination, actor, EventKind.DONE, f"{task.department.name}：{task.text} —— {task.done_note}"
    )
    return task


@transaction.atomic
def coordination_note(*, coordination: Coordination, actor: Person, text: str) -> None:
    """进展: anyone who may see the coordination records how it is going."""
    coordination = _locked(coordination)
    if not text.strip():
        raise ValidationError({"text": _("请填写进展情况。")})
    _event(coordination, actor, EventKind.NOTE, text.strip()[:2000])


def close_missing(coordination: Coordination) -> str | None:
    """Why the coordination cannot be closed yet, or None."""
    if coordination.status == CoordinationStatus.RAISED:
        return _("还没有会议决定，不能办结。")
    tasks = list(coordination.tasks.select_related("department"))
    if not tasks:
        return _("还没有交办任务，不能办结。")
    open_tasks = [f"{t.department.name}：{t.text}" for t in tasks if t.done_at is None]
    if open_tasks:
        return _("还有任务未完成：%(t)s。") % {"t": "；".join(open_tasks)}
    return None


@transaction.atomic
def coordination_close(*, coordination: Coordination, actor: Person, summary: str) -> Coordination:
    """办结: only once every task is done."""
    _lead(actor)
    coordination = _locked(coordination)
    missing = close_missing(coordination)
    if missing:
        raise ValidationError({"__all__": missing})
    if not summary.strip():
        raise ValidationError({"summary": _("请填写办结说明。")})
    coordination.status, coordination.summary = CoordinationStatus.CLOSED, summary.strip()
    coordination.closed_at = timezone.now()
    coordination.version += 1
    coordination.save(update_fields=["status", "summary", "closed_at", "version"])
    _event(coordination, actor, EventKind.CLOSE, coordination.summary)
    return coordination
