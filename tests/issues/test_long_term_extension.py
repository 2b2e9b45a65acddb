"""An extension asked for and then overtaken by a long-term plan: the plan has no deadline to
extend, so the request is settled with it, and nobody can approve it afterwards."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sanfuwu.issues.models import Action, Decision, Rating, Status
from sanfuwu.issues.workflow import allowed_actions
from sanfuwu.people.models import Role
from tests.issues.conftest import Cast, issue_in, new_issue, payload_for

pytestmark = pytest.mark.django_db


def test_a_pending_extension_is_settled_when_the_issue_becomes_long_term(cast: Cast) -> None:
    issue = new_issue(cast)
    issue = cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))
    issue = cast.act(issue, "accept", Role.HANDLER)
    issue = cast.act(
        issue, "request_extension", Role.HANDLER, **payload_for("request_extension", issue, cast)
    )
    issue = cast.act(issue, "make_long_term", Role.HANDLER, **payload_for("make_long_term", issue, cast))
    request = issue.extensions.get()
    assert request.decision == Decision.REFUSED and "长效" in request.decision_note
    # Resolved, then sent back by a 不满意: in progress again, with no deadline and nothing to approve.
    issue = cast.act(issue, "resolve", Role.HANDLER, resolution="已完成第一期改造。")
    issue = cast.act(issue, "feedback", Role.DISPATCHER, feedback="已电话告知反映人。")
    issue = cast.act(issue, "rate", Role.DISPATCHER, rating=Rating.UNSATISFIED)
    assert issue.status == Status.IN_PROGRESS and issue.due_date is None
    assert Action.APPROVE_EXTENSION not in allowed_actions(issue, cast.people[Role.DISPATCHER])
    with pytest.raises(ValidationError):
        cast.act(issue, "approve_extension", Role.DISPATCHER, decision_note="同意")


def test_a_handler_ticks_off_the_milestones_of_a_long_term_plan_from_the_page(cast: Cast) -> None:
    from django.urls import reverse

    from sanfuwu.issues.models import Issue
    from tests.conftest import client_for

    issue = issue_in(Status.LONG_TERM, cast)
    milestone = issue.milestones.get()
    handler, dispatcher = cast.people[Role.HANDLER], cast.people[Role.DISPATCHER]
    page = client_for(handler).get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert 'data-action-form="complete_milestone"' in page and milestone.title in page
    assert Action.COMPLETE_MILESTONE not in allowed_actions(issue, dispatcher)
    response = client_for(handler).post(
        reverse("issues:act", args=[issue.pk, "complete_milestone"]),
        {"version": issue.version, "milestone_id": milestone.pk},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    fresh = Issue.objects.get(pk=issue.pk)
    assert milestone.done_at is not None and fresh.status == Status.LONG_TERM
    assert fresh.events.order_by("-seq").first().note == milestone.title  # type: ignore[union-attr]
    # Done once: nothing is left to tick off, so the page offers nothing and a second try is refused.
    assert Action.COMPLETE_MILESTONE not in allowed_actions(fresh, handler)
    with pytest.raises(ValidationError):
        cast.act(fresh, "complete_milestone", Role.HANDLER, milestone_id=milestone.pk)
