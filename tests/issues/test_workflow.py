"""Every action × every status × every role: allowed exactly where the table says, and each
allowed move writes one event row; each refused one changes nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from sanfuwu.issues.models import Action, ChecklistItem, Issue, IssueEvent, Status
from sanfuwu.issues.rules import PUBLIC, RULES
from sanfuwu.issues.workflow import NotAllowed, issue_act
from sanfuwu.people.models import Role
from tests.issues.conftest import Cast, issue_in, payload_for

STATUSES = list(Status.values)
ROLES = list(Role.values)
ACTIONS = [a for a in Action.values if a != Action.REGISTER]

# Where the role and status fit but the actor's relation does not: the lead department has
# already accepted, so there is nothing left for it to accept; and the grid worker who registered
# the issue may answer, rate and close only what they solved on the spot, not a dispatched one.
RELATION_REFUSALS = {
    (Action.ACCEPT, Status.IN_PROGRESS, Role.HANDLER),
    (Action.ACCEPT, Status.IN_PROGRESS, Role.HEAD),
    (Action.FEEDBACK, Status.RESOLVED, Role.VISITOR),
    (Action.RATE, Status.RESOLVED, Role.VISITOR),
    (Action.CLOSE, Status.RESOLVED, Role.VISITOR),
}

# The table, written out by hand as the design describes it, so that a change to RULES must be
# a change to this list as well. A department's head (负责人) may do whatever its handlers may,
# and alone assigns its issues to them.
DEPT: set[str] = {Role.HANDLER, Role.HEAD}
ALLOWED: dict[str, tuple[set[str], set[str]]] = {
    Action.DISPATCH: ({Status.REGISTERED, Status.RETURNED}, {Role.DISPATCHER}),
    Action.ACCEPT: ({Status.ASSIGNED, Status.IN_PROGRESS}, DEPT),
    Action.RETURN: ({Status.ASSIGNED}, DEPT),
    Action.REQUEST_EXTENSION: ({Status.IN_PROGRESS}, DEPT),
    Action.APPROVE_EXTENSION: ({Status.IN_PROGRESS}, {Role.DISPATCHER}),
    Action.REFUSE_EXTENSION: ({Status.IN_PROGRESS}, {Role.DISPATCHER}),
    Action.MAKE_LONG_TERM: ({Status.IN_PROGRESS}, DEPT),
    Action.COMPLETE_MILESTONE: ({Status.LONG_TERM}, DEPT),
    Action.RESOLVE: ({Status.IN_PROGRESS, Status.LONG_TERM}, DEPT),
    Action.FEEDBACK: ({Status.RESOLVED}, {Role.DISPATCHER, Role.VISITOR}),
    # The public channel (网上诉求) rates, for the raiser, the answers to what it raised.
    Action.RATE: ({Status.RESOLVED}, {Role.DISPATCHER, Role.VISITOR, PUBLIC}),
    Action.CLOSE: ({Status.RESOLVED}, {Role.DISPATCHER, Role.VISITOR}),
    Action.VOID: (
        {
            Status.REGISTERED,
            Status.ASSIGNED,
            Status.IN_PROGRESS,
            Status.RETURNED,
            Status.LONG_TERM,
            Status.RESOLVED,
        },
        {Role.ADMIN},
    ),
    Action.SUPERVISE: (
        {Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED, Status.LONG_TERM},
        {Role.SUPERVISOR, Role.LEADER},
    ),
    Action.INSTRUCT: (
        {
            Status.REGISTERED,
            Status.ASSIGNED,
            Status.IN_PROGRESS,
            Status.RETURNED,
            Status.LONG_TERM,
            Status.RESOLVED,
        },
        {Role.LEADER},
    ),
    Action.CHECK_ITEM: (
        {Status.IN_PROGRESS, Status.LONG_TERM, Status.RESOLVED},
        {Role.HANDLER, Role.HEAD, Role.DISPATCHER},
    ),
    Action.ASSIGN_HANDLER: ({Status.IN_PROGRESS, Status.LONG_TERM}, {Role.HEAD}),
    # A duplicate found while sorting, merged into the issue handled for both.
    Action.MERGE: ({Status.REGISTERED, Status.RETURNED}, {Role.DISPATCHER}),
}
EXPECTED_TARGET: dict[str, str] = {
    Action.DISPATCH: Status.ASSIGNED,
    Action.RETURN: Status.RETURNED,
    Action.MAKE_LONG_TERM: Status.LONG_TERM,
    Action.RESOLVE: Status.RESOLVED,
    Action.CLOSE: Status.CLOSED,
    Action.VOID: Status.VOID,
    Action.MERGE: Status.VOID,
}


# Under which relation to the issue each role may act.
RELATIONS: dict[str, set[tuple[str, str]]] = {
    Action.REGISTER: {
        (Role.VISITOR, "territory"),
        (Role.DISPATCHER, "territory"),
        (Role.ADMIN, "territory"),
        (PUBLIC, "territory"),
    },
    Action.DISPATCH: {(Role.DISPATCHER, "territory")},
    Action.ACCEPT: {(Role.HANDLER, "handed_over"), (Role.HEAD, "handed_over")},
    Action.RETURN: {(Role.HANDLER, "lead_unsigned"), (Role.HEAD, "lead_unsigned")},
    Action.REQUEST_EXTENSION: {(Role.HANDLER, "lead"), (Role.HEAD, "lead")},
    Action.APPROVE_EXTENSION: {(Role.DISPATCHER, "territory")},
    Action.REFUSE_EXTENSION: {(Role.DISPATCHER, "territory")},
    Action.MAKE_LONG_TERM: {(Role.HANDLER, "lead"), (Role.HEAD, "lead")},
    Action.COMPLETE_MILESTONE: {(Role.HANDLER, "lead"), (Role.HEAD, "lead")},
    Action.RESOLVE: {(Role.HANDLER, "lead"), (Role.HEAD, "lead")},
    Action.FEEDBACK: {(Role.DISPATCHER, "territory"), (Role.VISITOR, "own_on_spot")},
    Action.RATE: {(Role.DISPATCHER, "territory"), (Role.VISITOR, "own_on_spot"), (PUBLIC, "raised")},
    Action.CLOSE: {(Role.DISPATCHER, "territory"), (Role.VISITOR, "own_on_spot")},
    Action.VOID: {(Role.ADMIN, "any")},
    Action.SUPERVISE: {(Role.SUPERVISOR, "territory"), (Role.LEADER, "territory")},
    Action.INSTRUCT: {(Role.LEADER, "territory")},
    Action.CHECK_ITEM: {(Role.HANDLER, "lead"), (Role.HEAD, "lead"), (Role.DISPATCHER, "territory")},
    Action.ASSIGN_HANDLER: {(Role.HEAD, "lead")},
    Action.MERGE: {(Role.DISPATCHER, "territory")},
}


def test_the_written_table_is_the_workflows_table():
    assert {a: (set(r.sources), set(r.roles)) for a, r in RULES.items() if a != Action.REGISTER} == ALLOWED
    assert RULES[Action.REGISTER].sources == {""}
    relations = {a: {(role, g.relation) for g in r.grants for role in g.roles} for a, r in RULES.items()}
    assert relations == RELATIONS
    assert [a for a, r in RULES.items() if r.by_system] == [Action.SUPERVISE]


def prepare(action: str, issue: Issue, cast: Cast) -> Issue:
    if action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION) and issue.status == Status.IN_PROGRESS:
        return cast.act(
            issue, "request_extension", Role.HANDLER, workdays=3, reason="需要协调供电公司迁改线路。"
        )
    if action == Action.CHECK_ITEM and not issue.checklist.filter(done_at__isnull=True).exists():
        ChecklistItem.objects.create(issue=issue, label="宣传", required=False)
    return Issue.objects.get(pk=issue.pk)


def snapshot(issue: Issue) -> tuple:
    fresh = Issue.objects.get(pk=issue.pk)
    fields = [f.attname for f in Issue._meta.concrete_fields]
    return tuple(getattr(fresh, f) for f in fields), IssueEvent.objects.filter(issue=issue).count()


def attempt(cast: Cast, issue: Issue, action: str, status: str, role: str) -> None:
    sources, roles = ALLOWED[action]
    allowed = status in sources and role in roles and (action, status, role) not in RELATION_REFUSALS
    before = snapshot(issue)
    actor = cast.people[role]
    payload = payload_for(action, issue, cast)
    if not allowed:
        with pytest.raises(NotAllowed) as exc:
            issue_act(issue=issue, action=action, actor=actor, version=issue.version, **payload)
        assert str(exc.value)  # a reason, in Chinese
        assert snapshot(issue) == before
        return
    after = issue_act(issue=issue, action=action, actor=actor, version=issue.version, **payload)
    event = IssueEvent.objects.get(issue=issue, seq=issue.version + 1)
    assert after.version == issue.version + 1
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        action,
        actor,
        status,
        after.status,
    )
    assert after.status == EXPECTED_TARGET.get(action, after.status)
    if action not in EXPECTED_TARGET and action not in (Action.ACCEPT, Action.RATE):
        assert after.status == status  # flags, notes and decisions leave the status alone
    for field, value in event.changes.items():
        current = getattr(
            after, field + "_id" if field in ("lead_department", "handler", "duplicate_of") else field
        )
        assert (current.isoformat() if hasattr(current, "isoformat") else current) == value, field


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_each_action_from_each_status_by_each_role(cast: Cast, action, status):
    issue = prepare(action, issue_in(status, cast), cast)
    for role in ROLES:
        # Each role tries on the same issue; a savepoint puts the issue back between them.
        with transaction.atomic():
            try:
                attempt(cast, issue, action, status, role)
            except AssertionError as exc:
                raise AssertionError(f"{action} from {status} by {role}: {exc}") from exc
            transaction.set_rollback(True)
