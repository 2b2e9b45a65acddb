"""Six months of visits: every enterprise paired with its grid worker (monthly) and key ones with a
department (quarterly), visits consistent with those pairings (most met, some gaps), the visits
the demo's visit-sourced issues came from, leaders' research stays with reports, policies, and a
campaign of ten departmental groups over the 160 key enterprises."""

from __future__ import annotations

import io
import random
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from sanfuwu.core.demokit import DemoContext
from sanfuwu.core.numbering import numbers_reserve
from sanfuwu.issues.models import Issue, Source
from sanfuwu.orgs.models import Department, Region, RegionKind
from sanfuwu.people.models import Person, Role
from sanfuwu.targets.models import Target, TargetKind
from sanfuwu.visits import demo_texts as texts
from sanfuwu.visits.models import (
    Campaign,
    CampaignGroup,
    CampaignTarget,
    Frequency,
    Pairing,
    Policy,
    Visit,
    VisitCounter,
    VisitForm,
    VisitTarget,
)
from sanfuwu.workdays.calendar import UnknownYearError, is_workday

CAMPAIGN_DEPARTMENTS = [
    "jianshe", "guotu", "chengguan", "shichang", "renshe", "rencai", "jingfa", "shangwu", "shuiwu", "shengtai",
]  # fmt: skip


@dataclass
class Planned:
    at: datetime
    targets: list[Target]
    visitors: set[int]
    recorder: Person
    notes: str
    form: str = VisitForm.SITE
    departments: set[int] = field(default_factory=set)
    policies: set[int] = field(default_factory=set)
    met: str = ""
    place: str = ""
    report: str = ""
    issues: list[Issue] = field(default_factory=list)


@cache
def _workday(day: date) -> bool:
    try:
        return is_workday(day)
    except UnknownYearError:
        return day.weekday() < 5


def _moment(rng: random.Random, first: date, last: date) -> datetime | None:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    days = [d for d in days if _workday(d)] or days
    if not days:
        return None
    local = datetime.combine(rng.choice(days), time(9, 0), timezone.get_current_timezone())
    return local + timedelta(minutes=rng.randint(0, 7 * 60))


def _months(start: date, today: date) -> list[tuple[date, date]]:
    months, first = [], start
    while first <= today:
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        months.append((first, min(last, today)))
        first = last + timedelta(days=1)
    return months


def _docx(paragraphs: list[str]) -> bytes:
    """A plain Word document, enough for a research report to open in Word and WPS."""
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>',
        )
    return buffer.getvalue()


def build(ctx: DemoContext) -> None:
    if Visit.objects.exists():
        ctx.say(f"  走访：已有 {Visit.objects.count()} 次，跳过")
        return
    rng = ctx.rng("visits")
    start = (ctx.today - timedelta(days=182)).replace(day=1)
    policies = [
        Policy.objects.create(title=t, issuer=i, issued_on=date(*d), summary=s)
        for t, i, d, s in texts.POLICIES
    ]
    people = list(Person.objects.prefetch_related("role_grants").select_related("region", "department"))
    visitors = [p for p in people if Role.VISITOR in p.roles and p.region_id]
    # The first handler of each department (a department has several): reversed, the first wins.
    handlers = {p.department_id: p for p in reversed(people) if Role.HANDLER in p.roles and p.department_id}
    leaders = [p for p in people if Role.LEADER in p.roles]
    cadres = leaders + [p for p in people if Role.SUPERVISOR in p.roles]
    worker_of_grid = {p.region_id: p for p in visitors}
    firms = list(
        Target.objects.filter(kind=TargetKind.ENTERPRISE, grid__isnull=False).select_related("grid", "region")
    )

    street_desks = [
        p for p in people if Role.DISPATCHER in p.roles and p.region and p.region.kind != RegionKind.DISTRICT
    ]

    def worker_for(firm: Target) -> Person:
        """The grid's worker; where a grid has none, the street's 三服务 desk, who can reach it."""
        assert firm.grid is not None
        if firm.grid_id in worker_of_grid:
            return worker_of_grid[firm.grid_id]
        return next(p for p in street_desks if p.region and firm.grid.path.startswith(p.region.path))

    # Pairings: each enterprise with a grid worker, monthly; key ones with a department too, quarterly.
    departments = {d.code: d for d in Department.objects.filter(code__in=CAMPAIGN_DEPARTMENTS)}
    dept_list = [departments[c] for c in CAMPAIGN_DEPARTMENTS if c in departments]
    person_pairings = [
        Pairing(target=f, person=worker_for(f), frequency=Frequency.MONTHLY, starts_on=start) for f in firms
    ]
    key_firms = [f for f in firms if f.is_key]
    dept_pairings = [
        Pairing(
            target=f, department=dept_list[i % len(dept_list)], frequency=Frequency.QUARTERLY, starts_on=start
        )
        for i, f in enumerate(key_firms)
    ]
    Pairing.objects.bulk_create(person_pairings + dept_pairings)

    planned: list[Planned] = []
    reliability = {p.pk: rng.uniform(0.7, 0.99) for p in visitors + street_desks}
    for pairing in person_pairings:
        assert pairing.person is not None
        for first, last in _months(start, ctx.today):
            # A month still running has had fewer of its visits yet.
            chance = reliability[pairing.person.pk] * (1.0 if last.day > 20 else 0.6)
            for _ in range(1 + (rng.random() < 0.15)):
                if rng.random() > chance:
                    continue
                at = _moment(rng, first, last)
                if at is None or at > timezone.now():
                    continue
                planned.append(_enterprise_visit(rng, at, pairing.target, pairing.person, policies))

    # The campaign: ten groups led by departments over the key enterprises, in the last two months.
    campaign_start = ctx.today - timedelta(days=60)
    campaign = Campaign.objects.create(
        name=f"{campaign_start.year}年重点企业“三服务”集中走访", starts_on=campaign_start,
        ends_on=ctx.today + timedelta(days=20), region=Region.objects.get(kind=RegionKind.DISTRICT),
        description="由十个部门牵头组成走访组，对全区重点企业逐一上门走访，收集问题清单，做到走访全覆盖、问题全闭环。",
    )  # fmt: skip
    groups = []
    for n, dept in enumerate(dept_list, start=1):
        group = CampaignGroup.objects.create(
            campaign=campaign, name=f"第{n}走访组", lead_department=dept, sort_order=n
        )
        # The department's own handler where it has one, with a district cadre in every group.
        members = [handlers[dept.pk]] if dept.pk in handlers else []
        members += [cadres[n % len(cadres)]] if cadres else []
        group.members.set(members)
        groups.append((group, members))
    assignments = [
        CampaignTarget(campaign=campaign, group=groups[i % len(groups)][0], target=f)
        for i, f in enumerate(key_firms)
    ]
    CampaignTarget.objects.bulk_create(assignments)

    visit_issues = list(
        Issue.objects.filter(source=Source.VISIT, target__isnull=False, registered_by__isnull=False)
        .select_related("target", "target__grid", "target__region", "registered_by")
        .order_by("registered_at")
    )
    by_target: dict[int, list[Issue]] = defaultdict(list)
    for issue in visit_issues:
        by_target[issue.target_id].append(issue)  # type: ignore[index]
    linked: set[int] = set()
    window_end = min(campaign.ends_on, ctx.today)
    for assignment in assignments:
        group, members = next(g for g in groups if g[0].pk == assignment.group_id)
        if rng.random() > 0.86 or not members:
            continue
        target = assignment.target
        raised = [
            i
            for i in by_target[target.pk]
            if campaign_start <= timezone.localdate(i.registered_at) <= window_end
        ][:2]
        at = (
            raised[0].registered_at - timedelta(minutes=rng.randint(30, 90))
            if raised
            else _moment(rng, campaign_start, window_end)
        )
        if at is None or at > timezone.now():
            continue
        worker = raised[0].registered_by if raised else worker_for(target)
        assert worker is not None
        visit = _enterprise_visit(rng, at, target, members[0], policies)
        visit.visitors |= {m.pk for m in members} | {worker.pk}
        visit.departments = {group.lead_department_id}
        visit.form = VisitForm.TALK
        visit.issues = raised
        linked.update(i.pk for i in raised)
        planned.append(visit)

    # Every other visit-sourced issue came from a visit of its registrar on the day it was registered.
    same_day = {(p.recorder.pk, p.targets[0].pk, timezone.localdate(p.at)): p for p in planned}
    for issue in visit_issues:
        if issue.pk in linked:
            continue
        assert issue.registered_by is not None and issue.target is not None
        key = (issue.registered_by.pk, issue.target.pk, timezone.localdate(issue.registered_at))
        found = same_day.get(key)
        if found is None:
            at = issue.registered_at - timedelta(minutes=rng.randint(20, 120))
            found = _enterprise_visit(rng, at, issue.target, issue.registered_by, policies)
            planned.append(found)
            same_day[key] = found
        visit = found
        visit.at = min(visit.at, issue.registered_at - timedelta(minutes=10))
        visit.issues.append(issue)

    # Departments' quarterly visits to their key enterprises.
    for pairing in dept_pairings:
        handler = handlers.get(pairing.department_id)  # type: ignore[arg-type]
        if handler is None:
            continue
        for first, _last in _months(start, ctx.today)[::3]:
            if rng.random() < 0.8:
                at = _moment(rng, first, min(first + timedelta(days=85), ctx.today))
                if at is not None and at <= timezone.now():
                    visit = _enterprise_visit(rng, at, pairing.target, handler, policies)
                    visit.departments = {pairing.department_id or 0}
                    planned.append(visit)

    # Leaders' research stays (蹲点调研) in communities and villages, each with a report.
    places = list(
        Target.objects.filter(kind__in=[TargetKind.COMMUNITY, TargetKind.VILLAGE]).select_related("region")
    )
    for leader in leaders:
        for first, last in _months(start, ctx.today):
            if places and rng.random() < 0.7:
                at = _moment(rng, first, last)
                if at is None or at > timezone.now():
                    continue
                place = rng.choice(places)
                paragraphs = [
                    p.format(place=place.name, n=rng.randint(12, 40)) for p in texts.REPORT_PARAGRAPHS
                ]
                name = (
                    f"visits/reports/{at:%Y/%m}/{place.name}蹲点调研报告-{leader.username}-{at:%Y%m%d}.docx"
                )
                report = default_storage.save(
                    name, ContentFile(_docx([f"关于{place.name}的蹲点调研报告", *paragraphs]))
                )
                planned.append(Planned(
                    at=at, targets=[place], visitors={leader.pk}, recorder=leader, form=VisitForm.SITE,
                    notes=rng.choice(texts.COMMUNITY_NOTES), met=rng.choice(texts.COMMUNITY_MET),
                    place=f"{place.name}党群服务中心", report=report,
                ))  # fmt: skip

    _write(planned)
    ctx.say(
        f"  走访：{len(planned)} 次，包联 {len(person_pairings) + len(dept_pairings)} 条，"
        f"政策 {len(policies)} 项，集中走访 {len(groups)} 个组 / {len(assignments)} 家重点企业"
    )


def _enterprise_visit(
    rng: random.Random, at: datetime, target: Target, person: Person, policies: list[Policy]
) -> Planned:
    season = (
        "一季度" if at.month <= 3 else "二季度" if at.month <= 6 else "三季度" if at.month <= 9 else "四季度"
    )
    notes = rng.choice(texts.ENTERPRISE_NOTES).format(
        season=season, rate=rng.randint(68, 95), gap=rng.randint(10, 80)
    )
    form = rng.choices(
        [VisitForm.SITE, VisitForm.TALK, VisitForm.PHONE, VisitForm.VIDEO], weights=[60, 25, 12, 3]
    )[0]
    explained = {p.pk for p in rng.sample(policies, k=rng.choice([0, 0, 1, 1, 2]))}
    return Planned(
        at=at, targets=[target], visitors={person.pk}, recorder=person, notes=notes, form=form, policies=explained,
        met=f"{rng.choice(texts.MET)} {target.contact_name[:1]}某" if target.contact_name else rng.choice(texts.MET),
        place=target.address if form in (VisitForm.SITE, VisitForm.TALK) else "",
    )  # fmt: skip


def _write(planned: list[Planned]) -> None:
    planned.sort(key=lambda p: p.at)
    per_year: dict[int, int] = {}
    numbers = []
    for p in planned:
        year = timezone.localtime(p.at).year
        per_year[year] = per_year.get(year, 0) + 1
        numbers.append(f"ZF-{year}-{per_year[year]:06d}")
    numbers_reserve(VisitCounter, "ZF", numbers)
    visits = Visit.objects.bulk_create(
        [
            Visit(
                number=number,
                visited_at=p.at,
                form=p.form,
                region=p.targets[0].grid or p.targets[0].region,
                place=p.place[:200],
                met=p.met,
                notes=p.notes,
                recorded_by=p.recorder,
                report=p.report,
                recorded_at=p.at + timedelta(minutes=90),
            )
            for p, number in zip(planned, numbers, strict=True)
        ],
        batch_size=1000,
    )
    visitor_rows, department_rows, policy_rows, target_rows = [], [], [], []
    for visit, p in zip(visits, planned, strict=True):
        visitor_rows += [Visit.visitors.through(visit_id=visit.pk, person_id=pk) for pk in p.visitors]
        department_rows += [
            Visit.departments.through(visit_id=visit.pk, department_id=pk) for pk in p.departments
        ]
        policy_rows += [Visit.policies.through(visit_id=visit.pk, policy_id=pk) for pk in p.policies]
        target_rows += [
            VisitTarget(visit=visit, target=t, visited_on=timezone.localdate(p.at)) for t in p.targets
        ]
        for issue in p.issues:
            issue.visit = visit
    Visit.visitors.through.objects.bulk_create(visitor_rows, batch_size=2000)
    Visit.departments.through.objects.bulk_create(department_rows, batch_size=2000)
    Visit.policies.through.objects.bulk_create(policy_rows, batch_size=2000)
    VisitTarget.objects.bulk_create(target_rows, batch_size=2000)
    # Linking an issue to its visit is provenance, not a step of its workflow.
    Issue.objects.bulk_update([i for p in planned for i in p.issues], ["visit"], batch_size=1000)
