"""Six months of issues with histories a real district would have.

Each issue is played through the life cycle in simulated time — registered, dispatched,
accepted, sometimes returned, extended, supervised, made long-term, reopened — by the people
whose work it is. Every step goes through the workflow's own rules and steps
(sanfuwu.issues.history), so the demo can only tell histories the workflow could have produced;
the histories are then written in bulk.
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
    CO_DEPARTMENTS,
    EXTENSION_REASONS,
    INSTRUCTIONS,
    ISSUE_TEXTS,
    LONG_TERM_PLANS,
    RESOLUTIONS,
    RETURN_VISIT_NOTES,
    RETURNS,
    SUPERVISION_NOTES,
    UNSATISFIED_NOTES,
    fill,
)
from sanfuwu.issues.history import History, histories_write
from sanfuwu.issues.models import (
    Action,
    ChecklistTemplateItem,
    Issue,
    IssueCounter,
    Rating,
    ResponseTemplate,
    Source,
    Status,
    Tier,
)
from sanfuwu.issues.responses import CATEGORY_FEEDBACK, DEFAULT_FEEDBACK
from sanfuwu.issues.rules import NEW, SYSTEM, Actor
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


class Sim:
    """One issue being played through its life in simulated time."""

    def __init__(self, issue: Issue, now: datetime, calendar: Calendar, actors: dict[int, Actor]) -> None:
        self.h = History(issue, calendar=calendar)
        self.issue = issue
        self.now = now
        self.actors = actors

    @property
    def last(self) -> datetime:
        assert self.h.last_at is not None
        return self.h.last_at

    def act(self, at: datetime, action: str, person: Person | None, **payload: Any) -> datetime | None:
        """Take one step if it happens before now and say when; None once the story reaches the
        present. The workflow's rules are checked as for anyone: a demo that tells a history the
        workflow would refuse fails loudly here."""
        if self.h.events and at <= self.last:
            # Events are in time order: a step planned too early happens just after the last one.
            at = self.last + timedelta(minutes=1)
        if at > self.now:
            return None
        actor = SYSTEM if person is None else self.actors[person.pk]
        self.h.apply(action, actor, at, payload)
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

    def fitting_workdays(self, day: date, n: int) -> int:
        """`n`, or fewer when a year's schedule is not yet entered (0 when none fits): a demo never
        guesses a deadline."""
        for days in range(n, 0, -1):
            try:
                self.add(day, days)
            except UnknownYearError:
                continue
            return days
        return 0

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
    for firm in Target.objects.filter(kind=TargetKind.ENTERPRISE, grid__isnull=False).select_related(
        "region", "grid"
    ):
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
    sims += _just_in(ctx.rng("issues-just-in"), calendar, cast, now, categories, grids, checklist_by_category)
    _write(sims)
    ctx.say(f"  问题：{len(sims)} 件，办理记录 {sum(len(s.h.events) for s in sims)} 条")


def _just_in(
    rng: random.Random, cal: Calendar, cast: Cast, now: datetime, categories: list[Category], grids: list[Region],
    checklists: dict[int, list[ChecklistTemplateItem]],
) -> list[Sim]:  # fmt: skip
    """What the hotline and the online channel, open day and night, took in since midnight and
    nobody has touched yet: six waiting for dispatch, four solved on the call and still to answer.
    Whatever the hour the demo is built, today's queue and after-care have something to show (at
    one in the morning the working day's own registrations are all still to come)."""
    midnight = datetime.combine(timezone.localdate(now), time(0, 0), ZoneInfo(settings.TIME_ZONE))
    since = max((now - midnight).total_seconds(), 2.0)
    sims = []
    for n, tier in enumerate([Tier.DEADLINE] * 6 + [Tier.DONE] * 4):
        category = rng.choice(categories)
        grid = rng.choice(grids)
        values = {"企业": "辖区企业", "社区": grid.parent.name if grid.parent else grid.name,
                  "道路": rng.choice(ROADS), "数量": str(rng.randint(2, 60))}  # fmt: skip
        title, description = rng.choice(ISSUE_TEXTS[category.code])
        registered = (now - timedelta(seconds=since * rng.uniform(0.1, 0.9))).replace(microsecond=0)
        issue = Issue(
            title=fill(title, values)[:120], description=fill(description, values),
            source=Source.HOTLINE if n % 2 else Source.PORTAL, category=category, region=grid, tier=tier,
            raiser_name=person_name(rng), raiser_phone=mobile(rng), registered_at=registered,
            registered_by=cast.dispatcher, status=NEW,
        )  # fmt: skip
        sim = Sim(issue, now, cal, cast.actors)
        if tier == Tier.DONE:
            resolution = fill(rng.choice(RESOLUTIONS[category.code]), values)
            sim.act(registered, Action.REGISTER, cast.dispatcher, tier=tier, resolution=resolution,
                    checklist=checklists[category.pk])  # fmt: skip
            _check_all(sim, rng, cal, cast.dispatcher, registered)
        else:
            sim.act(
                registered, Action.REGISTER, cast.dispatcher, tier=tier, checklist=checklists[category.pk]
            )
        sims.append(sim)
    return sims


@dataclass
class Cast:
    dispatcher: Person
    admin: Person
    leaders: list[Person]
    supervisors: list[Person]
    handlers: dict[int, Person]
    grid_workers: dict[int, Person]
    street_dispatchers: list[Person]
    actors: dict[int, Actor]
    heads: dict[int, Person] = field(default_factory=dict)
    # Each department's handlers the head gives work to (the head excluded).
    teams: dict[int, list[Person]] = field(default_factory=dict)
    # Who gets which issue is drawn apart from the stories' own randomness, so the stories stay
    # the same whether or not a department has a head who assigns.
    assign_rng: random.Random = field(default_factory=lambda: random.Random(12))

    def street_dispatchers_of(self, region: Region) -> list[Person]:
        return [p for p in self.street_dispatchers if self.actors[p.pk].scope.covers(region)]


def _cast() -> Cast:
    people = list(Person.objects.prefetch_related("role_grants").select_related("region", "department"))
    for person in people:
        # Person.roles would ask the database once each; the grants are already here.
        person.__dict__["roles"] = frozenset(g.role for g in person.role_grants.all())

    def with_role(role: str) -> list[Person]:
        return [p for p in people if role in p.roles]

    # The first handler of a department (by id) plays its stories; reversed, the first wins.
    handlers = {p.department_id: p for p in reversed(with_role(Role.HANDLER)) if p.department_id}
    heads = {p.department_id: p for p in reversed(with_role(Role.HEAD)) if p.department_id}
    teams: dict[int, list[Person]] = defaultdict(list)
    for p in with_role(Role.HANDLER):
        if p.department_id and Role.HEAD not in p.roles:
            teams[p.department_id].append(p)
    grid_workers = {p.region_id: p for p in with_role(Role.VISITOR) if p.region_id}
    district_dispatchers = [
        p for p in with_role(Role.DISPATCHER) if p.region and p.region.kind == RegionKind.DISTRICT
    ]
    return Cast(
        dispatcher=district_dispatchers[0], admin=with_role(Role.ADMIN)[0], leaders=with_role(Role.LEADER),
        supervisors=with_role(Role.SUPERVISOR), handlers=handlers, grid_workers=grid_workers,
        street_dispatchers=[p for p in with_role(Role.DISPATCHER) if p not in district_dispatchers],
        actors={p.pk: Actor.of(p) for p in people}, heads=heads, teams=dict(teams),
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
    # A meeting's problem is written down by the dispatcher of the street it concerns.
    street = cast.street_dispatchers_of(grid)
    registrar = registrar or (rng.choice(street) if source == Source.MEETING and street else cast.dispatcher)
    issue = Issue(
        title=fill(title, values)[:120], description=fill(description, values), source=source, category=category,
        region=grid, target=firm, tier=tier, raiser_name=person_name(rng), raiser_phone=mobile(rng),
        registered_at=registered, registered_by=registrar, status=NEW,
    )  # fmt: skip
    sim = Sim(issue, now, cal, cast.actors)
    resolution = fill(rng.choice(RESOLUTIONS[category.code]), values)
    if tier == Tier.DONE:
        sim.act(
            registered, Action.REGISTER, registrar, tier=tier, resolution=resolution, checklist=template_items
        )
        _check_all(sim, rng, cal, cast.dispatcher, registered)
        _answer_and_close(sim, rng, cal, cast, registered, resolution)
        return sim
    sim.act(registered, Action.REGISTER, registrar, tier=tier, checklist=template_items)
    lead = category.default_department
    at = cal.next_work_moment(rng, registered, rng.choice([4, 8, 20, 40]))
    if rng.random() < 0.04:
        sim.act(at, Action.VOID, cast.admin, reason="重复登记，已合并处理。")
        return sim
    dispatched = _dispatch(sim, rng, cal, cast, at, lead, tier, departments)
    if dispatched is None:
        return sim
    at = dispatched
    if rng.random() < 0.05:  # the lead returns it once; the dispatcher hands it to the department named
        at = cal.next_work_moment(rng, at, 6)
        to, reason = rng.choice(RETURNS[category.code])
        returned = sim.act(at, Action.RETURN, cast.handlers[lead.pk], reason=reason)
        if returned is None:
            return sim
        lead = next(d for d in departments if d.code == to)
        redispatched = _dispatch(
            sim, rng, cal, cast, cal.next_work_moment(rng, returned, 8), lead, tier, departments
        )
        if redispatched is None:
            return sim
        at = redispatched
    handler = cast.handlers[lead.pk]
    slow = rng.random() < 0.12
    accepted = sim.act(cal.next_work_moment(rng, at, 40 if slow else 6), Action.ACCEPT, handler)
    if accepted is None:
        return sim
    for a in list(sim.h.assignments):
        if not a.is_lead and a.state == "pending" and a.department_id in cast.handlers:
            sim.act(cal.next_work_moment(rng, at, 12), Action.ACCEPT, cast.handlers[a.department_id])
    at = accepted
    handler = _assign(sim, cal, cast, lead, accepted, handler)
    if rng.random() < 0.03:
        leader, text = rng.choice(cast.leaders), rng.choice(INSTRUCTIONS)
        sim.act(cal.next_work_moment(rng, at, 30), Action.INSTRUCT, leader, text=text)
    if sim.issue.tier == Tier.LONG_TERM or sim.issue.due_date is None:
        at = cal.next_work_moment(rng, at, 60)
        plan = rng.choice(LONG_TERM_PLANS)
        milestone_days = [at.date() + timedelta(days=d) for d in sorted(rng.sample(range(20, 240), 3))]
        stages = ["完成方案", "实施推进", "验收总结"]
        milestones = [
            (f"第{i + 1}阶段：{text}", d)
            for i, (text, d) in enumerate(zip(stages, milestone_days, strict=True))
        ]
        planned = sim.act(at, Action.MAKE_LONG_TERM, handler, plan=plan, milestones=milestones)
        if planned is None:
            return sim
        completions = []
        for m in sim.h.milestones:
            done_at = datetime.combine(m.due_date, time(16, 0), ZoneInfo("Asia/Shanghai")).astimezone(
                ZoneInfo("UTC")
            )
            if done_at <= sim.now and rng.random() < 0.85:
                completions.append((done_at, m))
        finish = cal.next_work_moment(rng, at, 24 * rng.randint(60, 200))
        # The stages reached before the issue is resolved are ticked off as they are reached.
        for done_at, m in completions:
            if done_at < finish:
                sim.act(done_at, Action.COMPLETE_MILESTONE, handler, milestone=m)
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
        # The hourly job flags what is late; a supervisor raises the level on some.
        flagged = (
            finish > overdue_from
            and rng.random() < 0.75
            and sim.act(overdue_from, Action.SUPERVISE, None, level="general")
        )
        if flagged and rng.random() < 0.3:
            sup_at = cal.next_work_moment(rng, overdue_from, 20)
            sim.act(sup_at, Action.SUPERVISE, rng.choice(cast.supervisors), level="key",
                    note=rng.choice(SUPERVISION_NOTES))  # fmt: skip
    _check_all(sim, rng, cal, handler, finish)
    done = sim.act(finish, Action.RESOLVE, handler, resolution=resolution)
    if done is None:
        return sim
    _answer_and_close(sim, rng, cal, cast, done, resolution, handler=handler)
    return sim


def _assign(
    sim: Sim, cal: Calendar, cast: Cast, lead: Department, accepted: datetime, handler: Person
) -> Person:
    """The head gives most signed-for issues to one of the department's handlers, and now and
    then gives one to another; the rest stay with whoever signed for them. Returns who handles it."""
    rng, head, team = cast.assign_rng, cast.heads.get(lead.pk), cast.teams.get(lead.pk, [])
    if head is None or len(team) < 2 or rng.random() >= 0.7:
        return handler
    chosen = rng.choice(team)
    if sim.act(cal.next_work_moment(rng, accepted, 3), Action.ASSIGN_HANDLER, head, handler=chosen) is None:
        return handler
    if rng.random() < 0.1:
        other = next(p for p in team if p.pk != chosen.pk)
        moved = sim.act(cal.next_work_moment(rng, sim.last, 16), Action.ASSIGN_HANDLER, head, handler=other,
                        note="原经办人外出学习，改由其办理。")  # fmt: skip
        if moved is not None:
            return other
    return chosen


def _dispatch(sim: Sim, rng: random.Random, cal: Calendar, cast: Cast, at: datetime, lead: Department, tier: str,
              departments: list[Department]) -> datetime | None:  # fmt: skip
    # A co-department is one that usually helps with problems of this category, never the lead.
    helpers = [
        d for d in departments if d.code in CO_DEPARTMENTS[sim.issue.category.code] and d.pk != lead.pk
    ]
    co = [rng.choice(helpers)] if rng.random() < 0.2 and helpers else []
    workdays = (
        rng.randint(1, 3)
        if tier == Tier.IMMEDIATE
        else rng.choice([5, 5, 10, 10, 15, 20])
        if tier == Tier.DEADLINE
        else 0
    )
    if workdays:
        when = at if at > sim.last else sim.last + timedelta(minutes=1)
        workdays = cal.fitting_workdays(timezone.localtime(when).date(), workdays)
        if not workdays:
            tier = Tier.LONG_TERM
    return sim.act(at, Action.DISPATCH, cast.dispatcher, lead_department=lead, co_departments=co, tier=tier,
                   workdays=workdays)  # fmt: skip


def _extension(
    sim: Sim, rng: random.Random, cal: Calendar, cast: Cast, handler: Person, at: datetime
) -> datetime | None:
    asked = cal.next_work_moment(rng, at, 30)
    days = rng.choice([3, 5, 5, 10])
    if not sim.act(
        asked, Action.REQUEST_EXTENSION, handler, workdays=days, reason=rng.choice(EXTENSION_REASONS)
    ):
        return None
    decided = cal.next_work_moment(rng, sim.last, 8)
    due = sim.issue.due_date
    assert due is not None
    # Approved most of the time; a deadline the calendar cannot reach yet is not granted.
    if rng.random() < 0.8 and cal.fitting_workdays(due, days) == days:
        return sim.act(decided, Action.APPROVE_EXTENSION, cast.dispatcher)
    return sim.act(
        decided, Action.REFUSE_EXTENSION, cast.dispatcher, decision_note="理由不充分，请按原期限办结。"
    )


def _check_all(sim: Sim, rng: random.Random, cal: Calendar, actor: Person, before: datetime) -> None:
    for item in list(sim.h.checklist):
        sim.act(min(before, cal.next_work_moment(rng, sim.last, 20)), Action.CHECK_ITEM, actor, item=item)


def _answer_and_close(sim: Sim, rng: random.Random, cal: Calendar, cast: Cast, resolved: datetime, resolution: str,
                      handler: Person | None = None, rounds: int = 0) -> None:  # fmt: skip
    answered = cal.next_work_moment(rng, resolved, 20)
    lead = sim.issue.lead_department.name if sim.issue.lead_department else "承办部门"
    text = f"您反映的“{sim.issue.title}”已由{lead}办理：{resolution.rstrip('。')}。感谢您的支持。"
    if not sim.act(answered, Action.FEEDBACK, cast.dispatcher, feedback=text):
        return
    visited = cal.next_work_moment(rng, answered, 40)
    roll = rng.random()
    if roll < 0.06 and rounds == 0 and handler is not None:
        # 不满意: 重办 — back to the department, then resolved and answered again.
        if not sim.act(visited, Action.RATE, cast.dispatcher, rating=Rating.UNSATISFIED,
                       note=rng.choice(UNSATISFIED_NOTES)):  # fmt: skip
            return
        again = cal.next_work_moment(rng, visited, 80)
        better = resolution.rstrip("。") + "；重办后已再次上门核实整改到位。"
        redone = sim.act(again, Action.RESOLVE, handler, resolution=better)
        if redone:
            _answer_and_close(sim, rng, cal, cast, redone, better, handler, rounds + 1)
        return
    rating = Rating.SATISFIED if roll < 0.86 else Rating.BASIC
    if not sim.act(visited, Action.RATE, cast.dispatcher, rating=rating, note=rng.choice(RETURN_VISIT_NOTES)):
        return
    if any(item.done_at is None for item in sim.h.checklist):
        return
    sim.act(cal.next_work_moment(rng, visited, 30), Action.CLOSE, cast.dispatcher)


def _write(sims: list[Sim]) -> None:
    sims.sort(key=lambda s: s.issue.registered_at)
    counters: dict[int, int] = defaultdict(int)
    for sim in sims:
        year = timezone.localtime(sim.issue.registered_at).year
        counters[year] += 1
        sim.issue.number = f"WT-{year}-{counters[year]:06d}"
    for year, last in counters.items():
        IssueCounter.objects.update_or_create(year=year, defaults={"last": last})
    for start in range(0, len(sims), 1000):
        histories_write([s.h for s in sims[start : start + 1000]])
