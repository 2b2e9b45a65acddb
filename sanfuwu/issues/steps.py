"""What each action does to an issue: the one place where a transition's effect is written.

A step is pure. Given the issue's history as it stands, the actor, the time and the payload, it
returns the change — the new status, the issue's fields, the related rows to add and the values
to set on rows the issue already has — or raises ValidationError at the field concerned. It reads
no clock and writes nothing: History.apply records the change, and the live workflow, the ledger
import and the demo write it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

# Messages a step only needs when it refuses: translated then, not on every step taken.
from django.utils.translation import gettext_lazy as _lazy

from sanfuwu.issues.attachments import attachment_check
from sanfuwu.issues.history import Change, History
from sanfuwu.issues.models import (
    OPEN_STATUSES,
    Action,
    Assignment,
    AssignmentState,
    Attachment,
    ChecklistItem,
    ChecklistTemplateItem,
    Decision,
    ExtensionRequest,
    Instruction,
    Milestone,
    Rating,
    Source,
    Status,
    SupervisionLevel,
    Tier,
)
from sanfuwu.issues.notes import SystemNote, clause, sentence
from sanfuwu.issues.rules import Actor
from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person
from sanfuwu.workdays.calendar import UnknownYearError

MAX_WORKDAYS = {Tier.IMMEDIATE: 5, Tier.DEADLINE: 60}
LIVE = (AssignmentState.PENDING, AssignmentState.ACCEPTED)
# Choices' values as sets, built once: `.values` builds a list on every call, and a ledger of
# 100,000 rows takes several hundred thousand steps.
SOURCES, TIERS, RATINGS, LEVELS = (frozenset(c.values) for c in (Source, Tier, Rating, SupervisionLevel))
DISPATCH_TIERS = frozenset({Tier.IMMEDIATE, Tier.DEADLINE, Tier.LONG_TERM})

Payload = dict[str, Any]
StrOrPromise = str | Promise
Step = Callable[[History, Actor, datetime, Payload], Change]
STEPS: dict[str, Step] = {}


def step(action: str) -> Callable[[Step], Step]:
    def register(fn: Step) -> Step:
        STEPS[action] = fn
        return fn

    return register


def _text(p: Payload, name: str, message: StrOrPromise, *, minimum: int = 2, maximum: int = 5000) -> str:
    value = str(p.get(name) or "").strip()
    if len(value) < minimum:
        raise ValidationError({name: message})
    if len(value) > maximum:
        raise ValidationError({name: _("内容过长，最多 %(n)s 字。") % {"n": maximum}})
    return value


def _optional(p: Payload, name: str) -> str:
    return str(p.get(name) or "").strip()


def _positive_int(p: Payload, name: str, low: int, high: int, message: StrOrPromise) -> int:
    try:
        value = int(p.get(name) or 0)
    except (TypeError, ValueError):
        raise ValidationError({name: message}) from None
    if not low <= value <= high:
        raise ValidationError({name: message})
    return value


def _due(h: History, start: date, workdays: int, field: str) -> date:
    try:
        return h.calendar.add(start, workdays)
    except UnknownYearError as exc:
        raise ValidationError({field: str(exc)}) from None


def _day(at: datetime) -> date:
    return timezone.localtime(at).date()


def _mine(h: History, actor: Actor, state: str) -> list[Assignment]:
    return [a for a in h.assignments if a.department_id == actor.department_id and a.state == state]


def _pending_extension(h: History) -> ExtensionRequest | None:
    return next((e for e in h.extensions if e.decision == Decision.PENDING), None)


@step(Action.REGISTER)
def register(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    """A problem written down. One solved on the spot (已经办) is registered resolved; the rows of
    the category's checklist (`checklist`: its template items) come with it."""
    issue = h.issue
    if issue.source not in SOURCES:
        raise ValidationError({"source": _("请选择问题来源。")})
    tier = p.get("tier")
    if tier not in TIERS:
        raise ValidationError({"tier": _("请选择办理类型。")})
    if not issue.category.active:
        raise ValidationError({"category": _("该事项分类已停用。")})
    target = issue.target
    if target is not None and not (actor.scope.covers(target.region) or actor.scope.covers(target.grid)):
        raise ValidationError({"target": _("该联系对象不在您的管辖范围内。")})
    checklist: list[ChecklistTemplateItem] = p.get("checklist") or []
    items = tuple(
        ChecklistItem(label=t.label, required=t.required, sort_order=t.sort_order) for t in checklist
    )
    if tier != Tier.DONE:
        return Change(Status.REGISTERED, {"tier": tier}, add=items)
    resolution = _text(p, "resolution", _lazy("已经办的问题请填写现场办理结果。"))
    # A ledger may record when the problem was solved on the spot, after it was written down.
    resolved_at = p.get("resolved_at") or at
    if resolved_at < at:
        raise ValidationError({"resolved_at": _("办结时间不能早于登记时间。")})
    fields = {"tier": tier, "resolution": resolution, "resolved_at": resolved_at}
    return Change(Status.RESOLVED, fields, note=resolution, add=items)


@step(Action.DISPATCH)
def dispatch(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    lead = p.get("lead_department")
    if not isinstance(lead, Department) or not lead.active:
        raise ValidationError({"lead_department": _("请选择主办部门。")})
    co = [d for d in p.get("co_departments") or [] if isinstance(d, Department)]
    if any(d.pk == lead.pk for d in co):
        raise ValidationError({"co_departments": _("协办部门不能与主办部门相同。")})
    tier = p.get("tier")
    if tier not in DISPATCH_TIERS:
        raise ValidationError({"tier": _("请选择立刻办、限期办或长效办。")})
    due = None
    if tier in MAX_WORKDAYS and p.get("due_date") is not None:
        # A ledger records the deadline it had, extensions included, rather than a span.
        due = p["due_date"]
        if not isinstance(due, date) or due < _day(at):
            raise ValidationError({"due_date": _("办理期限不能早于交办日期。")})
    elif tier in MAX_WORKDAYS:
        high = MAX_WORKDAYS[tier]
        days = _positive_int(p, "workdays", 1, high, _("办理时限应为 1 至 %(n)s 个工作日。") % {"n": high})
        due = _due(h, _day(at), days, "workdays")
    withdrawn = tuple((a, {"state": AssignmentState.WITHDRAWN}) for a in h.assignments if a.state in LIVE)
    keys = {"dispatched_at": at, "due_date": due, "registered_at": h.issue.registered_at}
    handed = (
        Assignment(department=lead, is_lead=True, **keys),
        *(Assignment(department=d, **keys) for d in co),
    )
    fields = {
        "lead_department": lead,
        "tier": tier,
        "due_date": due,
        "dispatched_at": at,
        "accepted_at": None,
    }
    if h.issue.handler_id is not None:  # a new hand-over starts without the old department's handler
        fields["handler"] = None
    typed = sentence(_optional(p, "note"))
    note = (
        SystemNote("dispatch_co", {"lead": lead.name, "co": "、".join(d.name for d in co), "note": typed})
        if co
        else SystemNote("dispatch", {"lead": lead.name, "note": typed})
    )
    return Change(Status.ASSIGNED, fields, note=note, add=handed, update=withdrawn)


@step(Action.ACCEPT)
def accept(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    signed = tuple(
        (a, {"state": AssignmentState.ACCEPTED, "accepted_at": at})
        for a in _mine(h, actor, AssignmentState.PENDING)
    )
    if actor.department_id == h.issue.lead_department_id and h.issue.status == Status.ASSIGNED:
        return Change(Status.IN_PROGRESS, {"accepted_at": at}, update=signed)
    return Change(h.issue.status, note=SystemNote("accept_co"), update=signed)


@step(Action.RETURN)
def return_issue(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    reason = _text(p, "reason", _lazy("请写明退回理由（至少 5 个字）。"), minimum=5, maximum=500)
    mine = _mine(h, actor, AssignmentState.PENDING)
    returned = tuple(
        (a, {"state": AssignmentState.RETURNED, "returned_at": at, "return_reason": reason}) for a in mine
    )
    # The co-departments' parts end with the lead's: the dispatcher hands the issue over anew.
    withdrawn = tuple(
        (a, {"state": AssignmentState.WITHDRAWN}) for a in h.assignments if a.state in LIVE and a not in mine
    )
    fields: dict[str, Any] = {"lead_department": None}
    if h.issue.handler_id is not None:
        fields["handler"] = None
    return Change(Status.RETURNED, fields, note=reason, update=returned + withdrawn)


@step(Action.REQUEST_EXTENSION)
def request_extension(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    if h.issue.due_date is None:
        raise ValidationError({"workdays": _("该问题没有办理期限，无需延期。")})
    days = _positive_int(p, "workdays", 1, 30, _lazy("延长时限应为 1 至 30 个工作日。"))
    reason = _text(p, "reason", _lazy("请写明延期理由（至少 5 个字）。"), minimum=5, maximum=500)
    if _pending_extension(h) is not None:
        raise ValidationError({"workdays": _("已有一份延期申请在等待审批。")})
    request = ExtensionRequest(requested_by=actor.person, requested_at=at, workdays=days, reason=reason)
    note = SystemNote("extension_request", {"n": days, "reason": reason})
    return Change(h.issue.status, note=note, add=(request,))


@step(Action.APPROVE_EXTENSION)
def approve_extension(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    pending = _pending_extension(h)
    if pending is None:
        raise ValidationError({"decision_note": _("没有待审批的延期申请。")})
    if h.issue.due_date is None:
        raise ValidationError({"decision_note": _("该问题没有办理期限，无需延期。")})
    new_due = _due(h, h.issue.due_date, pending.workdays, "decision_note")
    remark = _optional(p, "decision_note")
    decided = {
        "decision": Decision.APPROVED,
        "decided_by": actor.person,
        "decided_at": at,
        "decision_note": remark,
    }
    fields = {"due_date": new_due, "extension_count": h.issue.extension_count + 1}
    note = SystemNote("extension_approve", {"date": new_due.isoformat(), "note": sentence(remark)})
    return Change(h.issue.status, fields, note=note, update=((pending, decided), *_waiting_due(h, new_due)))


@step(Action.REFUSE_EXTENSION)
def refuse_extension(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    pending = _pending_extension(h)
    if pending is None:
        raise ValidationError({"decision_note": _("没有待审批的延期申请。")})
    note = _text(p, "decision_note", _lazy("请写明不同意延期的理由。"), maximum=500)
    decided = {
        "decision": Decision.REFUSED,
        "decided_by": actor.person,
        "decided_at": at,
        "decision_note": note,
    }
    return Change(h.issue.status, note=note, update=((pending, decided),))


@step(Action.MAKE_LONG_TERM)
def make_long_term(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    plan = _text(p, "plan", _lazy("请填写长效办理计划。"), minimum=5)
    milestones = [(str(t).strip(), d) for t, d in p.get("milestones") or [] if str(t).strip()]
    # A ledger knows the plan an issue was handled under, not the milestones it was broken into.
    if not milestones and not p.get("recorded"):
        raise ValidationError({"milestones": _("请至少列出一个办理节点。")})
    if any(not isinstance(d, date) or d < _day(at) for _t, d in milestones):
        raise ValidationError({"milestones": _("节点的计划完成日期不能早于今天。")})
    planned = tuple(Milestone(title=t, due_date=d) for t, d in milestones)
    # A plan has no deadline to extend: a request still waiting is settled with it.
    settled = tuple(
        (e, {"decision": Decision.REFUSED, "decided_by": actor.person, "decided_at": at,
             "decision_note": _("已转长效办理，按计划节点推进，无需延期。")})
        for e in h.extensions if e.decision == Decision.PENDING
    )  # fmt: skip
    fields = {"long_term_plan": plan, "tier": Tier.LONG_TERM, "due_date": None}
    return Change(Status.LONG_TERM, fields, note=plan, add=planned, update=settled + _waiting_due(h, None))


def _waiting_due(h: History, due: date | None) -> tuple[tuple[Assignment, dict[str, Any]], ...]:
    """A co-department still to sign for the issue sorts its 待签收 by the deadline as it now is."""
    return tuple((a, {"due_date": due}) for a in h.assignments if a.state == AssignmentState.PENDING)


@step(Action.COMPLETE_MILESTONE)
def complete_milestone(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    milestone = _chosen(h.milestones, p, "milestone_id", "milestone")
    if milestone is None:
        raise ValidationError({"milestone_id": _("该办理节点不存在或已完成。")})
    return Change(h.issue.status, note=milestone.title, update=((milestone, {"done_at": at}),))


@step(Action.RESOLVE)
def resolve(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    """The department's result, with the files that show it (`evidence`: uploaded photos and
    documents, checked by their content), kept as the issue's attachments of this step. A live
    resolve requires them at its form; a ledger or the demo has none to give."""
    result = _text(p, "resolution", _lazy("请填写办理结果。"))
    files = list(p.get("evidence") or [])
    rows = []
    for upload in files:
        try:
            content_type = attachment_check(upload)
        except ValidationError as exc:
            raise ValidationError(
                {"evidence": _("%(name)s：%(why)s") % {"name": upload.name, "why": "；".join(exc.messages)}}
            ) from None
        rows.append(
            Attachment(
                file=upload,
                name=PurePath(upload.name or "file").name[:200],
                content_type=content_type,
                size=upload.size or 0,
                uploaded_by=actor.person,
                uploaded_at=at,
                event_seq=h.issue.version + 1,
            )
        )
    note: str | SystemNote = result
    if rows:
        note = SystemNote("resolve_evidence", {"note": result, "names": "、".join(r.name for r in rows)})
    return Change(Status.RESOLVED, {"resolution": result, "resolved_at": at}, note=note, add=tuple(rows))


@step(Action.FEEDBACK)
def feedback(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    text = _text(p, "feedback", _lazy("请填写答复反映人的内容。"))
    return Change(Status.RESOLVED, {"feedback": text}, note=text)


@step(Action.RATE)
def rate(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    issue = h.issue
    rating = p.get("rating")
    if rating not in RATINGS:
        raise ValidationError({"rating": _("请选择回访评价：满意、基本满意或不满意。")})
    missing = rate_missing(h)
    if missing:
        raise ValidationError({"rating": missing})
    typed = _optional(p, "note")
    # A remark followed by more words (，重办。) gives up its own closing mark; one alone keeps it.
    if not clause(typed):
        remark = ""
    elif rating == Rating.UNSATISFIED:
        remark = clause(typed)
    else:
        remark = sentence(typed)
    suffix = "_note" if remark else ""
    args = {"rating": rating, "note": remark} if remark else {"rating": rating}
    if rating != Rating.UNSATISFIED:
        return Change(Status.RESOLVED, {"rating": rating}, note=SystemNote("rate" + suffix, args))
    # 重办: back to the department; a new result, answer and rating are needed to close. A problem
    # solved on the spot (已经办) has no department yet: back to the dispatcher to hand over.
    fields = {"rating": rating, "feedback": "", "resolved_at": None, "reopen_count": issue.reopen_count + 1}
    if issue.lead_department_id is None:
        return Change(Status.REGISTERED, fields, note=SystemNote("rate_redispatch" + suffix, args))
    return Change(Status.IN_PROGRESS, fields, note=SystemNote("rate_reopen" + suffix, args))


def close_missing(h: History) -> str | None:
    """Why the issue cannot be struck off yet, or None when it can."""
    issue = h.issue
    missing = []
    if not issue.resolution:
        missing.append(_("办理结果"))
    if not issue.feedback:
        missing.append(_("答复"))
    if issue.rating not in (Rating.SATISFIED, Rating.BASIC):
        missing.append(_("满意或基本满意的回访评价"))
    open_items = [item.label for item in h.checklist if item.required and item.done_at is None]
    if open_items:
        missing.append(_("清单事项（%(items)s）") % {"items": "、".join(open_items)})
    if not missing:
        return None
    return _("还不能销号，缺少：%(m)s。") % {"m": "；".join(str(m) for m in missing)}


def rate_missing(h: History) -> str | None:
    return None if h.issue.feedback else _("请先答复反映人，再回访。")


# Actions whose rule lets the person try but whose step would refuse whatever they typed: the
# page shows them disabled with this reason, and the step refuses with the same words.
BLOCKERS: dict[str, Callable[[History], str | None]] = {
    Action.CLOSE: close_missing,
    Action.RATE: rate_missing,
}


@step(Action.CLOSE)
def close(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    missing = close_missing(h)
    if missing:
        raise ValidationError({"__all__": missing})
    return Change(Status.CLOSED, {"closed_at": at}, note=_optional(p, "note"))


@step(Action.VOID)
def void(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    reason = _text(p, "reason", _lazy("请写明作废原因。"), maximum=200)
    # Nobody is to sign for a void issue: it leaves the departments' 待签收 lists.
    withdrawn = tuple(
        (a, {"state": AssignmentState.WITHDRAWN}) for a in h.assignments if a.state == AssignmentState.PENDING
    )
    return Change(Status.VOID, {"void_reason": reason}, note=reason, update=withdrawn)


@step(Action.MERGE)
def merge(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    """合并重复: the issue leaves the queue as a duplicate of `original`, which is handled for both.
    Its history stays its own; it counts nowhere as a second problem (it is void, with the
    reference), and its raiser is answered when the original is (sanfuwu.issues.workflow)."""
    from sanfuwu.issues.models import Issue

    original = p.get("original")
    unknown = _("没有找到该编号的问题，或不在您的管辖范围内。")
    if not isinstance(original, Issue) or not actor.scope.covers(original.region):
        raise ValidationError({"original": unknown})
    if original.pk == h.issue.pk:
        raise ValidationError({"original": _("不能并入问题本身。")})
    if original.status == Status.VOID:
        if original.duplicate_of_id:
            raise ValidationError({"original": _("该问题本身已并入其他问题，请并入其原问题。")})
        raise ValidationError({"original": _("该问题已作废，不能并入。")})
    if original.status not in OPEN_STATUSES:
        # Its answer is given already: merged, this raiser would never hear back.
        raise ValidationError({"original": _("该问题已办结，不能并入；请作为新问题交办。")})
    remark = _optional(p, "note")
    note = SystemNote("merge", {"number": original.number, "note": remark})
    reason = _("重复问题，已并入 %(number)s") % {"number": original.number}
    return Change(Status.VOID, {"duplicate_of": original, "void_reason": reason}, note=note)


@step(Action.SUPERVISE)
def supervise(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    level = p.get("level")
    if level not in LEVELS:
        raise ValidationError({"level": _("请选择督办级别：一般或重点。")})
    note: str | SystemNote = _optional(p, "note")
    if actor.is_system and not note:
        note = SystemNote("supervise_auto")
    return Change(h.issue.status, {"supervised": True, "supervision_level": level}, note=note)


@step(Action.INSTRUCT)
def instruct(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    text = _text(p, "text", _lazy("请填写批示内容。"), maximum=2000)
    return Change(h.issue.status, note=text, add=(Instruction(author=actor.person, text=text, at=at),))


@step(Action.CHECK_ITEM)
def check_item(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    item = _chosen(h.checklist, p, "item_id", "item")
    if item is None:
        raise ValidationError({"item_id": _("该清单事项不存在或已完成。")})
    return Change(h.issue.status, note=item.label, update=((item, {"done_by": actor.person, "done_at": at}),))


@step(Action.ASSIGN_HANDLER)
def assign_handler(h: History, actor: Actor, at: datetime, p: Payload) -> Change:
    """分派 / 改派: the head gives the issue to one of the lead department's handlers."""
    handler = p.get("handler")
    if (
        not isinstance(handler, Person)
        or not handler.is_active
        or handler.department_id is None
        or handler.department_id != h.issue.lead_department_id
    ):
        raise ValidationError({"handler": _("请选择本部门在岗的经办人。")})
    if handler.pk == h.issue.handler_id:
        raise ValidationError({"handler": _("该问题已由 %(name)s 经办，无需改派。") % {"name": handler.name}})
    key = "assign" if h.issue.handler_id is None else "reassign"
    remark = _optional(p, "note")
    note = (
        SystemNote(key + "_note", {"name": handler.name, "note": remark})
        if remark
        else SystemNote(key, {"name": handler.name})
    )
    return Change(h.issue.status, {"handler": handler}, note=note)


def _chosen(rows: list[Any], p: Payload, id_name: str, object_name: str) -> Any:
    """The open row the payload names: by id from a form, or the row itself while a history is
    being built in memory and its rows have no ids yet."""
    if object_name in p:
        chosen = p[object_name]
        return next((r for r in rows if r is chosen and r.done_at is None), None)
    try:
        pk = int(p.get(id_name) or 0)
    except (TypeError, ValueError):
        return None
    return next((r for r in rows if r.pk == pk and r.done_at is None), None)
