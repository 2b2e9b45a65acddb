"""The demo's six months of issues: big enough, varied, and every history consistent."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from datetime import date
from itertools import pairwise

from sanfuwu.core.demokit import demo_build
from sanfuwu.issues.models import Assignment, AssignmentState, Issue, IssueEvent, Rating, Source, Status, Tier
from sanfuwu.issues.replay import issue_replay, issue_state
from sanfuwu.orgs.models import Category
from sanfuwu.workdays.calendar import WorkCalendar

TODAY = date(2025, 11, 14)


def test_the_demo_builds_six_months_of_consistent_issues(db):
    demo_build(seed=2025, today=TODAY, out=io.StringIO())
    issues = list(Issue.objects.all())
    assert len(issues) >= 5000
    assert {i.category_id for i in issues} == set(Category.objects.values_list("pk", flat=True))
    assert {i.source for i in issues} == set(Source.values)
    assert {i.tier for i in issues} == set(Tier.values)
    statuses = Counter(i.status for i in issues)
    for status in (
        Status.REGISTERED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.LONG_TERM,
        Status.RESOLVED,
        Status.CLOSED,
        Status.VOID,
    ):
        assert statuses[status] > 0, status
    assert statuses[Status.CLOSED] > len(issues) / 2
    assert sum(i.is_overdue(TODAY) for i in issues) > 20
    assert sum(i.supervised for i in issues) > 50
    assert sum(i.extension_count > 0 for i in issues) > 50
    assert sum(i.reopen_count > 0 for i in issues) > 20
    assert Assignment.objects.filter(state=AssignmentState.RETURNED).count() > 50
    ratings = Counter(i.rating for i in issues if i.rating)
    assert ratings[Rating.SATISFIED] / sum(ratings.values()) > 0.7
    assert IssueEvent.objects.filter(action="rate", to_status=Status.IN_PROGRESS).count() > 20

    events: dict[int, list[IssueEvent]] = defaultdict(list)
    for event in IssueEvent.objects.order_by("issue_id", "seq"):
        events[event.issue_id].append(event)
    calendar = WorkCalendar(date(2025, 1, 1), date(2026, 12, 31))
    for issue in issues:
        history = events[issue.pk]
        assert [e.seq for e in history] == list(range(1, issue.version + 1)), issue.number
        assert all(a.at <= b.at for a, b in pairwise(history)), issue.number
        assert issue_replay(history) == issue_state(issue), issue.number
        if issue.due_date:
            assert calendar.is_workday(issue.due_date), issue.number

    before = Issue.objects.count()
    demo_build(seed=2025, today=TODAY, out=io.StringIO())
    assert Issue.objects.count() == before


def test_every_event_of_the_demo_passed_the_workflows_rules_when_it_was_written(db, monkeypatch):
    """Not only do the histories replay afterwards: each step was checked by the rules as the
    demo took it, so the demo cannot tell a history the workflow would refuse."""
    from sanfuwu.issues import history

    checked: list[tuple[history.History, int, str]] = []
    rule_refusal = history.rule_refusal

    def checking(h, action, actor):
        refusal = rule_refusal(h, action, actor)
        assert refusal is None, (h.issue.title, action, refusal)
        checked.append((h, h.issue.version + 1 if h.issue.status else 1, action))
        return refusal

    monkeypatch.setattr(history, "rule_refusal", checking)
    demo_build(seed=7, today=TODAY, out=io.StringIO(), small=True)
    passed = {(h.issue.pk, seq, action) for h, seq, action in checked}
    written = set(IssueEvent.objects.values_list("issue_id", "seq", "action"))
    assert len(written) > 1000 and written == passed
