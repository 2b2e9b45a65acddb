"""Every page people open daily asks the database the same number of questions however many
issues the district has: counted at 10 issues and again at 1,000, the numbers must be equal."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sanfuwu.issues.models import Assignment, AssignmentState, Issue, IssueEvent, Status, Tier
from sanfuwu.orgs.models import Category
from sanfuwu.people.models import Person, Role
from tests.conftest import World, client_for, make_person

# In turn, so that ten issues already fill every tab and list (an empty page asks less).
STATUSES = [Status.IN_PROGRESS, Status.ASSIGNED, Status.RESOLVED, Status.REGISTERED, Status.CLOSED,
            Status.IN_PROGRESS, Status.CLOSED, Status.IN_PROGRESS, Status.CLOSED, Status.CLOSED]  # fmt: skip
DUE_IN_DAYS = [-6, 2, 12]  # overdue, due soon, in time


def _grow(world: World, category: Category, by: int, rng: random.Random) -> None:
    """`by` more issues of every status, led by 建设局, spread over the district's grids."""
    dispatcher = Person.objects.get(username="qc_dispatcher")
    now = timezone.now()
    grids = [world.touge_grid, world.baiyang_grid, world.park_grid]
    targets = {world.touge_grid: world.xiasha_firm, world.baiyang_grid: world.baiyang_firm,
               world.park_grid: world.park_firm}  # fmt: skip
    start = Issue.objects.count()
    issues = []
    for n in range(start, start + by):
        status = STATUSES[n % len(STATUSES)]
        registered = now - timedelta(days=rng.uniform(0, 200))
        dispatched = None if status == Status.REGISTERED else registered + timedelta(hours=5)
        resolved = registered + timedelta(days=3) if status in (Status.CLOSED, Status.RESOLVED) else None
        grid = rng.choice(grids)
        issues.append(Issue(
            number=f"WT-QC-{n:06d}", title=f"查询计数问题{n}", description="用于计数的问题。", source="visit",
            category=category, region=grid, target=targets[grid], tier=Tier.DEADLINE, status=status,
            registered_at=registered, registered_by=dispatcher, dispatched_at=dispatched, resolved_at=resolved,
            lead_department=None if dispatched is None else world.jianshe,
            due_date=None if dispatched is None else timezone.localdate() + timedelta(days=DUE_IN_DAYS[n % 3]),
            supervised=status == Status.IN_PROGRESS and n % 4 == 0,
            **({"resolution": "已办结", "feedback": "已答复", "rating": "satisfied"} if status == Status.CLOSED else {}),
            **({"resolution": "已办结"} if status == Status.RESOLVED else {}),
        ))  # fmt: skip
    Issue.objects.bulk_create(issues)
    saved = Issue.objects.filter(number__in=[i.number for i in issues])
    Assignment.objects.bulk_create(
        [
            Assignment(
                issue=i,
                department=world.jianshe,
                is_lead=True,
                dispatched_at=i.dispatched_at,
                state=AssignmentState.PENDING if i.status == Status.ASSIGNED else AssignmentState.ACCEPTED,
                due_date=i.due_date,
                registered_at=i.registered_at,
            )
            for i in saved
            if i.dispatched_at is not None
        ]
    )
    IssueEvent.objects.bulk_create(
        [
            IssueEvent(issue=i, seq=1, action="register", at=i.registered_at, to_status=Status.REGISTERED)
            for i in saved
        ]
    )


@pytest.fixture
def district(world: World) -> dict[str, Person]:
    make_person("qc_dispatcher", [Role.DISPATCHER], region=world.district)
    Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    return {
        "leader": make_person("qc_leader", [Role.LEADER], region=world.district),
        "dispatcher": Person.objects.get(username="qc_dispatcher"),
        "street": make_person("qc_street", [Role.DISPATCHER], region=world.xiasha),
        "handler": make_person("qc_handler", [Role.HANDLER], department=world.jianshe),
        "head": make_person("qc_head", [Role.HEAD, Role.HANDLER], department=world.jianshe),
        "visitor": make_person("qc_visitor", [Role.VISITOR], region=world.touge_grid),
        "supervisor": make_person("qc_supervisor", [Role.SUPERVISOR], region=world.district),
        "evaluator": make_person("qc_evaluator", [Role.EVALUATOR], region=world.district),
    }


def _pages() -> list[tuple[str, str, Callable[[], str]]]:
    work, after, listing = reverse("issues:work"), reverse("issues:aftercare"), reverse("issues:list")
    return [
        *((f"home as {who}", who, lambda: reverse("home")) for who in
          ("leader", "dispatcher", "street", "handler", "head", "visitor", "supervisor", "evaluator")),
        *((f"worklist {tab}", "handler", lambda tab=tab: f"{work}?tab={tab}") for tab in
          ("pending", "doing", "due_soon", "overdue", "supervised")),
        ("worklist of the department", "head", lambda: f"{work}?view=dept&tab=doing"),
        ("triage", "dispatcher", lambda: reverse("issues:triage")),
        *((f"after-care {tab}", "dispatcher", lambda tab=tab: f"{after}?tab={tab}") for tab in ("answer", "visit", "close")),
        ("street list", "street", lambda: listing),
        ("district list", "leader", lambda: listing),
        ("district list, overdue", "leader", lambda: f"{listing}?live=overdue"),
        ("issue page", "leader", lambda: reverse("issues:detail", args=[Issue.objects.order_by("id")[0].pk])),
        ("visit form", "visitor", lambda: reverse("visits:new")),
        ("visit list", "street", lambda: reverse("visits:list")),
        ("coverage", "dispatcher", lambda: reverse("visits:coverage")),
        ("ranking", "leader", lambda: reverse("race:ranking")),
        ("dashboard", "leader", lambda: reverse("race:dashboard")),
    ]  # fmt: skip


def _counts(people: dict[str, Person]) -> dict[str, int]:
    counted = {}
    clients = {who: client_for(person) for who, person in people.items()}
    for name, who, url in _pages():
        path = url()
        clients[who].get(path)  # once for what a process caches (the calendar, the catalogue)
        with CaptureQueriesContext(connection) as queries:
            response = clients[who].get(path)
        assert response.status_code == 200, (name, response.status_code)
        counted[name] = len(queries)
    return counted


def test_every_daily_page_asks_as_often_at_a_thousand_issues_as_at_ten(world: World, district) -> None:
    rng = random.Random(3)
    category = Category.objects.get(code="road")
    _grow(world, category, 10, rng)
    small = _counts(district)
    _grow(world, category, 990, rng)
    large = _counts(district)
    grown = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert grown == {}, grown
    # And none of them asks without bound: a page is a few dozen questions at most.
    assert max(large.values()) <= 40, large


def test_registering_an_issue_asks_a_fixed_few_questions(world: World, district) -> None:
    """Intake is the busiest write: the session and its person, the form's choices, the checklist,
    the number, the issue and its event; then triage's part (the active categories and departments
    the suggestion is made among, the duplicate search's candidates and their texts, and the
    issue's bands, topic and suggestion written) — no query per related row, none that grows."""
    category = Category.objects.get(code="road")
    client = client_for(district["dispatcher"])
    data = {"title": "道路破损", "description": "厂区门口道路破损，货车进出不便。", "source": "visit",
            "category": category.pk, "tier": Tier.DEADLINE, "region": world.touge_grid.pk}  # fmt: skip
    assert client.post(reverse("issues:new"), data).status_code == 302  # the year's number counter made
    _grow(world, category, 100, random.Random(5))
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("issues:new"), {**data, "title": "道路又破损"})
    assert response.status_code == 302
    assert Issue.objects.filter(title="道路又破损").count() == 1
    writes = [q["sql"].split()[0] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    # The counter, the issue, its event; its bands (one statement), its topic, its suggestion.
    assert writes == ["UPDATE", "INSERT", "INSERT", "INSERT", "INSERT", "INSERT"], writes
    assert len(queries) <= 24, [q["sql"][:80] for q in queries]  # 16 before triage, and its 8
