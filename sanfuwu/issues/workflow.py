"""The issue life cycle in one place.

RULES says which action may start from which status and which roles may take it. `issue_act`
is the only way an issue's workflow fields change: it checks the rule and the actor's relation to
the issue, lets the action's step compute its changes (refusing bad input before anything is
written), compares-and-sets `version`, writes one IssueEvent whose `seq` is the new version, and
schedules side effects for after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfuwu.issues.models import Issue, IssueEvent, Status
from sanfuwu.people.models import Person, Role

log = logging.getLogger("sanfuwu.issues")


class Action(models.TextChoices):
    REGISTER = "register", gettext_lazy("登记")
    DISPATCH = "dispatch", gettext_lazy("交办")
    ACCEPT = "accept", gettext_lazy("签收")
    RETURN = "return", gettext_lazy("退回")
    REQUEST_EXTENSION = "request_extension", gettext_lazy("申请延期")
    APPROVE_EXTENSION = "approve_extension", gettext_lazy("同意延期")
    REFUSE_EXTENSION = "refuse_extension", gettext_lazy("不同意延期")
    MAKE_LONG_TERM = "make_long_term", gettext_lazy("转长效办理")
    RESOLVE = "resolve", gettext_lazy("办结")
    FEEDBACK = "feedback", gettext_lazy("答复")
    RATE = "rate", gettext_lazy("回访")
    CLOSE = "close", gettext_lazy("销号")
    VOID = "void", gettext_lazy("作废")
    SUPERVISE = "supervise", gettext_lazy("挂牌督办")
    INSTRUCT = "instruct", gettext_lazy("批示")
    CHECK_ITEM = "check_item", gettext_lazy("完成清单事项")


OPEN = frozenset({Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED, Status.LONG_TERM})
HANDLING = frozenset({Status.IN_PROGRESS, Status.LONG_TERM})


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]
    roles: frozenset[str]


RULES: dict[str, Rule] = {
    Action.DISPATCH: Rule(frozenset({Status.REGISTERED, Status.RETURNED}), frozenset({Role.DISPATCHER})),
    Action.ACCEPT: Rule(frozenset({Status.ASSIGNED, Status.IN_PROGRESS}), frozenset({Role.HANDLER})),
    Action.RETURN: Rule(frozenset({Status.ASSIGNED}), frozenset({Role.HANDLER})),
    Action.REQUEST_EXTENSION: Rule(frozenset({Status.IN_PROGRESS}), frozenset({Role.HANDLER})),
    Action.APPROVE_EXTENSION: Rule(frozenset({Status.IN_PROGRESS}), frozenset({Role.DISPATCHER})),
    Action.REFUSE_EXTENSION: Rule(frozenset({Status.IN_PROGRESS}), frozenset({Role.DISPATCHER})),
    Action.MAKE_LONG_TERM: Rule(frozenset({Status.IN_PROGRESS}), frozenset({Role.HANDLER})),
    Action.RESOLVE: Rule(HANDLING, frozenset({Role.HANDLER})),
    Action.FEEDBACK: Rule(frozenset({Status.RESOLVED}), frozenset({Role.DISPATCHER})),
    Action.RATE: Rule(frozenset({Status.RESOLVED}), frozenset({Role.DISPATCHER})),
    Action.CLOSE: Rule(frozenset({Status.RESOLVED}), frozenset({Role.DISPATCHER})),
    Action.VOID: Rule(OPEN | {Status.RESOLVED}, frozenset({Role.ADMIN})),
    Action.SUPERVISE: Rule(OPEN, frozenset({Role.SUPERVISOR, Role.LEADER})),
    Action.INSTRUCT: Rule(OPEN | {Status.RESOLVED}, frozenset({Role.LEADER})),
    Action.CHECK_ITEM: Rule(HANDLING | {Status.RESOLVED}, frozenset({Role.HANDLER, Role.DISPATCHER})),
}


class WorkflowError(Exception):
    """An action refused as a whole, with a reason in Chinese (field errors use ValidationError)."""


class NotAllowed(WorkflowError):
    pass


class Conflict(WorkflowError):
    pass


@dataclass
class Step:
    """What an action's step decided: the new status, the issue's changed fields, and writes to
    related rows that run only after the compare-and-set succeeded."""

    to_status: str
    changes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    after: list[Callable[[Issue, int], None]] = field(default_factory=list)
    on_commit: list[Callable[[], None]] = field(default_factory=list)


StepFn = Callable[[Issue, Person, dict[str, Any]], Step]
STEPS: dict[str, StepFn] = {}


def step(action: str) -> Callable[[StepFn], StepFn]:
    def register(fn: StepFn) -> StepFn:
        STEPS[action] = fn
        return fn

    return register


def allowed_actions(issue: Issue, actor: Person) -> list[str]:
    """The actions this person may try on this issue now; the page shows only these."""
    from sanfuwu.issues.relations import relation_refusal

    return [
        action
        for action, rule in RULES.items()
        if issue.status in rule.sources
        and actor_holds(actor, rule.roles)
        and relation_refusal(issue, action, actor) is None
        and has_subject(issue, action)
    ]


def has_subject(issue: Issue, action: str) -> bool:
    """Whether there is anything to act on: no checklist, no pending request, no button."""
    from sanfuwu.issues.models import Decision

    if action == Action.CHECK_ITEM:
        return issue.checklist.filter(done_at__isnull=True).exists()
    pending = issue.extensions.filter(decision=Decision.PENDING).exists()
    if action == Action.APPROVE_EXTENSION:
        return pending and issue.due_date is not None
    if action == Action.REFUSE_EXTENSION:
        return pending
    if action == Action.REQUEST_EXTENSION:
        return issue.due_date is not None and not pending
    if action == Action.RATE:
        return bool(issue.feedback)
    return True


def actor_holds(actor: Person, roles: frozenset[str]) -> bool:
    return bool(actor.roles & roles) or (actor.is_superuser and Role.ADMIN in roles)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def issue_act(*, issue: Issue, action: str, actor: Person, version: int, **payload: Any) -> Issue:
    """Take `action` on `issue` as `actor`, expecting the issue at `version`.

    Raises NotAllowed (the rule or the actor's relation refuses), Conflict (someone else changed
    the issue since `version`), or ValidationError (bad input). In every case nothing is written.
    """
    return _act(issue=issue, action=action, actor=actor, version=version, payload=payload)


def issue_act_as_system(*, issue: Issue, action: str, version: int, **payload: Any) -> Issue:
    """For periodic tasks (automatic supervision of overdue issues): no person, same rules of record."""
    return _act(issue=issue, action=action, actor=None, version=version, payload=payload)


def _act(*, issue: Issue, action: str, actor: Person | None, version: int, payload: dict[str, Any]) -> Issue:
    from sanfuwu.issues.relations import relation_refusal

    rule = RULES.get(action)
    if rule is None:
        raise NotAllowed(_("未知的操作。"))
    with transaction.atomic():
        current = Issue.objects.select_related("lead_department", "category", "region").get(pk=issue.pk)
        if current.version != version:
            raise Conflict(_("该问题刚刚已被他人处理（当前为“%(status)s”），页面已刷新为最新状态，请确认后再操作。")
                           % {"status": current.get_status_display()})  # fmt: skip
        if actor is not None and not actor_holds(actor, rule.roles):
            raise NotAllowed(_("您的角色不能执行“%(action)s”。") % {"action": Action(action).label})
        if current.status not in rule.sources:
            raise NotAllowed(
                _("问题当前为“%(status)s”，不能%(action)s。")
                % {"status": current.get_status_display(), "action": Action(action).label}
            )
        if actor is not None:
            refusal = relation_refusal(current, action, actor)
            if refusal:
                raise NotAllowed(refusal)
        result = STEPS[action](current, actor, payload)  # type: ignore[arg-type]
        return _commit(current, action, actor, version, result)


def _commit(issue: Issue, action: str, actor: Person | None, version: int, result: Step) -> Issue:
    now = timezone.now()
    updated = Issue.objects.filter(pk=issue.pk, version=version).update(
        status=result.to_status, version=F("version") + 1, **result.changes
    )
    if updated != 1:
        raise Conflict(_("该问题刚刚已被他人处理，页面已刷新为最新状态，请确认后再操作。"))
    seq = version + 1
    IssueEvent.objects.create(
        issue=issue, seq=seq, action=action, actor=actor, at=now, from_status=issue.status,
        to_status=result.to_status, note=result.note,
        changes={key: jsonable(value) for key, value in result.changes.items()},
    )  # fmt: skip
    fresh = Issue.objects.get(pk=issue.pk)
    for write in result.after:
        write(fresh, seq)
    number, who = issue.number, actor.username if actor else "system"
    transaction.on_commit(
        lambda: log.info("%s %s %s → %s by %s", number, action, issue.status, result.to_status, who)
    )
    for effect in result.on_commit:
        transaction.on_commit(effect)
    return fresh
