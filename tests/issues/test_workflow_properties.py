"""Random sequences of actions by random roles, checked after every step."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sanfuwu.issues.models import Action, Issue, IssueEvent, Rating, Status
from sanfuwu.issues.replay import issue_replay, issue_state
from sanfuwu.issues.rules import RULES
from sanfuwu.issues.workflow import Conflict, NotAllowed, issue_act
from sanfuwu.people.models import Role
from tests.issues.conftest import Cast, new_issue, payload_for

ACTIONS = [a for a in Action.values if a != Action.REGISTER]


def history(issue: Issue) -> list[tuple]:
    return [
        (e.seq, e.action, e.actor_id, e.at, e.from_status, e.to_status, e.note, e.changes)
        for e in IssueEvent.objects.filter(issue=issue).order_by("seq")
    ]


def check_invariants(issue: Issue, seen: list[tuple]) -> list[tuple]:
    issue = Issue.objects.get(pk=issue.pk)
    events = list(IssueEvent.objects.filter(issue=issue).order_by("seq"))
    # No event is ever changed or lost, and there is exactly one per version.
    now = history(issue)
    assert now[: len(seen)] == seen
    assert [e.seq for e in events] == list(range(1, issue.version + 1))
    # The history replays to the present.
    assert issue_replay(events) == issue_state(issue)
    # Closed means answered, rated well and every required item done.
    if issue.status == Status.CLOSED:
        assert issue.resolution and issue.feedback
        assert issue.rating in (Rating.SATISFIED, Rating.BASIC)
        assert not issue.checklist.filter(required=True, done_at__isnull=True).exists()
    return now


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_moves_keep_the_issue_and_its_history_consistent(cast: Cast, data):
    issue = new_issue(cast)
    seen = check_invariants(issue, [])
    for _step in range(data.draw(st.integers(5, 60), label="moves")):
        issue = Issue.objects.get(pk=issue.pk)
        # Mostly an action that the status admits, by a role the rule admits; sometimes anything.
        # (Voiding ends every walk, so it comes only from "anything".)
        fitting = [a for a in ACTIONS if issue.status in RULES[a].sources and a != Action.VOID] or ACTIONS
        wild = data.draw(st.integers(0, 4), label="wild") == 0
        action = data.draw(st.sampled_from(ACTIONS if wild else fitting), label="action")
        roles = (
            Role.values
            if data.draw(st.integers(0, 4), label="any role") == 0
            # The public channel is no staff role: its steps are tested on their own (tests/raisers).
            else sorted(RULES[action].roles & set(Role.values))
        )
        role = data.draw(st.sampled_from(roles), label="role")
        variant = data.draw(st.sampled_from(["valid", "valid", "valid", "valid", "empty"]), label="payload")
        stale = data.draw(st.integers(0, 9), label="stale") == 0
        payload = {} if variant == "empty" else payload_for(action, issue, cast)
        if action == Action.RATE and variant == "valid":
            payload = {"rating": data.draw(st.sampled_from(Rating.values), label="rating")}
        before = (issue_state(issue), issue.version)
        try:
            issue_act(
                issue=issue, action=action, actor=cast.people[role],
                version=issue.version - 1 if stale else issue.version, **payload,
            )  # fmt: skip
        except (NotAllowed, Conflict, ValidationError):
            fresh = Issue.objects.get(pk=issue.pk)
            assert (issue_state(fresh), fresh.version) == before  # a refusal changes nothing
        else:
            assert not stale  # a stale version never wins
        seen = check_invariants(issue, seen)
    # Walks that reach 已办结 are then closed the proper way, so that closing is checked too.
    issue = Issue.objects.get(pk=issue.pk)
    if issue.status == Status.RESOLVED:
        issue = cast.act(issue, "feedback", Role.DISPATCHER, feedback="已电话答复。")
        issue = cast.act(issue, "rate", Role.DISPATCHER, rating=Rating.BASIC)
        for item in issue.checklist.filter(done_at__isnull=True):
            issue = cast.act(issue, "check_item", Role.DISPATCHER, item_id=item.pk)
        issue = cast.act(issue, "close", Role.DISPATCHER)
        check_invariants(issue, seen)
    # Shown by --hypothesis-show-statistics: how far the random walks get.
    event(f"ended {Issue.objects.get(pk=issue.pk).status}")
