"""Issues from a historic ledger (问题台账): a row states where an issue ended and when each step
happened; this module writes the history that leads there.

The workflow (workflow.py) is how issues change from now on; a ledger tells of changes that
already happened elsewhere. So nothing here sets a status by hand: each step the ledger implies
(register, dispatch, accept, make long-term, return, supervise, resolve, answer, return visit,
close, void) is recorded as the event the workflow itself would have written, with the ledger's
time and the importing person as its actor, and the issue is the replay of those events
(replay.py), exactly as for an issue handled here. What a ledger does not say (extensions, earlier
returns, instructions) is not invented; what it cannot lack is refused at its column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.issues.history import History, NotAllowed
from sanfuwu.issues.models import (
    DONE_STATUSES,
    HANDLING_STATUSES,
    Action,
    ChecklistTemplateItem,
    Issue,
    Rating,
    Status,
    Tier,
)
from sanfuwu.issues.rules import NEW, Actor
from sanfuwu.orgs.models import Category, Department, Region
from sanfuwu.people.models import Person, Role
from sanfuwu.people.service_accounts import is_public_channel
from sanfuwu.targets.models import Target

NOTE = "据历史台账补录"
UNRECORDED = "（台账未记录）"
CLOCK_SLACK = timedelta(minutes=5)
# A row in these statuses was signed for by its department, and one in these was handed over.
ACCEPTED = HANDLING_STATUSES | DONE_STATUSES
DISPATCHED = ACCEPTED | {Status.ASSIGNED, Status.RETURNED}
REOPENABLE = frozenset({Status.IN_PROGRESS, Status.LONG_TERM, Status.RESOLVED, Status.VOID})
# A problem solved on the spot and rated 不满意 goes back to the dispatcher to be handed over.
REOPENABLE_DONE = frozenset({Status.REGISTERED, Status.VOID})


@dataclass
class LedgerEntry:
    number: str
    title: str
    description: str
    source: str
    category: Category
    region: Region
    tier: str
    status: str
    registered_at: datetime
    target: Target | None = None
    raiser_name: str = ""
    raiser_phone: str = ""
    visit: Any = None
    registrar: Person | None = None
    lead: Department | None = None
    co: list[Department] = field(default_factory=list)
    dispatched_at: datetime | None = None
    due_date: date | None = None
    accepted_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: str = ""
    long_term_plan: str = ""
    feedback: str = ""
    rating: str = ""
    rated_at: datetime | None = None
    closed_at: datetime | None = None
    supervision_level: str = ""
    return_reason: str = ""
    void_reason: str = ""

    @property
    def reopened(self) -> bool:
        """The last return visit was 不满意 and sent the issue back to the department (重办); it may
        have been resolved again since, awaiting a new answer and return visit."""
        return self.rating == Rating.UNSATISFIED

    @property
    def dispatched(self) -> bool:
        return self.status in DISPATCHED or (self.status == Status.VOID and self.dispatched_at is not None)

    @property
    def accepted(self) -> bool:
        if self.tier == Tier.DONE or not self.dispatched:
            return False
        return self.status in ACCEPTED or (self.status == Status.VOID and self.accepted_at is not None)

    @property
    def finished(self) -> bool:
        """Resolved, and not sent back since (or resolved again after it was)."""
        if self.status == Status.VOID:
            return self.resolved_at is not None or self.tier == Tier.DONE
        return self.status in DONE_STATUSES


TIME_LABELS = {
    "registered_at": "登记时间", "dispatched_at": "交办时间", "accepted_at": "签收时间",
    "resolved_at": "办结时间", "rated_at": "回访时间", "closed_at": "销号时间",
}  # fmt: skip


def ledger_problems(entry: LedgerEntry, *, now: datetime | None = None) -> dict[str, str]:
    """What contradicts the entry's own status, field by field; empty when it can be recorded."""
    now = (now or timezone.now()) + CLOCK_SLACK
    problems: dict[str, str] = {}
    label = str(Status(entry.status).label)

    def need(name: str, present: object, message: str) -> None:
        if not present:
            problems.setdefault(name, message)

    def refuse(name: str, present: object, message: str) -> None:
        if present:
            problems.setdefault(name, message)

    if entry.tier == Tier.DONE:
        if entry.status not in DONE_STATUSES | {Status.VOID} and not (
            entry.reopened and entry.status in REOPENABLE_DONE
        ):
            problems["status"] = _("已经办的问题现场已解决，状态应为已办结、已销号或已作废。")
        refuse("lead", entry.lead, _("已经办的问题现场已解决，不填主办部门。"))
        refuse("dispatched_at", entry.dispatched_at, _("已经办的问题没有交办，不填交办时间。"))
        refuse("supervision_level", entry.supervision_level, _("已经办的问题现场已解决，不能督办。"))
    elif entry.dispatched:
        need("lead", entry.lead, _("状态为“%(s)s”的问题请填写主办部门。") % {"s": label})
        need("dispatched_at", entry.dispatched_at, _("状态为“%(s)s”的问题请填写交办时间。") % {"s": label})
        if entry.tier in (Tier.IMMEDIATE, Tier.DEADLINE):
            need("due_date", entry.due_date, _("立刻办、限期办的问题交办后请填写办理期限。"))
    else:
        refuse("lead", entry.lead, _("状态为“%(s)s”的问题尚未交办，不填主办部门。") % {"s": label})
        refuse("dispatched_at", entry.dispatched_at, _("尚未交办的问题不填交办时间。"))
    if not entry.dispatched or entry.tier == Tier.DONE:
        refuse("co", entry.co, _("尚未交办的问题不填协办部门。"))
        refuse("due_date", entry.due_date, _("尚未交办的问题不填办理期限。"))
    if entry.lead is not None and entry.lead in entry.co:
        problems.setdefault("co", _("协办部门不能与主办部门相同。"))
    if not entry.accepted:
        refuse(
            "accepted_at", entry.accepted_at, _("状态为“%(s)s”的问题尚未签收，不填签收时间。") % {"s": label}
        )
    if entry.tier == Tier.LONG_TERM:
        refuse("due_date", entry.due_date, _("长效办的问题以计划代替期限，不填办理期限。"))
    if entry.long_term_plan:
        if entry.tier != Tier.LONG_TERM:
            problems.setdefault("tier", _("填写了长效办理计划的问题，办理类型应为长效办。"))
        if not entry.accepted:
            problems.setdefault("long_term_plan", _("签收后才能转长效办理，尚未签收的问题不填长效办理计划。"))
    if entry.status == Status.LONG_TERM:
        need("long_term_plan", entry.long_term_plan, _("长效办理的问题请填写长效办理计划。"))
    if entry.status == Status.RETURNED:
        need("return_reason", entry.return_reason, _("已退回的问题请填写退回原因。"))
    else:
        refuse("return_reason", entry.return_reason, _("只有已退回的问题填写退回原因。"))
    if entry.tier != Tier.DONE and (entry.finished or entry.reopened) and not entry.accepted:
        # A department resolves what it has signed for; a voided row must say it got that far.
        if not entry.dispatched:
            problems.setdefault("dispatched_at", _("办结前须先交办：请填写主办部门和交办时间。"))
        else:
            problems.setdefault("accepted_at", _("办结前须先签收：请填写签收时间。"))
    if entry.finished or entry.tier == Tier.DONE:
        need("resolution", entry.resolution, _("已办结的问题请填写办理结果。"))
        if entry.tier != Tier.DONE:
            need("resolved_at", entry.resolved_at, _("已办结的问题请填写办结时间。"))
    else:
        refuse(
            "resolved_at", entry.resolved_at, _("状态为“%(s)s”的问题尚未办结，不填办结时间。") % {"s": label}
        )
    if entry.status == Status.CLOSED:
        need("feedback", entry.feedback, _("销号前须答复反映人，请填写答复内容。"))
        need("closed_at", entry.closed_at, _("已销号的问题请填写销号时间。"))
        if entry.rating not in (Rating.SATISFIED, Rating.BASIC):
            problems.setdefault("rating", _("销号前回访评价须为满意或基本满意。"))
    else:
        refuse("closed_at", entry.closed_at, _("只有已销号的问题填写销号时间。"))
    if entry.reopened:
        if entry.tier == Tier.DONE and entry.status not in REOPENABLE_DONE:
            problems.setdefault("rating", _("已经办的问题回访不满意后退回重新交办，状态应为已登记或已作废。"))
        elif entry.tier != Tier.DONE and entry.status not in REOPENABLE:
            problems.setdefault(
                "rating", _("回访不满意的问题会退回重办，状态应为办理中、长效办理、已办结或已作废。")
            )
        need("rated_at", entry.rated_at, _("回访不满意（重办）的问题请填写回访时间。"))
        if not entry.finished:
            refuse("feedback", entry.feedback, _("重办尚未办结，不填答复内容。"))
    elif entry.rating:
        if not (entry.finished or entry.tier == Tier.DONE):
            problems.setdefault("rating", _("尚未办结的问题不能有回访评价。"))
        need("feedback", entry.feedback, _("回访前须答复反映人，请填写答复内容。"))
    else:
        refuse("rated_at", entry.rated_at, _("没有回访评价，不填回访时间。"))
    if entry.feedback and not (entry.finished or entry.tier == Tier.DONE):
        problems.setdefault("feedback", _("办结后才答复反映人，尚未办结的问题不填答复内容。"))
    if entry.status == Status.VOID:
        need("void_reason", entry.void_reason, _("已作废的问题请填写作废原因。"))
    else:
        refuse("void_reason", entry.void_reason, _("只有已作废的问题填写作废原因。"))
    # A reopened issue was rated before it was resolved again.
    later = [("rated_at", entry.rated_at), ("resolved_at", entry.resolved_at)] if entry.reopened else [
        ("resolved_at", entry.resolved_at), ("rated_at", entry.rated_at)
    ]  # fmt: skip
    moments = [
        ("registered_at", entry.registered_at), ("dispatched_at", entry.dispatched_at),
        ("accepted_at", entry.accepted_at), *later, ("closed_at", entry.closed_at),
    ]  # fmt: skip
    previous: tuple[str, datetime] | None = None
    for name, moment in moments:
        if moment is None:
            continue
        if moment > now:
            problems.setdefault(name, _("时间不能晚于现在。"))
        elif previous is not None and moment < previous[1]:
            problems.setdefault(
                name, _("时间早于%(before)s，请检查先后顺序。") % {"before": TIME_LABELS[previous[0]]}
            )
        previous = (name, moment)
    if (
        entry.due_date
        and entry.dispatched_at
        and entry.due_date < timezone.localtime(entry.dispatched_at).date()
    ):
        problems.setdefault("due_date", _("办理期限不能早于交办日期。"))
    return problems


class LedgerRefused(Exception):
    """The history a ledger row implies breaks a rule of the workflow: `name` is the entry's field
    (and so the ledger's column) where the step that broke it is written."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


# Where each step is written in a row: a refusal of the step is placed there, or at the field the
# step's own message names.
STEP_FIELD: dict[str, str] = {
    Action.REGISTER: "registrar", Action.DISPATCH: "dispatched_at", Action.ACCEPT: "accepted_at",
    Action.RETURN: "return_reason", Action.MAKE_LONG_TERM: "long_term_plan",
    Action.SUPERVISE: "supervision_level", Action.RESOLVE: "resolved_at", Action.FEEDBACK: "feedback",
    Action.RATE: "rating", Action.CHECK_ITEM: "closed_at", Action.CLOSE: "closed_at", Action.VOID: "void_reason",
}  # fmt: skip
PAYLOAD_FIELD = {
    "lead_department": "lead", "co_departments": "co", "due_date": "due_date", "workdays": "due_date",
    "reason": None, "plan": "long_term_plan", "level": "supervision_level", "resolution": "resolution",
    "feedback": "feedback", "rating": "rating", "source": "source", "tier": "tier", "category": "category",
    "target": "target", "region": "region", "resolved_at": "resolved_at", "milestones": "long_term_plan",
}  # fmt: skip


class LedgerActors:
    """Who a ledger's steps are checked as. The importer records them, and is the actor of every
    event but the registration; each step is checked as taken by the unit the row names (the lead
    department signs for and resolves, a dispatcher hands over and answers), within the
    importer's own territory. The registrar, when the row names one, registers as themselves."""

    def __init__(self, importer: Actor) -> None:
        self.importer = importer
        self.dispatcher = importer.standing_in(role=Role.DISPATCHER)
        self.supervisor = importer.standing_in(role=Role.SUPERVISOR)
        self.administrator = importer.standing_in(role=Role.ADMIN)
        self._departments: dict[int | None, Actor] = {}
        self._registrars: dict[int, Actor] = {}

    def department(self, department: Department | None) -> Actor:
        key = department.pk if department else None
        if key not in self._departments:
            self._departments[key] = self.importer.standing_in(role=Role.HANDLER, department_id=key)
        return self._departments[key]

    def registrar(self, person: Person | None) -> Actor:
        if person is None or person == self.importer.person:
            return self.importer
        if person.pk not in self._registrars:
            # An issue a resident raised online was registered by the public channel (网上诉求).
            self._registrars[person.pk] = (
                Actor.public(person) if is_public_channel(person) else Actor.of(person)
            )
        return self._registrars[person.pk]


class _Ledger:
    """One row's history being built: each step at its time, never before the one before it."""

    def __init__(self, h: History) -> None:
        self.h = h

    @property
    def last(self) -> datetime:
        assert self.h.last_at is not None
        return self.h.last_at

    def apply(self, action: str, actor: Actor, at: datetime | None, **payload: Any) -> datetime:
        when = max(at, self.last) if at is not None and self.h.events else (at or self.last)
        try:
            self.h.apply(action, actor, when, payload, remark=NOTE)
        except NotAllowed as exc:
            raise LedgerRefused(
                STEP_FIELD[action], _("按办理流程不能发生：%(m)s") % {"m": exc.refusal.message}
            ) from None
        except ValidationError as exc:
            name, messages = next(iter(exc.message_dict.items()))
            field_name = PAYLOAD_FIELD.get(name) or STEP_FIELD[action]
            raise LedgerRefused(
                field_name, _("按办理流程不能发生：%(m)s") % {"m": "；".join(messages)}
            ) from None
        return when


def _supervision_moment(entry: LedgerEntry, open_from: datetime, open_until: datetime) -> datetime:
    """When a late issue went on the board: the morning after its deadline if it was still open
    then, as the hourly job would have done; otherwise as soon as the ledger has it open."""
    if entry.due_date is not None:
        morning = timezone.make_aware(
            datetime.combine(entry.due_date + timedelta(days=1), time(9)), timezone.get_current_timezone()
        ).astimezone(UTC)
        if open_from <= morning <= open_until:
            return morning
    return open_from


def ledger_history(
    entry: LedgerEntry,
    *,
    actors: LedgerActors,
    checklist: list[ChecklistTemplateItem],
    now: datetime | None = None,
) -> History:
    """The issue and the events, assignments and checklist rows that the ledger's row implies,
    every step applied through the workflow's rules and steps. Call only on an entry without
    ledger_problems; raises LedgerRefused when the history breaks a rule nonetheless."""
    importer = actors.importer.person
    assert importer is not None
    issue = Issue(
        number=entry.number, title=entry.title, description=entry.description, source=entry.source,
        category=entry.category, region=entry.region, tier=entry.tier, target=entry.target,
        raiser_name=entry.raiser_name, raiser_phone=entry.raiser_phone, visit=entry.visit,
        registered_at=entry.registered_at, registered_by=entry.registrar or importer, status=NEW,
    )  # fmt: skip
    h = History(issue)
    book = _Ledger(h)
    dispatcher = actors.dispatcher
    lead = actors.department(entry.lead)
    registering: dict[str, Any] = {"tier": entry.tier, "checklist": checklist}
    if entry.tier == Tier.DONE:
        registering.update(resolution=entry.resolution, resolved_at=entry.resolved_at or entry.registered_at)
    book.apply(Action.REGISTER, actors.registrar(entry.registrar), entry.registered_at, **registering)
    if entry.dispatched and entry.lead is not None and entry.dispatched_at is not None:
        due = entry.due_date if entry.tier in (Tier.IMMEDIATE, Tier.DEADLINE) else None
        book.apply(Action.DISPATCH, dispatcher, entry.dispatched_at, lead_department=entry.lead,
                   co_departments=entry.co, tier=entry.tier, due_date=due, note=NOTE)  # fmt: skip
    if entry.accepted:
        at = book.apply(Action.ACCEPT, lead, entry.accepted_at)
        for co in entry.co:
            book.apply(Action.ACCEPT, actors.department(co), at)
        if entry.long_term_plan and not (entry.reopened and entry.status == Status.LONG_TERM):
            book.apply(Action.MAKE_LONG_TERM, lead, at, plan=entry.long_term_plan, recorded=True)
    if entry.status == Status.RETURNED:
        book.apply(Action.RETURN, lead, None, reason=entry.return_reason)
    if entry.supervision_level:
        until = (
            (entry.rated_at if entry.reopened else entry.resolved_at)
            or entry.closed_at
            or now
            or timezone.now()
        )
        if entry.tier == Tier.DONE:
            until = book.last
        book.apply(Action.SUPERVISE, actors.supervisor, _supervision_moment(entry, book.last, until),
                   level=entry.supervision_level, note=NOTE)  # fmt: skip
    if entry.reopened and entry.rated_at is not None:
        # The answer that was turned down: resolved, answered and rated 不满意 at the return visit.
        if entry.tier != Tier.DONE:
            first = UNRECORDED if entry.finished else entry.resolution or UNRECORDED
            book.apply(Action.RESOLVE, lead, entry.rated_at, resolution=first)
        book.apply(Action.FEEDBACK, dispatcher, entry.rated_at, feedback=UNRECORDED)
        book.apply(Action.RATE, dispatcher, None, rating=entry.rating)
        if entry.long_term_plan and entry.status == Status.LONG_TERM:
            book.apply(Action.MAKE_LONG_TERM, lead, None, plan=entry.long_term_plan, recorded=True)
    if entry.finished and entry.tier != Tier.DONE and entry.resolved_at is not None:
        book.apply(Action.RESOLVE, lead, entry.resolved_at, resolution=entry.resolution)
    if entry.status == Status.CLOSED:
        for item in list(h.checklist):
            book.apply(Action.CHECK_ITEM, dispatcher, None, item=item)
    if issue.status == Status.RESOLVED and (entry.feedback or (entry.rating and not entry.reopened)):
        book.apply(Action.FEEDBACK, dispatcher, None, feedback=entry.feedback or UNRECORDED)
    if entry.rating and not entry.reopened and issue.status == Status.RESOLVED:
        book.apply(Action.RATE, dispatcher, entry.rated_at or entry.closed_at, rating=entry.rating)
    if entry.status == Status.CLOSED and entry.closed_at is not None:
        book.apply(Action.CLOSE, dispatcher, entry.closed_at, note=NOTE)
    if entry.status == Status.VOID:
        book.apply(Action.VOID, actors.administrator, None, reason=entry.void_reason)
    return h
