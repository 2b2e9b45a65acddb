"""The demo district's outlines for the map, and one common problem already taken to 专题协调:
decided at a meeting a week ago, one department's task done and one still open."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from sanfuwu.coordination.common import common_problems, period_months, problem_members
from sanfuwu.coordination.models import Coordination, CoordinationEvent
from sanfuwu.coordination.services import (
    coordination_decide,
    coordination_note,
    coordination_raise,
    coordination_task_add,
    coordination_task_done,
)
from sanfuwu.core.demokit import DemoContext
from sanfuwu.orgs.boundaries import demo_boundaries
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.people.models import Person

# Where the demo district lies (west, south, east, north), inside SANFUWU_DISTRICT_BOUNDS.
BOX = (120.30, 30.26, 120.46, 30.34)


def build(ctx: DemoContext) -> None:
    Coordination.objects.all().delete()  # a rebuilt demo raises its own again
    root = Region.objects.filter(kind=RegionKind.DISTRICT, parent=None).order_by("pk").first()
    if root is None:
        return
    drawn = demo_boundaries(root, BOX)
    ctx.say(f"  区域边界：{drawn} 个区域")
    leader = Person.objects.filter(username="leader").first()
    if leader is None:
        return
    start, end = period_months(3, ctx.today)
    problems = common_problems(leader, start, end)
    if not problems:
        return
    top = problems[0]
    issues = list(problem_members(leader, start, end, top.category, top.topic)[:200])
    coordination = coordination_raise(
        actor=leader,
        title=f"关于{top.topic}问题的专题协调",
        issues=issues,
        category=top.category,
        topic=top.topic,
    )
    # Raised ten days before the demo's today (a demo built for a past day reads as of that day).
    raised = timezone.make_aware(datetime.combine(ctx.today - timedelta(days=10), time(9, 30)))
    Coordination.objects.filter(pk=coordination.pk).update(raised_at=raised)
    CoordinationEvent.objects.filter(coordination=coordination).update(at=raised)
    coordination_decide(
        coordination=coordination, actor=leader, meeting_date=min(ctx.today, timezone.localdate()) - timedelta(days=7),
        decision=f"{top.category.default_department.name}牵头，会同属地街道摸排{top.topic}问题，两周内拿出整改方案；"
        "各街道同步排查辖区同类问题。",
    )  # fmt: skip
    lead = coordination_task_add(
        coordination=coordination, actor=leader, department=top.category.default_department,
        text=f"摸排全区{top.topic}问题，形成整改方案", workdays=10,
    )  # fmt: skip
    coordination_task_done(task=lead, actor=leader, note="已完成摸排，整改方案已报区领导。")
    from sanfuwu.orgs.models import Department

    other = (
        Department.objects.filter(active=True)
        .exclude(pk=top.category.default_department_id)
        .order_by("pk")
        .first()
    )
    if other is not None:
        coordination_task_add(
            coordination=coordination, actor=leader, department=other, text="配合落实整改方案所需的经费与政策",
            workdays=15,
        )  # fmt: skip
    coordination_note(coordination=coordination, actor=leader, text="整改方案已审定，进入实施阶段。")
    ctx.say(f"  专题协调：{coordination.title}（{len(issues)} 件问题）")
