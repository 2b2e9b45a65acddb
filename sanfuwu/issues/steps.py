"""What each action does. A step only reads and decides; it raises ValidationError at the field
concerned before anything is written, and leaves its writes to related rows in `after`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.issues.models import (
    Assignment,
    AssignmentState,
    ChecklistItem,
    Decision,
    ExtensionRequest,
    Instruction,
    Issue,
    Milestone,
    Rating,
    Status,
    SupervisionLevel,
    Tier,
)
from sanfuwu.issues.workflow import Action, Step, step
from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person
from sanfuwu.workdays.calendar import UnknownYearError, add_workdays

MAX_WORKDAYS = {Tier.IMMEDIATE: 5, Tier.DEADLINE: 60}


def _text(payload: dict[str, Any], name: str, message: str, *, minimum: int = 2, maximum: int = 5000) -> str:
    value = str(payload.get(name) or "").strip()
    if len(value) < minimum:
        raise ValidationError({name: message})
    if len(value) > maximum:
        raise ValidationError({name: _("内容过长，最多 %(n)s 字。") % {"n": maximum}})
    return value


def _positive_int(payload: dict[str, Any], name: str, low: int, high: int, message: str) -> int:
    try:
        value = int(payload.get(name) or 0)
    except (TypeError, ValueError):
        raise ValidationError({name: message}) from None
    if not low <= value <= high:
        raise ValidationError({name: message})
    return value


def _due(start: date, workdays: int, field: str) -> date:
    try:
        return add_workdays(start, workdays)
    except UnknownYearError as exc:
        raise ValidationError({field: str(exc)}) from None


@step(Action.DISPATCH)
def dispatch(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    lead = p.get("lead_department")
    if not isinstance(lead, Department) or not lead.active:
        raise ValidationError({"lead_department": _("请选择主办部门。")})
    co = [d for d in p.get("co_departments") or [] if isinstance(d, Department)]
    if any(d.pk == lead.pk for d in co):
        raise ValidationError({"co_departments": _("协办部门不能与主办部门相同。")})
    tier = p.get("tier")
    if tier not in (Tier.IMMEDIATE, Tier.DEADLINE, Tier.LONG_TERM):
        raise ValidationError({"tier": _("请选择立刻办、限期办或长效办。")})
    now = timezone.now()
    due = None
    if tier in MAX_WORKDAYS:
        high = MAX_WORKDAYS[tier]
        days = _positive_int(p, "workdays", 1, high, _("办理时限应为 1 至 %(n)s 个工作日。") % {"n": high})
        due = _due(timezone.localdate(now), days, "workdays")
    note = str(p.get("note") or "").strip()

    def assign(fresh: Issue, seq: int) -> None:
        fresh.assignments.filter(state__in=[AssignmentState.PENDING, AssignmentState.ACCEPTED]).update(
            state=AssignmentState.WITHDRAWN
        )
        Assignment.objects.bulk_create(
            [Assignment(issue=fresh, department=lead, is_lead=True, dispatched_at=now)]
            + [Assignment(issue=fresh, department=d, dispatched_at=now) for d in co]
        )

    changes = {
        "lead_department": lead,
        "tier": tier,
        "due_date": due,
        "dispatched_at": now,
        "accepted_at": None,
    }
    names = "、".join(d.name for d in co)
    summary = _("主办：%(lead)s") % {"lead": lead.name} + (_("；协办：%(co)s") % {"co": names} if co else "")
    return Step(Status.ASSIGNED, changes, note=f"{summary}。{note}".strip(), after=[assign])


@step(Action.ACCEPT)
def accept(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    now = timezone.now()
    is_lead = actor.department_id == issue.lead_department_id

    def mark(fresh: Issue, seq: int) -> None:
        fresh.assignments.filter(
            department_id=actor.department_id or 0, state=AssignmentState.PENDING
        ).update(state=AssignmentState.ACCEPTED, accepted_at=now)

    if is_lead and issue.status == Status.ASSIGNED:
        return Step(Status.IN_PROGRESS, {"accepted_at": now}, after=[mark])
    return Step(issue.status, {}, note=_("协办部门签收"), after=[mark])


@step(Action.RETURN)
def return_issue(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    reason = _text(p, "reason", _("请写明退回理由（至少 5 个字）。"), minimum=5, maximum=500)
    now = timezone.now()

    def mark(fresh: Issue, seq: int) -> None:
        fresh.assignments.filter(
            department_id=actor.department_id or 0, state=AssignmentState.PENDING
        ).update(state=AssignmentState.RETURNED, returned_at=now, return_reason=reason)
        fresh.assignments.filter(state__in=[AssignmentState.PENDING, AssignmentState.ACCEPTED]).update(
            state=AssignmentState.WITHDRAWN
        )

    return Step(Status.RETURNED, {"lead_department": None}, note=reason, after=[mark])


@step(Action.REQUEST_EXTENSION)
def request_extension(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    if issue.due_date is None:
        raise ValidationError({"workdays": _("该问题没有办理期限，无需延期。")})
    days = _positive_int(p, "workdays", 1, 30, _("延长时限应为 1 至 30 个工作日。"))
    reason = _text(p, "reason", _("请写明延期理由（至少 5 个字）。"), minimum=5, maximum=500)
    if issue.extensions.filter(decision=Decision.PENDING).exists():
        raise ValidationError({"workdays": _("已有一份延期申请在等待审批。")})

    def create(fresh: Issue, seq: int) -> None:
        ExtensionRequest.objects.create(issue=fresh, requested_by=actor, workdays=days, reason=reason)

    return Step(
        issue.status, {}, note=_("申请延长 %(n)s 个工作日：%(r)s") % {"n": days, "r": reason}, after=[create]
    )


def _pending_extension(issue: Issue) -> ExtensionRequest:
    pending = issue.extensions.filter(decision=Decision.PENDING).first()
    if pending is None:
        raise ValidationError({"decision_note": _("没有待审批的延期申请。")})
    return pending


@step(Action.APPROVE_EXTENSION)
def approve_extension(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    pending = _pending_extension(issue)
    if issue.due_date is None:
        raise ValidationError({"decision_note": _("该问题没有办理期限，无需延期。")})
    new_due = _due(issue.due_date, pending.workdays, "decision_note")
    note = str(p.get("decision_note") or "").strip()

    def decide(fresh: Issue, seq: int) -> None:
        ExtensionRequest.objects.filter(pk=pending.pk).update(
            decision=Decision.APPROVED, decided_by=actor, decided_at=timezone.now(), decision_note=note
        )

    changes = {"due_date": new_due, "extension_count": issue.extension_count + 1}
    text = _("同意延期至 %(d)s") % {"d": new_due.isoformat()}
    return Step(issue.status, changes, note=f"{text}。{note}".strip("。") + "。", after=[decide])


@step(Action.REFUSE_EXTENSION)
def refuse_extension(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    pending = _pending_extension(issue)
    note = _text(p, "decision_note", _("请写明不同意延期的理由。"), maximum=500)

    def decide(fresh: Issue, seq: int) -> None:
        ExtensionRequest.objects.filter(pk=pending.pk).update(
            decision=Decision.REFUSED, decided_by=actor, decided_at=timezone.now(), decision_note=note
        )

    return Step(issue.status, {}, note=note, after=[decide])


@step(Action.MAKE_LONG_TERM)
def make_long_term(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    plan = _text(p, "plan", _("请填写长效办理计划。"), minimum=5)
    milestones = [(str(t).strip(), d) for t, d in p.get("milestones") or [] if str(t).strip()]
    if not milestones:
        raise ValidationError({"milestones": _("请至少列出一个办理节点。")})
    today = timezone.localdate()
    if any(not isinstance(d, date) or d < today for _t, d in milestones):
        raise ValidationError({"milestones": _("节点的计划完成日期不能早于今天。")})

    def create(fresh: Issue, seq: int) -> None:
        Milestone.objects.bulk_create([Milestone(issue=fresh, title=t, due_date=d) for t, d in milestones])
        # A plan has no deadline to extend: a request still waiting is settled with it.
        fresh.extensions.filter(decision=Decision.PENDING).update(
            decision=Decision.REFUSED, decided_by=actor, decided_at=timezone.now(),
            decision_note=_("已转长效办理，按计划节点推进，无需延期。"),
        )  # fmt: skip

    changes = {"long_term_plan": plan, "tier": Tier.LONG_TERM, "due_date": None}
    return Step(Status.LONG_TERM, changes, note=plan, after=[create])


@step(Action.RESOLVE)
def resolve(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    result = _text(p, "resolution", _("请填写办理结果。"))
    return Step(Status.RESOLVED, {"resolution": result, "resolved_at": timezone.now()}, note=result)


@step(Action.FEEDBACK)
def feedback(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    text = _text(p, "feedback", _("请填写答复反映人的内容。"))
    return Step(Status.RESOLVED, {"feedback": text}, note=text)


@step(Action.RATE)
def rate(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    rating = p.get("rating")
    if rating not in Rating.values:
        raise ValidationError({"rating": _("请选择回访评价：满意、基本满意或不满意。")})
    if not issue.feedback:
        raise ValidationError({"rating": _("请先答复反映人，再回访。")})
    extra = str(p.get("note") or "").strip()
    note = str(Rating(rating).label) + (f"：{extra}" if extra else "")
    if rating == Rating.UNSATISFIED:
        # 重办: back to the department; a new result, answer and rating are needed to close. A
        # problem solved on the spot (已经办) has no department yet: back to the dispatcher to hand over.
        changes = {
            "rating": rating,
            "feedback": "",
            "resolved_at": None,
            "reopen_count": issue.reopen_count + 1,
        }
        if issue.lead_department_id is None:
            return Step(Status.REGISTERED, changes, note=note + _("，退回重新交办。"))
        return Step(Status.IN_PROGRESS, changes, note=note + _("，重办。"))
    return Step(Status.RESOLVED, {"rating": rating}, note=note)


@step(Action.CLOSE)
def close(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    missing = []
    if not issue.resolution:
        missing.append(_("办理结果"))
    if not issue.feedback:
        missing.append(_("答复"))
    if issue.rating not in (Rating.SATISFIED, Rating.BASIC):
        missing.append(_("满意或基本满意的回访评价"))
    open_items = list(
        issue.checklist.filter(required=True, done_at__isnull=True).values_list("label", flat=True)
    )
    if open_items:
        missing.append(_("清单事项（%(items)s）") % {"items": "、".join(open_items)})
    if missing:
        raise ValidationError(
            {"__all__": _("还不能销号，缺少：%(m)s。") % {"m": "；".join(str(m) for m in missing)}}
        )
    return Step(Status.CLOSED, {"closed_at": timezone.now()}, note=str(p.get("note") or "").strip())


@step(Action.VOID)
def void(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    reason = _text(p, "reason", _("请写明作废原因。"), maximum=200)
    return Step(Status.VOID, {"void_reason": reason}, note=reason)


@step(Action.SUPERVISE)
def supervise(issue: Issue, actor: Person | None, p: dict[str, Any]) -> Step:
    level = p.get("level")
    if level not in SupervisionLevel.values:
        raise ValidationError({"level": _("请选择督办级别：一般或重点。")})
    note = str(p.get("note") or "").strip()
    if actor is None:
        note = note or _("超期未办结，系统自动挂牌督办。")
    return Step(issue.status, {"supervised": True, "supervision_level": level}, note=note)


@step(Action.INSTRUCT)
def instruct(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    text = _text(p, "text", _("请填写批示内容。"), maximum=2000)

    def create(fresh: Issue, seq: int) -> None:
        Instruction.objects.create(issue=fresh, author=actor, text=text)

    return Step(issue.status, {}, note=text, after=[create])


@step(Action.CHECK_ITEM)
def check_item(issue: Issue, actor: Person, p: dict[str, Any]) -> Step:
    try:
        item_id = int(p.get("item_id") or 0)
    except (TypeError, ValueError):
        item_id = 0
    item = issue.checklist.filter(pk=item_id, done_at__isnull=True).first()
    if item is None:
        raise ValidationError({"item_id": _("该清单事项不存在或已完成。")})

    def mark(fresh: Issue, seq: int) -> None:
        ChecklistItem.objects.filter(pk=item.pk).update(done_by=actor, done_at=timezone.now())

    return Step(issue.status, {}, note=item.label, after=[mark])
