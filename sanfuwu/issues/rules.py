"""Who may do what to an issue, and from which status: one table, and one function that checks it.

For each action the table says the statuses it may start from and who may take it: a role, and
the relation to the issue that the role must stand in (a dispatcher whose territory holds the
issue, a handler of the department it was handed to, …). Live actions, the historic ledger and
the demo all go through sanfuwu.issues.history, which asks `rule_refusal` before every step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfuwu.issues.models import (
    AWAITING_DISPATCH_STATUSES,
    HANDLING_STATUSES,
    OPEN_STATUSES,
    Action,
    AssignmentState,
    Decision,
    Rating,
    Source,
    Status,
    Tier,
)
from sanfuwu.people.models import Person, Role
from sanfuwu.people.roles import REGISTRARS
from sanfuwu.people.scope import Scope, scope_of
from sanfuwu.people.selectors import absent_ids_covered_by

if TYPE_CHECKING:
    from sanfuwu.issues.history import History

# The status of an issue not yet registered: registration is the one action that starts there.
NEW = ""

# Not a staff role: the public channel (网上诉求) acting for a resident or an enterprise that has no
# login, only a tracking code (查询码). It registers problems and rates the answers to those it
# raised; no Person's roles hold it, so it opens no page.
PUBLIC = "public"


class Relation(models.TextChoices):
    ANY = "any", gettext_lazy("任何问题")
    TERRITORY = "territory", gettext_lazy("辖区内的问题")
    HANDED_OVER = "handed_over", gettext_lazy("交办给本部门、尚未签收的问题")
    LEAD = "lead", gettext_lazy("本部门主办的问题")
    LEAD_UNSIGNED = "lead_unsigned", gettext_lazy("本部门主办、尚未签收、未退回过的问题")
    OWN_ON_SPOT = "own_on_spot", gettext_lazy("本人登记、当场办结、未交办过的问题")
    RAISED = "raised", gettext_lazy("网上诉求渠道受理的问题")


@dataclass(frozen=True)
class Actor:
    """Whoever takes an action, as the rules see them. `person` is recorded on the event; None is
    the system (the periodic job that flags late issues)."""

    person: Person | None
    roles: frozenset[str]
    department_id: int | None
    scope: Scope
    # Whom this person stands in for today (代理): they may act on those people's issues.
    covering: frozenset[int] = frozenset()

    @classmethod
    def of(cls, person: Person) -> Actor:
        roles = (person.roles | {Role.ADMIN}) if person.is_superuser else person.roles
        covering = absent_ids_covered_by(person)
        return cls(person, frozenset(roles), person.department_id, scope_of(person), covering)

    @classmethod
    def public(cls, channel: Person) -> Actor:
        """The public channel, recorded as its own account (`channel`): a resident anywhere in the
        district may raise a problem, and the edge has already checked the tracking code."""
        return cls(channel, frozenset({PUBLIC}), None, Scope(everything=True, region=None))

    def standing_in(self, *, role: str, department_id: int | None = None) -> Actor:
        """This person recording what a unit did (a ledger's history): the rules are those of
        `role`, within this person's own territory, for `department_id` when a department acted."""
        return Actor(self.person, frozenset({role}), department_id, self.scope)

    @property
    def is_system(self) -> bool:
        return self.person is None


SYSTEM = Actor(None, frozenset(), None, Scope(everything=True, region=None))


@dataclass(frozen=True)
class Grant:
    roles: frozenset[str]
    relation: str


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]
    grants: tuple[Grant, ...]
    # The periodic job may take it with nobody acting.
    by_system: bool = False
    roles: frozenset[str] = field(init=False)  # every role some grant names

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset().union(*(grant.roles for grant in self.grants)))


def _grant(relation: str, *roles: str) -> Grant:
    return Grant(frozenset(roles), relation)


RULES: dict[str, Rule] = {
    Action.REGISTER: Rule(
        frozenset({NEW}), (Grant(REGISTRARS, Relation.TERRITORY), _grant(Relation.TERRITORY, PUBLIC))
    ),
    Action.DISPATCH: Rule(AWAITING_DISPATCH_STATUSES, (_grant(Relation.TERRITORY, Role.DISPATCHER),)),
    Action.ACCEPT: Rule(
        frozenset({Status.ASSIGNED, Status.IN_PROGRESS}),
        (_grant(Relation.HANDED_OVER, Role.HANDLER, Role.HEAD),),
    ),
    Action.RETURN: Rule(
        frozenset({Status.ASSIGNED}), (_grant(Relation.LEAD_UNSIGNED, Role.HANDLER, Role.HEAD),)
    ),
    Action.REQUEST_EXTENSION: Rule(
        frozenset({Status.IN_PROGRESS}), (_grant(Relation.LEAD, Role.HANDLER, Role.HEAD),)
    ),
    Action.APPROVE_EXTENSION: Rule(
        frozenset({Status.IN_PROGRESS}), (_grant(Relation.TERRITORY, Role.DISPATCHER),)
    ),
    Action.REFUSE_EXTENSION: Rule(
        frozenset({Status.IN_PROGRESS}), (_grant(Relation.TERRITORY, Role.DISPATCHER),)
    ),
    Action.MAKE_LONG_TERM: Rule(
        frozenset({Status.IN_PROGRESS}), (_grant(Relation.LEAD, Role.HANDLER, Role.HEAD),)
    ),
    Action.COMPLETE_MILESTONE: Rule(
        frozenset({Status.LONG_TERM}), (_grant(Relation.LEAD, Role.HANDLER, Role.HEAD),)
    ),
    Action.RESOLVE: Rule(HANDLING_STATUSES, (_grant(Relation.LEAD, Role.HANDLER, Role.HEAD),)),
    # A grid worker who solved a problem on the spot and told the raiser there answers, records
    # the rating and closes it as they register it; everything else after 办结 is the dispatcher's.
    Action.FEEDBACK: Rule(
        frozenset({Status.RESOLVED}),
        (_grant(Relation.TERRITORY, Role.DISPATCHER), _grant(Relation.OWN_ON_SPOT, Role.VISITOR)),
    ),
    # The raiser's own rating through the public channel is the return visit too (回访).
    Action.RATE: Rule(
        frozenset({Status.RESOLVED}),
        (
            _grant(Relation.TERRITORY, Role.DISPATCHER),
            _grant(Relation.OWN_ON_SPOT, Role.VISITOR),
            _grant(Relation.RAISED, PUBLIC),
        ),
    ),
    Action.CLOSE: Rule(
        frozenset({Status.RESOLVED}),
        (_grant(Relation.TERRITORY, Role.DISPATCHER), _grant(Relation.OWN_ON_SPOT, Role.VISITOR)),
    ),
    Action.VOID: Rule(OPEN_STATUSES | {Status.RESOLVED}, (_grant(Relation.ANY, Role.ADMIN),)),
    Action.SUPERVISE: Rule(
        OPEN_STATUSES, (_grant(Relation.TERRITORY, Role.SUPERVISOR, Role.LEADER),), by_system=True
    ),
    Action.INSTRUCT: Rule(OPEN_STATUSES | {Status.RESOLVED}, (_grant(Relation.TERRITORY, Role.LEADER),)),
    Action.CHECK_ITEM: Rule(
        HANDLING_STATUSES | {Status.RESOLVED},
        (_grant(Relation.LEAD, Role.HANDLER, Role.HEAD), _grant(Relation.TERRITORY, Role.DISPATCHER)),
    ),
    # A duplicate found while sorting is merged into the issue that is handled for both.
    Action.MERGE: Rule(AWAITING_DISPATCH_STATUSES, (_grant(Relation.TERRITORY, Role.DISPATCHER),)),
    # The head (负责人) gives a signed-for issue of the department to one of its handlers, or to another.
    Action.ASSIGN_HANDLER: Rule(HANDLING_STATUSES, (_grant(Relation.LEAD, Role.HEAD),)),
}


def _in_lead(h: History, actor: Actor) -> bool:
    return actor.department_id is not None and actor.department_id == h.issue.lead_department_id


def _holds(h: History, actor: Actor, state: str) -> bool:
    return actor.department_id is not None and any(
        a.department_id == actor.department_id and a.state == state for a in h.assignments
    )


def _territory(h: History, actor: Actor, action: str) -> str | None:
    if actor.scope.covers(h.issue.region):
        return None
    if action == Action.REGISTER:
        return _("所选区域不在您的管辖范围内。")
    return _("该问题不在您的管辖范围内。")


def _handed_over(h: History, actor: Actor, action: str) -> str | None:
    if _holds(h, actor, AssignmentState.PENDING):
        return None
    return _("该问题没有交办给您的部门，或已签收。")


def _lead(h: History, actor: Actor, action: str) -> str | None:
    if not _in_lead(h, actor):
        return _("只有主办部门可以%(action)s。") % {"action": Action(action).label}
    if _handles(h, actor):
        return None
    name = h.issue.handler.name if h.issue.handler else ""
    return _("该问题已分派给 %(name)s，由其本人、代理人或部门负责人办理。") % {"name": name}


def _handles(h: History, actor: Actor) -> bool:
    """Before the head assigns it, anyone of the lead department may handle an issue; after, its
    handler, the head, and whoever stands in for the handler while they are away."""
    handler_id = h.issue.handler_id
    if handler_id is None or Role.HEAD in actor.roles:
        return True
    return actor.person is not None and (actor.person.pk == handler_id or handler_id in actor.covering)


def acting_for(h: History, action: str, actor: Actor) -> int | None:
    """The absent handler a stand-in acts for (the event says "代 张三"), or None when the actor
    acts in their own right."""
    handler_id = h.issue.handler_id
    if handler_id is None or actor.person is None or handler_id not in actor.covering:
        return None
    if actor.person.pk == handler_id or Role.HEAD in actor.roles:
        return None
    rule = RULES.get(action)
    leads = rule is not None and any(
        g.relation == Relation.LEAD and actor.roles & g.roles for g in rule.grants
    )
    return handler_id if leads and _in_lead(h, actor) else None


def _lead_unsigned(h: History, actor: Actor, action: str) -> str | None:
    if not _in_lead(h, actor):
        return _("只有主办部门可以%(action)s。") % {"action": Action(action).label}
    if _holds(h, actor, AssignmentState.RETURNED):
        return _("每个部门对同一问题只能退回一次。")
    if not _holds(h, actor, AssignmentState.PENDING):
        return _("已签收的问题不能退回。")
    return None


def _own_on_spot(h: History, actor: Actor, action: str) -> str | None:
    issue = h.issue
    own = actor.person is not None and issue.registered_by_id == actor.person.pk
    # Once handed to a department (a 不满意 reopened it) the issue is the office's to answer.
    if (
        own
        and issue.tier == Tier.DONE
        and issue.lead_department_id is None
        and actor.scope.covers(issue.region)
    ):
        return None
    return _("只有调度员，或当场办结该问题的登记人，可以%(action)s。") % {"action": Action(action).label}


def _raised(h: History, actor: Actor, action: str) -> str | None:
    issue = h.issue
    if actor.person is None or issue.registered_by_id != actor.person.pk or issue.source != Source.PORTAL:
        return _("只能评价通过网上诉求反映的本人问题。")
    # Once content, the raiser's word stands until the office strikes the issue off: a 不满意 then
    # would reopen what they accepted, and overwrite a return visit a dispatcher recorded.
    if issue.rating in (Rating.SATISFIED, Rating.BASIC):
        return _("已评价过本次答复，不能重复评价。")
    return None


RELATIONS: dict[str, Callable[[History, Actor, str], str | None]] = {
    Relation.ANY: lambda h, actor, action: None,
    Relation.TERRITORY: _territory,
    Relation.HANDED_OVER: _handed_over,
    Relation.LEAD: _lead,
    Relation.LEAD_UNSIGNED: _lead_unsigned,
    Relation.OWN_ON_SPOT: _own_on_spot,
    Relation.RAISED: _raised,
}


@dataclass(frozen=True)
class Refusal:
    """Why the rules refuse: the actor's `role`, the issue's `status`, or the actor's `relation`
    to the issue; callers place the message by it (a form's field, a ledger's column)."""

    kind: str
    message: str

    def __str__(self) -> str:
        return self.message


def rule_refusal(h: History, action: str, actor: Actor) -> Refusal | None:
    """None when `actor` may take `action` on the issue as it stands in `h`, else why not."""
    rule = RULES.get(action)
    if rule is None:
        return Refusal("status", _("未知的操作。"))
    label = Action(action).label  # lazy: translated only when a refusal says it
    if actor.is_system:
        if not rule.by_system:
            return Refusal("role", _("“%(action)s”须由有关人员办理。") % {"action": label})
    elif not actor.roles & rule.roles:
        if action == Action.REGISTER:
            return Refusal("role", _("您的角色不能登记问题。"))
        return Refusal("role", _("您的角色不能执行“%(action)s”。") % {"action": label})
    if h.issue.status not in rule.sources:
        if action == Action.REGISTER:
            return Refusal("status", _("该问题已经登记。"))
        status = Status(h.issue.status).label
        return Refusal(
            "status", _("问题当前为“%(status)s”，不能%(action)s。") % {"status": status, "action": label}
        )
    if actor.is_system:
        return None
    refusals = [
        RELATIONS[grant.relation](h, actor, action) for grant in rule.grants if actor.roles & grant.roles
    ]
    if None in refusals:
        return None
    return Refusal("relation", refusals[0] or "")


def subject_missing(h: History, action: str) -> bool:
    """Nothing to act on (no open checklist item, no pending request…): the page offers no button,
    though the rule itself would let the person try."""
    pending = any(e.decision == Decision.PENDING for e in h.extensions)
    if action == Action.CHECK_ITEM:
        return all(item.done_at is not None for item in h.checklist)
    if action == Action.COMPLETE_MILESTONE:
        return all(m.done_at is not None for m in h.milestones)
    if action == Action.APPROVE_EXTENSION:
        return not pending or h.issue.due_date is None
    if action == Action.REFUSE_EXTENSION:
        return not pending
    if action == Action.REQUEST_EXTENSION:
        return h.issue.due_date is None or pending
    return False
