"""Beyond the role: is this person the one who may act on this issue? (A handler of the lead
department, a dispatcher whose territory holds the issue, …)"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sanfuwu.issues.models import AssignmentState, Issue
from sanfuwu.people.models import Person, Role
from sanfuwu.people.scope import scope_of


def _covers(actor: Person, issue: Issue) -> bool:
    return scope_of(actor).covers(issue.region)


def _in_lead(actor: Person, issue: Issue) -> bool:
    return actor.department_id is not None and actor.department_id == issue.lead_department_id


def _pending_assignment(actor: Person, issue: Issue) -> bool:
    if actor.department_id is None:
        return False
    return issue.assignments.filter(department_id=actor.department_id, state=AssignmentState.PENDING).exists()


def relation_refusal(issue: Issue, action: str, actor: Person) -> str | None:
    """None when the actor stands in the right relation to the issue, else the reason why not."""
    roles = actor.roles
    if action == "dispatch" or action in (
        "approve_extension",
        "refuse_extension",
        "feedback",
        "rate",
        "close",
    ):
        return None if _covers(actor, issue) else _("该问题不在您的调度范围内。")
    if action == "accept":
        return None if _pending_assignment(actor, issue) else _("该问题没有交办给您的部门，或已签收。")
    if action == "return":
        if not _in_lead(actor, issue):
            return _("只有主办部门可以退回。")
        if issue.assignments.filter(
            department_id=actor.department_id or 0, state=AssignmentState.RETURNED
        ).exists():
            return _("每个部门对同一问题只能退回一次。")
        return None if _pending_assignment(actor, issue) else _("已签收的问题不能退回。")
    if action in ("request_extension", "make_long_term", "resolve"):
        return None if _in_lead(actor, issue) else _("只有主办部门可以办理。")
    if action == "check_item":
        if Role.HANDLER in roles and _in_lead(actor, issue):
            return None
        if Role.DISPATCHER in roles and _covers(actor, issue):
            return None
        return _("只有主办部门或调度员可以完成清单事项。")
    if action in ("supervise", "instruct"):
        return None if _covers(actor, issue) else _("该问题不在您的管辖范围内。")
    if action == "void":
        return None
    return _("未知的操作。")
