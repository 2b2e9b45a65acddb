"""The issue list filters by the named status groups, the old checkboxes mean the same groups, and
the overdue badge follows the issue's own rule."""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import count

import pytest
from django.urls import reverse
from django.utils import timezone

from sanfuwu.issues.models import Issue, Status, Tier
from sanfuwu.issues.selectors import issue_triage_queue, issue_worklists
from sanfuwu.orgs.models import Category
from sanfuwu.people.models import Person, Role
from sanfuwu.portal.templatetags.sanfuwu_issue import issue_badges
from tests.conftest import World, client_for, make_person

pytestmark = pytest.mark.django_db
numbers = count(1)


@pytest.fixture
def kinds(world: World) -> dict[str, Issue]:
    """One issue per situation, by its title; the late ones were due yesterday."""
    category = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    yesterday = timezone.localdate() - timedelta(days=1)
    led = {"lead_department": world.jianshe, "due_date": yesterday + timedelta(days=5)}
    late = {"lead_department": world.jianshe, "due_date": yesterday}
    closed = {"resolution": "已修复。", "feedback": "已答复。", "rating": "satisfied"}
    plan: dict[str, tuple[str, dict[str, object]]] = {
        "registered": (Status.REGISTERED, {}),
        "registered-supervised": (Status.REGISTERED, {"supervised": True}),
        "assigned": (Status.ASSIGNED, led),
        "assigned-late": (Status.ASSIGNED, late),
        "in_progress-late-supervised": (Status.IN_PROGRESS, {**late, "supervised": True}),
        "returned": (Status.RETURNED, {}),
        "long_term-late-supervised": (Status.LONG_TERM, {**late, "supervised": True}),
        "resolved-supervised": (Status.RESOLVED, {**late, "supervised": True, "resolution": "已修复。"}),
        "closed": (Status.CLOSED, {**led, **closed}),
        "void": (Status.VOID, {"void_reason": "重复登记。"}),
    }
    fixed = {"description": "路面破损。", "source": "visit", "region": world.touge_grid, "category": category,
             "tier": Tier.DEADLINE}  # fmt: skip
    return {
        title: Issue.objects.create(
            number=f"WT-2025-{next(numbers):06d}", title=title, status=status, **fixed, **fields
        )
        for title, (status, fields) in plan.items()
    }


def listed(person: Person, query: str) -> set[str]:
    page = client_for(person).get(reverse("issues:list") + "?" + query).content.decode()
    return set(re.findall(r'class="fw-medium issue-link">([^<]+)<', page))


GROUPS = {
    "open": {"registered", "registered-supervised", "assigned", "assigned-late", "in_progress-late-supervised",
             "returned", "long_term-late-supervised"},
    "awaiting_dispatch": {"registered", "registered-supervised", "returned"},
    "handling": {"in_progress-late-supervised", "long_term-late-supervised"},
    # A long-term issue runs against its plan, not its old deadline: never overdue.
    "overdue": {"assigned-late", "in_progress-late-supervised"},
    # Supervised and not yet resolved, a registered one included.
    "supervised": {"registered-supervised", "in_progress-late-supervised", "long_term-late-supervised"},
    "done": {"resolved-supervised", "closed"},
}  # fmt: skip


@pytest.mark.parametrize("group", GROUPS)
def test_it_lists_exactly_the_issues_of_a_group(kinds: dict[str, Issue], leader: Person, group: str):
    assert listed(leader, "") == set(kinds)
    assert listed(leader, f"group={group}") == GROUPS[group]


def test_it_reads_the_old_checkboxes_as_their_groups_and_narrows_a_group_with_them(
    kinds: dict[str, Issue], leader: Person
):
    assert listed(leader, "overdue=on") == GROUPS["overdue"]
    assert listed(leader, "supervised=on") == GROUPS["supervised"]
    assert listed(leader, "group=handling&supervised=on") == GROUPS["handling"] & GROUPS["supervised"]
    assert listed(leader, "group=supervised&overdue=on") == {"in_progress-late-supervised"}


def test_it_exports_the_group_the_list_shows(kinds: dict[str, Issue], leader: Person):
    from tests.imports.helpers import exported

    header, *rows = exported("issues", leader, group="supervised")
    assert {row[header.index("标题")] for row in rows} == GROUPS["supervised"]


def test_it_ignores_an_unknown_group_and_says_so_at_the_field(kinds: dict[str, Issue], leader: Person):
    response = client_for(leader).get(reverse("issues:list"), {"group": "late"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert listed(leader, "group=late") == set(kinds)


def test_the_queues_of_dispatchers_and_departments_keep_to_the_groups(kinds: dict[str, Issue], world: World):
    dispatcher = make_person("d", [Role.DISPATCHER], region=world.district)
    assert {i.title for i in issue_triage_queue(dispatcher)} == GROUPS["awaiting_dispatch"]
    tabs = {tab: {i.title for i in qs} for tab, qs in issue_worklists(world.jianshe).items()}
    assert tabs["overdue"] == GROUPS["overdue"]
    assert tabs["doing"] == GROUPS["handling"]
    assert tabs["supervised"] == {"in_progress-late-supervised", "long_term-late-supervised"}


@pytest.mark.parametrize(
    ("title", "badge"),
    [("assigned-late", True), ("in_progress-late-supervised", True), ("long_term-late-supervised", False),
     ("resolved-supervised", False), ("assigned", False)],
)  # fmt: skip
def test_the_overdue_badge_follows_the_issues_rule(kinds: dict[str, Issue], title: str, badge: bool):
    issue = kinds[title]
    html = issue_badges(issue)
    assert ("超期" in html) is badge is issue.is_overdue()
