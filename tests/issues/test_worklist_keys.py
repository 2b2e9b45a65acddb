"""待签收 read from the department's own pending parts, which carry the issue's deadline and
registration: the keys must stay the issue's while the part waits, or the list would mis-sort."""

from __future__ import annotations

import re

from django.urls import reverse

from sanfuwu.issues.models import Assignment, AssignmentState, Issue, Status
from sanfuwu.issues.selectors import issue_worklists
from sanfuwu.people.models import Role
from tests.conftest import client_for
from tests.issues.conftest import Cast, issue_in, new_issue, payload_for


def _pending_parts_agree_with_their_issues() -> None:
    for part in Assignment.objects.filter(state=AssignmentState.PENDING).select_related("issue"):
        assert (part.due_date, part.registered_at) == (part.issue.due_date, part.issue.registered_at), part.pk


def test_it_lists_pending_in_deadline_order_from_the_departments_own_parts(cast: Cast) -> None:
    dispatched = []
    for workdays in (5, 1, 3):
        issue = new_issue(cast)
        payload = {**payload_for("dispatch", issue, cast), "workdays": workdays}
        dispatched.append(cast.act(issue, "dispatch", Role.DISPATCHER, **payload))
    pending = list(issue_worklists(cast.world.jianshe)["pending"])
    assert [i.pk for i in pending] == [
        i.pk for i in sorted(dispatched, key=lambda i: (i.due_date, i.registered_at))
    ]
    # The co-department waits on the same three, in the same order, once each.
    assert [i.pk for i in issue_worklists(cast.other_department)["pending"]] == [i.pk for i in pending]
    _pending_parts_agree_with_their_issues()


def test_a_co_department_still_to_sign_follows_an_extended_deadline(cast: Cast) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)  # the lead has signed; the co-department has not
    issue = cast.act(
        issue, "request_extension", Role.HANDLER, **payload_for("request_extension", issue, cast)
    )
    before = issue.due_date
    issue = cast.act(issue, "approve_extension", Role.DISPATCHER, decision_note="同意")
    assert before is not None and issue.due_date is not None and issue.due_date > before
    waiting = Assignment.objects.get(issue=issue, department=cast.other_department)
    assert waiting.state == AssignmentState.PENDING and waiting.due_date == issue.due_date
    _pending_parts_agree_with_their_issues()


def test_a_plan_without_a_deadline_clears_the_waiting_parts_deadline(cast: Cast) -> None:
    issue = issue_in(Status.LONG_TERM, cast)
    assert Issue.objects.get(pk=issue.pk).due_date is None
    _pending_parts_agree_with_their_issues()
    assert Assignment.objects.get(issue=issue, department=cast.other_department).due_date is None


def test_a_redispatch_carries_the_new_deadline(cast: Cast) -> None:
    issue = issue_in(Status.RETURNED, cast)
    payload = {**payload_for("dispatch", issue, cast), "workdays": 7}
    issue = cast.act(issue, "dispatch", Role.DISPATCHER, **payload)
    _pending_parts_agree_with_their_issues()
    assert [i.pk for i in issue_worklists(cast.world.jianshe)["pending"]] == [issue.pk]


def test_the_first_page_chosen_per_status_is_the_tabs_own_order(cast: Cast) -> None:
    """办理中 holds two statuses; its first page, merged from one read per status and one of the
    undated plans, is the tab's query order: by deadline, plans without one last, then age."""
    from datetime import timedelta

    from django.utils import timezone

    from sanfuwu.issues.selectors import WORKLIST_STATUSES, deadline_first_ids

    doing = [issue_in(Status.IN_PROGRESS, cast) for _ in range(4)] + [
        issue_in(Status.LONG_TERM, cast) for _ in range(3)
    ]
    today = timezone.localdate()
    # Interleaved deadlines across the two statuses, two plans without one, a tie broken by age.
    for issue, days in zip(doing, [9, 2, 5, 5, 7, None, None], strict=True):
        Issue.objects.filter(pk=issue.pk).update(
            due_date=None if days is None else today + timedelta(days=days)
        )
    tab = issue_worklists(cast.world.jianshe)["doing"]
    expected = list(tab.values_list("pk", flat=True))
    assert len(expected) == 7
    for n in (3, 5, 7, 25):
        assert deadline_first_ids(tab, WORKLIST_STATUSES["doing"], n) == expected[:n]
    page = (
        client_for(cast.people[Role.HANDLER]).get(reverse("issues:work"), {"tab": "doing"}).content.decode()
    )
    assert [int(pk) for pk in re.findall(r'data-issue="(\d+)"', page)] == expected
