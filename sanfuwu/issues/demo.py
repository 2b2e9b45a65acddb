"""Six months of issues with histories a real district would have.

Each issue is played through the life cycle in simulated time — registered, dispatched,
accepted, sometimes returned, extended, supervised, made long-term, reopened — and written
in bulk. Every event carries exactly the changes the workflow itself would write, so that
replaying the history gives the issue's state (tests/issues/test_demo_issues.py checks it).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from sanfuwu.core.demo_names import mobile, person_name
from sanfuwu.core.demokit import DemoContext
from sanfuwu.issues.demo_texts import (
    EXTENSION_REASONS,
    INSTRUCTIONS,
    ISSUE_TEXTS,
    LONG_TERM_PLANS,
    RESOLUTIONS,
    RETURN_REASONS,
    RETURN_VISIT_NOTES,
    SUPERVISION_NOTES,
    UNSATISFIED_NOTES,
    fill,
)
from sanfuwu.issues.models import (
    Assignment,
    AssignmentState,
    ChecklistItem,
    ChecklistTemplateItem,
    Decision,
    ExtensionRequest,
    Instruction,
    Issue,
    IssueCounter,
    IssueEvent,
    Milestone,
    Rating,
    ResponseTemplate,
    Source,
    Status,
    Tier,
)
from sanfuwu.issues.responses import CATEGORY_FEEDBACK, DEFAULT_FEEDBACK
from sanfuwu.orgs.models import Category, Department, Region, RegionKind
from sanfuwu.people.models import Person, Role
from sanfuwu.targets.demo import ROADS
from sanfuwu.targets.models import Target, TargetKind
from sanfuwu.workdays.calendar import UnknownYearError, WorkCalendar

ISSUES = 5400
DAYS = 182
FIVE_ONES = ["走访", "评估", "回访", "建议", "宣传"]  # 五个一
FIVE_ONES_CATEGORIES = ["project", "land"]
SOURCES = {Source.VISIT: 45, Source.HOTLINE: 22, Source.PORTAL: 15, Source.MEETING: 10, Source.OTHER: 8}
TIERS = {Tier.DONE: 20, Tier.IMMEDIATE: 25, Tier.DEADLINE: 45, Tier.LONG_TERM: 10}


def iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


@dataclass
class Sim:
    """One issue being played through its life in simulated time."""

    issue: Issue
    now: datetime
    version: int = 0
    events: list[IssueEvent] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    extensions: list[ExtensionRequest] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    instructions: list[Instruction] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)

    def record(
        self,
        at: datetime,
        action: str,
        actor: Person | None,
        to: str,
        changes: dict[str, Any],
        note: str = "",
    ) -> datetime | None:
        """Apply one step if it happened before now and say when; None once the story reaches the present."""
        if self.events and at <= self.events[-1].at:
            # Events are in time order: a step planned too early happens just after the last one.
            moved = self.events[-1].at + timedelta(minutes=1)
            changes = {k: (moved if v == at else v) for k, v in changes.items()}
            at = moved
        if at > self.now:
            return None
        self.version += 1
        self.events.append(
            IssueEvent(seq=self.version, action=action, actor=actor, at=at, from_status=self.issue.status if self.version > 1 else "",
                       to_status=to, note=note, changes={k: iso(v.pk if hasattr(v, "pk") else v) for k, v in changes.items()})
        )  # fmt: skip
        for key, value in changes.items():
            setattr(self.issue, key, value)
        self.issue.status = to
        self.issue.version = self.version
        return at


class Calendar:
    def __init__(self, start: date, end: date, horizon: datetime):
        self.work = WorkCalendar(start, end)
        self.horizon = horizon  # beyond it nothing is recorded, so no calendar is needed

    def is_workday(self, day: date) -> bool:
        return self.work.is_workday(day)

    def add(self, day: date, n: int) -> date:
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            counted += self.is_workday(day)
        return day

    def fitting_deadline(self, day: date, n: int) -> date | None:
        """The due date, or a nearer one when a year's schedule is not yet entered: a demo never guesses."""
        for days in range(n, 0, -1):
            try:
                return self.add(day, days)
            except UnknownYearError:
                continue
        return None

    def next_work_moment(self, rng: random.Random, after: datetime, within_hours: float) -> datetime:
        moment = after + timedelta(hours=rng.uniform(0.2, within_hours))
        if moment > self.horizon + timedelta(days=1):
            return moment.replace(microsecond=0)
        local = timezone.localtime(moment)
        while not self.is_workday(local.date()) or not time(8, 30) <= local.time() <= time(18, 0):
            if local.time() > time(18, 0) or not self.is_workday(local.date()):
                local = datetime.combine(
                    local.date() + timedelta(days=1), time(8, 30), local.tzinfo
                ) + timedelta(minutes=rng.randint(0, 90))
            else:
                local = datetime.combine(local.date(), time(8, 30), local.tzinfo) + timedelta(
                    minutes=rng.randint(0, 90)
                )
        return local.astimezone(ZoneInfo("UTC")).replace(microsecond=0)


def build(ctx: DemoContext) -> None:
    if Issue.objects.exists():
        ctx.say(f"  问题：已有 {Issue.objects.count()} 件，跳过")
        return
    rng = ctx.rng("issues")
    tz = ZoneInfo(settings.TIME_ZONE)
    end_local = datetime.combine(ctx.today, time(17, 30), tz)
    # The end of today's working day, or now if that is earlier: a demo has no future histories.
    now = min(end_local.astimezone(ZoneInfo("UTC")), timezone.now().replace(microsecond=0))
    start_day = ctx.today - timedelta(days=DAYS)
    calendar = Calendar(start_day - timedelta(days=5), ctx.today + timedelta(days=200), now)
    cast = _cast()
    _ship_configuration()
    categories = list(Category.objects.filter(active=True).select_related("default_department"))
    category_weights = [
        3 if c.code in ("road", "housing", "sanitation", "parking", "labour", "talent", "project") else 1
        for c in categories
    ]
    checklist_by_category = defaultdict(list)
    for item in ChecklistTemplateItem.objects.all():
        checklist_by_category[item.category_id].append(item)
    grids = list(Region.objects.filter(kind=RegionKind.GRID).select_related("parent"))
    firms_by_grid: dict[int, list[Target]] = defaultdict(list)
    for firm in Target.objects.filter(kind=TargetKind.ENTERPRISE, grid__isnull=False):
        firms_by_grid[firm.grid_id].append(firm)  # type: ignore[index]
    departments = list(Department.objects.filter(active=True))

    sims: list[Sim] = []
    for _ in range(300 if ctx.small else ISSUES):
        day = start_day + timedelta(days=rng.randint(0, DAYS))
        if not calendar.is_workday(day) and rng.random() < 0.7:
            day = calendar.add(day, 1)
        registered = datetime.combine(day, time(8, 30), tz) + timedelta(minutes=rng.randint(0, 560))
        registered = registered.astimezone(ZoneInfo("UTC")).replace(microsecond=0)
        if registered > now:
            continue
        category = rng.choices(categories, weights=category_weights)[0]
        sims.append(_play(rng, calendar, cast, now, registered, category, grids, firms_by_grid, departments,
                          checklist_by_category[category.pk]))  # fmt: skip
    _write(sims)
    ctx.say(f"  问题：{len(sims)} 件，办理记录 {sum(len(s.events) for s in sims)} 条")


@dataclass
class Cast:
    dispatcher: Person
    admin: Person
    leaders: list[Person]
    supervisors: list[Person]
    handlers: dict[int, Person]
    grid_workers: dict[int, Person]
    street_dispatchers: list[Person]


def _cast() -> Cast:
    people = list(Person.objects.prefetch_related("role_grants").select_related("region", "department"))

    def with_role(role: str) -> list[Person]:
        return [p for p in people if role in p.roles]

    handlers = {p.department_id: p for p in with_role(Role.HANDLER) if p.department_id}
    grid_workers = {p.region_id: p for p in with_role(Role.VISITOR) if p.region_id}
    district_dispatchers = [
        p for p in with_role(Role.DISPATCHER) if p.region and p.region.kind == RegionKind.DISTRICT
    ]
    return Cast(
        dispatcher=district_dispatchers[0], admin=with_role(Role.ADMIN)[0], leaders=with_role(Role.LEADER),
        supervisors=with_role(Role.SUPERVISOR), handlers=handlers, grid_workers=grid_workers,
        street_dispatchers=[p for p in with_role(Role.DISPATCHER) if p not in district_dispatchers],
    )  # fmt: skip


def _ship_configuration() -> None:
    """The 五个一 checklist and a feedback template: the demo shows them in use."""
    for code in FIVE_ONES_CATEGORIES:
        category = Category.objects.filter(code=code).first()
        if category and not ChecklistTemplateItem.objects.filter(category=category).exists():
            ChecklistTemplateItem.objects.bulk_create(
                [
                    ChecklistTemplateItem(category=category, label=label, sort_order=i)
                    for i, label in enumerate(FIVE_ONES)
                ]
            )
    if not ResponseTemplate.objects.filter(category__isnull=True).exists():
        ResponseTemplate.objects.create(status=Status.RESOLVED, text=DEFAULT_FEEDBACK)
    for code, text in CATEGORY_FEEDBACK.items():
        category = Category.objects.filter(code=code).first()
        if category and not ResponseTemplate.objects.filter(category=category).exists():
            ResponseTemplate.objects.create(category=category, status=Status.RESOLVED, text=text)


def _handler_for(cast: Cast, department: Department) -> Person:
    return cast.handlers.get(department.pk) or next(iter(cast.handlers.values()))


def _play(rng: random.Random, cal: Calendar, cast: Cast, now: datetime, registered: datetime, category: Category,
          grids: list[Region], firms_by_grid: dict[int, list[Target]], departments: list[Department],
          template_items: list[ChecklistTemplateItem]) -> Sim:  # fmt: skip
    grid = rng.choice(grids)
    source = rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]
    tier = rng.choices(list(TIERS), weights=list(TIERS.values()))[0]
    firms = firms_by_grid.get(grid.pk) or []
    firm = rng.choice(firms) if firms and (source == Source.VISIT or rng.random() < 0.4) else None
    values = {"企业": firm.name if firm else "辖区企业", "社区": grid.parent.name if grid.parent else grid.name,
              "道路": rng.choice(ROADS), "数量": str(rng.randint(2, 60))}  # fmt: skip
    title, description = rng.choice(ISSUE_TEXTS[category.code])
    registrar = cast.grid_workers.get(grid.pk) if source == Source.VISIT else None
    registrar = registrar or (
        rng.choice(cast.street_dispatchers)
        if source == Source.MEETING and cast.street_dispatchers
        else cast.dispatcher
    )
    issue = Issue(
        title=fill(title, values)[:120], description=fill(description, values), source=source, category=category,
        region=grid, target=firm, tier=tier, raiser_name=person_name(rng), raiser_phone=mobile(rng),
        registered_at=registered, registered_by=registrar, status=Status.REGISTERED,
    )  # fmt: skip
    sim = Sim(issue=issue, now=now)
    sim.checklist = [
        ChecklistItem(label=t.label, required=t.required, sort_order=t.sort_order) for t in template_items
    ]
    resolution = fill(rng.choice(RESOLUTIONS[category.code]), values)
    if tier == Tier.DONE:
        sim.record(registered, "register", registrar, Status.RESOLVED,
                   {"tier": tier, "resolution": resolution, "resolved_at": registered}, note=resolution)  # fmt: skip
        _check_all(sim, rng, cal, cast.dispatcher, registered)
        _answer_and_close(sim, rng, cal, cast, registered, resolution)
        return sim
    sim.record(registered, "register", registrar, Status.REGISTERED, {"tier": tier})
    lead = category.default_department
    at = cal.next_work_moment(rng, registered, rng.choice([4, 8, 20, 40]))
    if rng.random() < 0.04:
        if not sim.record(
            at,
            "void",
            cast.admin,
            Status.VOID,
            {"void_reason": "重复登记，已合并处理。"},
            note="重复登记，已合并处理。",
        ):
            return sim
        return sim
    dispatched = _dispatch(sim, rng, cal, cast, at, lead, tier, departments)
    if dispatched is None:
        return sim
    at = dispatched
    if rng.random() < 0.05:  # the lead returns it once; the dispatcher hands it to another department
        at = cal.next_work_moment(rng, at, 6)
        reason = rng.choice(RETURN_REASONS)
        at = sim.record(
            at, "return", _handler_for(cast, lead), Status.RETURNED, {"lead_department": None}, note=reason
        )  # type: ignore[assignment]
        if at is None:
            return sim
        for a in sim.assignments:
            if a.state == AssignmentState.PENDING:
                a.state, a.returned_at = (
                    (AssignmentState.RETURNED, at)
                    if a.department_id == lead.pk
                    else (AssignmentState.WITHDRAWN, None)
                )
                a.return_reason = reason if a.department_id == lead.pk else ""
        lead = rng.choice([d for d in departments if d.pk != lead.pk and d.pk in cast.handlers])
        redispatched = _dispatch(
            sim, rng, cal, cast, cal.next_work_moment(rng, at, 8), lead, tier, departments
        )
        if redispatched is None:
            return sim
        at = redispatched
    handler = _handler_for(cast, lead)
    slow = rng.random() < 0.12
    planned = cal.next_work_moment(rng, at, 40 if slow else 6)
    accepted = sim.record(planned, "accept", handler, Status.IN_PROGRESS, {"accepted_at": planned})
    if accepted is None:
        return sim
    for a in sim.assignments:
        if a.department_id == lead.pk and a.state == AssignmentState.PENDING:
            a.state, a.accepted_at = AssignmentState.ACCEPTED, accepted
    for a in sim.assignments:
        if not a.is_lead and a.state == AssignmentState.PENDING:
            co_at = sim.record(cal.next_work_moment(rng, at, 12), "accept", cast.handlers.get(a.department_id, handler),
                               sim.issue.status, {}, note="协办部门签收")  # fmt: skip
            if co_at:
                a.state, a.accepted_at = AssignmentState.ACCEPTED, co_at
    at = accepted
    if rng.random() < 0.03:
        leader = rng.choice(cast.leaders)
        text = rng.choice(INSTRUCTIONS)
        ins_at = sim.record(
            cal.next_work_moment(rng, at, 30), "instruct", leader, sim.issue.status, {}, note=text
        )
        if ins_at:
            sim.instructions.append(Instruction(author=leader, text=text, at=ins_at))
    if sim.issue.tier == Tier.LONG_TERM or sim.issue.due_date is None:
        at = cal.next_work_moment(rng, at, 60)
        plan = rng.choice(LONG_TERM_PLANS)
        milestone_days = [at.date() + timedelta(days=d) for d in sorted(rng.sample(range(20, 240), 3))]
        if not sim.record(at, "make_long_term", handler, Status.LONG_TERM,
                          {"long_term_plan": plan, "tier": Tier.LONG_TERM, "due_date": None}, note=plan):  # fmt: skip
            return sim
        sim.milestones = [Milestone(title=f"第{i + 1}阶段：{text}", due_date=d)
                          for i, (text, d) in enumerate(zip(["完成方案", "实施推进", "验收总结"], milestone_days, strict=True))]  # fmt: skip
        for m in sim.milestones:
            done_at = datetime.combine(m.due_date, time(16, 0), ZoneInfo("Asia/Shanghai")).astimezone(
                ZoneInfo("UTC")
            )
            if done_at <= sim.now and rng.random() < 0.85:
                m.done_at = done_at
        finish = cal.next_work_moment(rng, at, 24 * rng.randint(60, 200))
    else:
        due = sim.issue.due_date
        assert due is not None
        if rng.random() < 0.08:
            decided = _extension(sim, rng, cal, cast, handler, at)
            if decided is None:
                return sim
            at = decided
            due = sim.issue.due_date
            assert due is not None
        late = rng.random() < 0.16
        span_days = max(1, (due - timezone.localtime(at).date()).days)
        finish_day = (
            due + timedelta(days=rng.randint(1, 30))
            if late
            else timezone.localtime(at).date() + timedelta(days=rng.randint(0, span_days))
        )
        finish = cal.next_work_moment(
            rng,
            datetime.combine(finish_day, time(8, 0), ZoneInfo("Asia/Shanghai")).astimezone(ZoneInfo("UTC")),
            8,
        )
        overdue_from = datetime.combine(
            due + timedelta(days=1), time(1, 0), ZoneInfo("Asia/Shanghai")
        ).astimezone(ZoneInfo("UTC"))
        # The nightly task flags what is late; a supervisor raises the level on some.
        flagged = (
            finish > overdue_from
            and rng.random() < 0.75
            and sim.record(overdue_from, "supervise", None, sim.issue.status,
                           {"supervised": True, "supervision_level": "general"}, note="超期未办结，系统自动挂牌督办。")
        )  # fmt: skip
        if flagged and rng.random() < 0.3:
            sup_at = cal.next_work_moment(rng, overdue_from, 20)
            sim.record(sup_at, "supervise", rng.choice(cast.supervisors), sim.issue.status,
                       {"supervised": True, "supervision_level": "key"}, note=rng.choice(SUPERVISION_NOTES))  # fmt: skip
    _check_all(sim, rng, cal, handler, finish)
    done = sim.record(
        finish,
        "resolve",
        handler,
        Status.RESOLVED,
        {"resolution": resolution, "resolved_at": finish},
        note=resolution,
    )
    if done is None:
        return sim
    _answer_and_close(sim, rng, cal, cast, done, resolution, handler=handler)
    return sim


def _dispatch(sim: Sim, rng: random.Random, cal: Calendar, cast: Cast, at: datetime, lead: Department, tier: str,
              departments: list[Department]) -> datetime | None:  # fmt: skip
    co = [d for d in rng.sample(departments, 1) if d.pk != lead.pk] if rng.random() < 0.2 else []
    workdays = (
        rng.randint(1, 3)
        if tier == Tier.IMMEDIATE
        else rng.choice([5, 5, 10, 10, 15, 20])
        if tier == Tier.DEADLINE
        else 0
    )
    due = cal.fitting_deadline(timezone.localtime(at).date(), workdays) if workdays else None
    if workdays and due is None:
        tier = Tier.LONG_TERM
    changes = {
        "lead_department": lead,
        "tier": tier,
        "due_date": due,
        "dispatched_at": at,
        "accepted_at": None,
    }
    note = f"主办：{lead.name}" + (f"；协办：{co[0].name}" if co else "") + "。"
    at = sim.record(at, "dispatch", cast.dispatcher, Status.ASSIGNED, changes, note=note)  # type: ignore[assignment]
    if at is None:
        return None
    sim.assignments += [Assignment(department=lead, is_lead=True, dispatched_at=at)] + [
        Assignment(department=d, dispatched_at=at) for d in co
    ]
    return at


def _extension(
    sim: Sim, rng: random.Random, cal: Calendar, cast: Cast, handler: Person, at: datetime
) -> datetime | None:
    asked = cal.next_work_moment(rng, at, 30)
    days = rng.choice([3, 5, 5, 10])
    reason = rng.choice(EXTENSION_REASONS)
    if not sim.record(
        asked, "request_extension", handler, sim.issue.status, {}, note=f"申请延长 {days} 个工作日：{reason}"
    ):
        return None
    request = ExtensionRequest(requested_by=handler, requested_at=asked, workdays=days, reason=reason)
    sim.extensions.append(request)
    decided = cal.next_work_moment(rng, sim.events[-1].at, 8)
    if rng.random() < 0.8:
        assert sim.issue.due_date is not None
        new_due = cal.fitting_deadline(sim.issue.due_date, days) or sim.issue.due_date
        changes = {"due_date": new_due, "extension_count": sim.issue.extension_count + 1}
        if not sim.record(decided, "approve_extension", cast.dispatcher, sim.issue.status, changes,
                          note=f"同意延期至 {new_due.isoformat()}。"):  # fmt: skip
            return None
        request.decision = Decision.APPROVED
    else:
        note = "理由不充分，请按原期限办结。"
        if not sim.record(decided, "refuse_extension", cast.dispatcher, sim.issue.status, {}, note=note):
            return None
        request.decision, request.decision_note = Decision.REFUSED, note
    request.decided_by, request.decided_at = cast.dispatcher, sim.events[-1].at
    return sim.events[-1].at


def _check_all(sim: Sim, rng: random.Random, cal: Calendar, actor: Person, before: datetime) -> None:
    for item in sim.checklist:
        done = sim.record(min(before, cal.next_work_moment(rng, sim.events[-1].at, 20)), "check_item", actor,
                          sim.issue.status, {}, note=item.label)  # fmt: skip
        if done:
            item.done_by, item.done_at = actor, done


def _answer_and_close(sim: Sim, rng: random.Random, cal: Calendar, cast: Cast, resolved: datetime, resolution: str,
                      handler: Person | None = None, rounds: int = 0) -> None:  # fmt: skip
    answered = cal.next_work_moment(rng, resolved, 20)
    lead = sim.issue.lead_department.name if sim.issue.lead_department else "承办部门"
    text = f"您反映的“{sim.issue.title}”已由{lead}办理：{resolution.rstrip('。')}。感谢您的支持。"
    if not sim.record(answered, "feedback", cast.dispatcher, Status.RESOLVED, {"feedback": text}, note=text):
        return
    visited = cal.next_work_moment(rng, answered, 40)
    roll = rng.random()
    if roll < 0.06 and rounds == 0 and handler is not None:
        # 不满意: 重办 — back to the department, then resolved and answered again.
        note = rng.choice(UNSATISFIED_NOTES)
        changes = {
            "rating": Rating.UNSATISFIED,
            "feedback": "",
            "resolved_at": None,
            "reopen_count": sim.issue.reopen_count + 1,
        }
        if not sim.record(visited, "rate", cast.dispatcher, Status.IN_PROGRESS, changes, note=note):
            return
        again = cal.next_work_moment(rng, visited, 80)
        better = resolution.rstrip("。") + "；重办后已再次上门核实整改到位。"
        redone = sim.record(
            again,
            "resolve",
            handler,
            Status.RESOLVED,
            {"resolution": better, "resolved_at": again},
            note=better,
        )
        if redone:
            _answer_and_close(sim, rng, cal, cast, redone, better, handler, rounds + 1)
        return
    rating = Rating.SATISFIED if roll < 0.86 else Rating.BASIC
    if not sim.record(
        visited,
        "rate",
        cast.dispatcher,
        Status.RESOLVED,
        {"rating": rating},
        note=rng.choice(RETURN_VISIT_NOTES),
    ):
        return
    for item in sim.checklist:
        if item.done_at is None:
            return
    closed = cal.next_work_moment(rng, visited, 30)
    sim.record(closed, "close", cast.dispatcher, Status.CLOSED, {"closed_at": closed})


def _write(sims: list[Sim]) -> None:
    sims.sort(key=lambda s: s.issue.registered_at)
    counters: dict[int, int] = defaultdict(int)
    for sim in sims:
        year = timezone.localtime(sim.issue.registered_at).year
        counters[year] += 1
        sim.issue.number = f"WT-{year}-{counters[year]:06d}"
    issues = Issue.objects.bulk_create([s.issue for s in sims], batch_size=1000)
    for year, last in counters.items():
        IssueCounter.objects.update_or_create(year=year, defaults={"last": last})
    for kind, rows in (("events", IssueEvent), ("assignments", Assignment), ("extensions", ExtensionRequest),
                       ("milestones", Milestone), ("instructions", Instruction), ("checklist", ChecklistItem)):  # fmt: skip
        batch = []
        for sim, issue in zip(sims, issues, strict=True):
            for row in getattr(sim, kind):
                row.issue = issue
                batch.append(row)
        rows.objects.bulk_create(batch, batch_size=2000)
