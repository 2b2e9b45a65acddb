"""Issues in every status, built through the workflow itself, and one person per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from sanfuwu.issues.models import ChecklistTemplateItem, Issue, Status, Tier
from sanfuwu.issues.services import issue_register
from sanfuwu.issues.workflow import issue_act
from sanfuwu.orgs.models import Category, Department
from sanfuwu.people.models import Person, Role
from tests.conftest import World, make_person


@dataclass
class Cast:
    world: World
    category: Category
    other_department: Department
    people: dict[str, Person]

    def act(self, issue: Issue, action: str, role: str, **payload: object) -> Issue:
        issue = Issue.objects.get(pk=issue.pk)
        return issue_act(
            issue=issue, action=action, actor=self.people[role], version=issue.version, **payload
        )


def payload_for(action: str, issue: Issue, cast: Cast) -> dict[str, object]:
    if action == "merge":
        # Another report of the same problem, which the issue is merged into.
        return {"original": new_issue(cast)}
    today = timezone.localdate()
    payloads: dict[str, dict[str, object]] = {
        "dispatch": {"lead_department": cast.world.jianshe, "co_departments": [cast.other_department],
                     "tier": Tier.DEADLINE, "workdays": 3},
        "accept": {},
        "return": {"reason": "不属于本部门职责范围，请改派。"},
        "request_extension": {"workdays": 3, "reason": "需要协调供电公司迁改线路。"},
        "approve_extension": {"decision_note": "同意"},
        "refuse_extension": {"decision_note": "理由不充分，请按期办结。"},
        "make_long_term": {"plan": "分三期推进老旧小区改造。", "milestones": [("完成设计方案", today + timedelta(days=10))]},
        "resolve": {"resolution": "已修复破损路面并恢复通行。"},
        "feedback": {"feedback": "已电话告知反映人办理结果。"},
        "rate": {"rating": "satisfied"},
        "close": {},
        "void": {"reason": "与 WT-2025-000001 重复登记。"},
        "supervise": {"level": "key", "note": "群众反映强烈"},
        "instruct": {"text": "请建设局本周内办结。"},
        "check_item": {"item_id": issue.checklist.filter(done_at__isnull=True).values_list("pk", flat=True).first()},
        "assign_handler": {"handler": cast.people[Role.HANDLER]},
        "complete_milestone": {"milestone_id": issue.milestones.filter(done_at__isnull=True).values_list("pk", flat=True).first()},  # noqa: E501
    }  # fmt: skip
    return payloads[action]


@pytest.fixture
def cast(world: World) -> Cast:
    category = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    ChecklistTemplateItem.objects.bulk_create(
        [
            ChecklistTemplateItem(category=category, label=label, sort_order=i)
            for i, label in enumerate(["走访", "回访"])
        ]
    )
    other = Department.objects.create(code="chengguan", name="城市管理局", region=world.district)
    people: dict[str, Person] = {
        Role.ADMIN: make_person("i_admin", [Role.ADMIN], region=world.district),
        Role.LEADER: make_person("i_leader", [Role.LEADER], region=world.district),
        Role.DISPATCHER: make_person("i_dispatcher", [Role.DISPATCHER], region=world.district),
        Role.HANDLER: make_person("i_handler", [Role.HANDLER], department=world.jianshe),
        Role.HEAD: make_person("i_head", [Role.HEAD], department=world.jianshe),
        Role.VISITOR: make_person("i_visitor", [Role.VISITOR], region=world.touge_grid),
        Role.SUPERVISOR: make_person("i_supervisor", [Role.SUPERVISOR], region=world.district),
        Role.EVALUATOR: make_person("i_evaluator", [Role.EVALUATOR], region=world.district),
    }
    return Cast(world=world, category=category, other_department=other, people=people)


def new_issue(cast: Cast) -> Issue:
    return issue_register(
        actor=cast.people[Role.VISITOR], title="头格社区6号大街路面塌陷",
        description="6号大街与文渊路口路面塌陷约两平方米，车辆绕行。",
        source="visit", category=cast.category, region=cast.world.touge_grid, target=cast.world.xiasha_firm,
        raiser_name="王伟", raiser_phone="13812345678",
    )  # fmt: skip


def issue_in(status: str, cast: Cast) -> Issue:
    """An issue brought to `status` the way people would bring it there."""
    issue = new_issue(cast)
    if status == Status.REGISTERED:
        return issue
    if status == Status.VOID:
        return cast.act(issue, "void", Role.ADMIN, reason="重复登记，作废。")
    issue = cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))
    if status == Status.ASSIGNED:
        return issue
    if status == Status.RETURNED:
        return cast.act(issue, "return", Role.HANDLER, reason="不属于本部门职责范围。")
    issue = cast.act(issue, "accept", Role.HANDLER)
    if status == Status.IN_PROGRESS:
        return issue
    if status == Status.LONG_TERM:
        return cast.act(issue, "make_long_term", Role.HANDLER, **payload_for("make_long_term", issue, cast))
    for item in issue.checklist.all():
        issue = cast.act(issue, "check_item", Role.HANDLER, item_id=item.pk)
    issue = cast.act(issue, "resolve", Role.HANDLER, **payload_for("resolve", issue, cast))
    issue = cast.act(issue, "feedback", Role.DISPATCHER, **payload_for("feedback", issue, cast))
    issue = cast.act(issue, "rate", Role.DISPATCHER, rating="satisfied")
    if status == Status.RESOLVED:
        return issue
    return cast.act(issue, "close", Role.DISPATCHER)
