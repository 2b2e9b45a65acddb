"""Two people acting on the same issue at the same moment: one wins, the other is told."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from sanfuwu.issues.models import Issue, IssueEvent
from sanfuwu.issues.workflow import Conflict, issue_act
from sanfuwu.people.models import Role
from tests.issues.conftest import Cast, new_issue

ROUNDS = 25


@pytest.mark.django_db(transaction=True)
def test_two_threads_acting_at_once_give_one_winner_per_round_and_lose_no_event(cast: Cast):
    issue = new_issue(cast)
    leader, supervisor = cast.people[Role.LEADER], cast.people[Role.SUPERVISOR]
    outcomes: list[list[str]] = []
    for _round in range(ROUNDS):
        version = Issue.objects.get(pk=issue.pk).version
        barrier = threading.Barrier(2)
        results: list[str] = []

        def act(actor, action, payload, barrier=barrier, version=version, results=results):
            try:
                barrier.wait(timeout=10)
                issue_act(issue=issue, action=action, actor=actor, version=version, **payload)
                results.append("won")
            except Conflict:
                results.append("conflict")
            finally:
                connection.close()

        threads = [
            threading.Thread(target=act, args=(leader, "instruct", {"text": "请抓紧办理。"})),
            threading.Thread(
                target=act, args=(supervisor, "supervise", {"level": "general", "note": "督办"})
            ),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        outcomes.append(sorted(results))
    assert outcomes == [["conflict", "won"]] * ROUNDS
    events = list(IssueEvent.objects.filter(issue=issue).order_by("seq").values_list("seq", flat=True))
    assert events == list(range(1, ROUNDS + 2))
    assert Issue.objects.get(pk=issue.pk).version == ROUNDS + 1
