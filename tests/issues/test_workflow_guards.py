"""Rules of the workflow that a random walk may miss or only PostgreSQL notices, each pinned by a
test that fails when the rule is broken by hand."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from sanfuwu.issues import workflow
from sanfuwu.issues.history import History
from sanfuwu.issues.models import ChecklistItem, Issue, IssueEvent, Rating, Status
from sanfuwu.issues.workflow import Conflict, NotAllowed, issue_act
from sanfuwu.people.models import Role
from tests.conftest import make_person
from tests.issues.conftest import Cast, issue_in, new_issue, payload_for

pytestmark = pytest.mark.django_db


def test_it_loses_to_a_write_between_its_read_and_its_update(cast: Cast, monkeypatch) -> None:
    """Another transaction commits after this one read the issue and before it writes: the
    compare-and-set on the version must refuse, on SQLite as on PostgreSQL."""
    issue = new_issue(cast)
    read = workflow.history_load

    def read_then_someone_else_writes(issue_id: int) -> History:
        h = read(issue_id)
        Issue.objects.filter(pk=issue_id).update(version=F("version") + 1, supervised=True)
        return h

    monkeypatch.setattr(workflow, "history_load", read_then_someone_else_writes)
    with pytest.raises(Conflict):
        cast.act(issue, "instruct", Role.LEADER, text="请抓紧办理。")
    # Here the other "transaction" is this one's own savepoint, so the refusal undoes it too.
    fresh = Issue.objects.get(pk=issue.pk)
    assert (fresh.version, fresh.supervised) == (issue.version, False)
    assert not fresh.instructions.exists() and fresh.events.count() == 1


def test_a_dispatcher_cannot_act_outside_their_territory_whatever_the_page(
    cast: Cast, baiyang_dispatcher, xiasha_dispatcher
) -> None:
    issue = new_issue(cast)  # in 头格第1网格, 下沙街道
    with pytest.raises(NotAllowed, match="管辖范围"):
        issue_act(issue=issue, action="dispatch", actor=baiyang_dispatcher, version=issue.version,
                  **payload_for("dispatch", issue, cast))  # fmt: skip
    assert Issue.objects.get(pk=issue.pk).status == Status.REGISTERED
    issue = issue_act(issue=issue, action="dispatch", actor=xiasha_dispatcher, version=issue.version,
                      **payload_for("dispatch", issue, cast))  # fmt: skip
    assert issue.status == Status.ASSIGNED


def test_a_department_returns_the_same_issue_only_once(cast: Cast) -> None:
    issue = issue_in(Status.RETURNED, cast)
    issue = cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))
    assert "return" not in workflow.allowed_actions(issue, cast.people[Role.HANDLER])
    with pytest.raises(NotAllowed, match="只能退回一次"):
        cast.act(issue, "return", Role.HANDLER, reason="还是不属于本部门职责范围。")
    fresh = Issue.objects.get(pk=issue.pk)
    assert fresh.status == Status.ASSIGNED and fresh.events.filter(action="return").count() == 1


def test_each_unsatisfied_return_visit_counts_a_reopening(cast: Cast) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    for round_ in (1, 2):
        issue = cast.act(issue, "resolve", Role.HANDLER, resolution=f"第{round_}次办理：已修复路面。")
        issue = cast.act(issue, "feedback", Role.DISPATCHER, feedback="已电话告知反映人。")
        issue = cast.act(issue, "rate", Role.DISPATCHER, rating=Rating.UNSATISFIED, note="路面又裂开了")
        fresh = Issue.objects.get(pk=issue.pk)
        assert (fresh.status, fresh.reopen_count, fresh.feedback) == (Status.IN_PROGRESS, round_, "")
        assert fresh.resolved_at is None


def test_closing_names_the_required_item_left_open_and_ignores_an_optional_one(cast: Cast) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)  # the category asks for 走访 and 回访
    ChecklistItem.objects.create(issue=issue, label="宣传", required=False, sort_order=9)
    walk = issue.checklist.get(label="走访")
    issue = cast.act(issue, "check_item", Role.HANDLER, item_id=walk.pk)
    for action in ("resolve", "feedback"):
        issue = cast.act(issue, action, Role.DISPATCHER if action == "feedback" else Role.HANDLER,
                         **payload_for(action, issue, cast))  # fmt: skip
    issue = cast.act(issue, "rate", Role.DISPATCHER, rating=Rating.SATISFIED)
    with pytest.raises(ValidationError) as refused:
        cast.act(issue, "close", Role.DISPATCHER)
    message = " ".join(refused.value.messages)
    assert "回访" in message and "走访" not in message and "宣传" not in message
    assert Issue.objects.get(pk=issue.pk).status == Status.RESOLVED
    issue = cast.act(issue, "check_item", Role.DISPATCHER, item_id=issue.checklist.get(label="回访").pk)
    issue = cast.act(issue, "close", Role.DISPATCHER)  # 宣传 is still open, and optional
    assert issue.status == Status.CLOSED
    assert IssueEvent.objects.filter(issue=issue, action="close").count() == 1


def test_a_handler_of_another_department_cannot_resolve(cast: Cast, world) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    stranger = make_person("cg_handler", [Role.HANDLER], department=cast.other_department)
    with pytest.raises(NotAllowed, match="主办部门"):
        issue_act(issue=issue, action="resolve", actor=stranger, version=issue.version, resolution="已办结。")
    assert Issue.objects.get(pk=issue.pk).status == Status.IN_PROGRESS
