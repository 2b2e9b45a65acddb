"""专题协调 from raising to close-out: each step by whom it belongs to, and nothing half-done."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sanfuwu.coordination.models import CoordinationStatus, EventKind
from sanfuwu.coordination.selectors import coordination_candidates, coordinations_visible_to
from sanfuwu.coordination.services import (
    coordination_close,
    coordination_decide,
    coordination_raise,
    coordination_task_add,
    coordination_task_done,
)
from sanfuwu.people.models import Role
from tests.conftest import make_person
from tests.coordination.conftest import PARKING, Desk


def raised(desk: Desk):
    w = desk.world
    issues = [
        desk.register(t, r)
        for t, r in zip(PARKING[:3], [w.touge_grid, w.baiyang_grid, w.park_grid], strict=True)
    ]
    return coordination_raise(
        actor=desk.leader,
        title="关于停车位不足的专题协调",
        issues=issues,
        category=desk.parking,
        topic="停车位不足",
    )


def test_it_raises_a_common_problem_with_its_issues(desk: Desk):
    c = raised(desk)
    assert c.status == CoordinationStatus.RAISED
    assert c.links.count() == 3
    assert list(c.events.values_list("kind", flat=True)) == [EventKind.RAISE]


def test_only_the_leadership_raises(desk: Desk):
    with pytest.raises(PermissionDenied):
        coordination_raise(
            actor=desk.grid_worker, title="x", issues=[desk.register(PARKING[0], desk.world.touge_grid)]
        )


def test_it_adds_later_issues_of_the_same_problem(desk: Desk):
    c = raised(desk)
    later = desk.register(PARKING[3], desk.world.touge_grid)
    assert later in coordination_candidates(c, desk.leader)
    from sanfuwu.coordination.services import coordination_add_issues

    assert coordination_add_issues(coordination=c, actor=desk.leader, issues=[later]) == 1
    assert coordination_add_issues(coordination=c, actor=desk.leader, issues=[later]) == 0
    assert later not in coordination_candidates(c, desk.leader)


def test_it_refuses_tasks_before_the_meeting_decided(desk: Desk):
    c = raised(desk)
    with pytest.raises(ValidationError) as exc:
        coordination_task_add(
            coordination=c, actor=desk.leader, department=desk.chengguan, text="增设车位", workdays=10
        )
    assert "会议决定" in str(exc.value)
    assert not c.tasks.exists()


def test_it_refuses_a_meeting_in_the_future_and_an_empty_decision(desk: Desk):
    c = raised(desk)
    with pytest.raises(ValidationError) as exc:
        coordination_decide(
            coordination=c,
            actor=desk.leader,
            meeting_date=timezone.localdate() + timedelta(days=2),
            decision=" ",
        )
    assert set(exc.value.message_dict) == {"meeting_date", "decision"}


def test_closing_needs_every_task_done(desk: Desk):
    c = raised(desk)
    coordination_decide(
        coordination=c, actor=desk.leader, meeting_date=timezone.localdate(), decision="城管牵头增设车位"
    )
    with pytest.raises(ValidationError, match="没有交办任务"):
        coordination_close(coordination=c, actor=desk.leader, summary="已办结")
    first = coordination_task_add(
        coordination=c, actor=desk.leader, department=desk.chengguan, text="规划临时车位", workdays=10
    )
    second = coordination_task_add(
        coordination=c, actor=desk.leader, department=desk.jianshe, text="改造地下车库", workdays=20
    )
    assert first.due_date > timezone.localdate()
    coordination_task_done(task=first, actor=desk.handler, note="已增设临时车位 120 个")
    with pytest.raises(ValidationError, match="改造地下车库"):
        coordination_close(coordination=c, actor=desk.leader, summary="已办结")
    c.refresh_from_db()
    assert c.status == CoordinationStatus.DECIDED
    coordination_task_done(task=second, actor=desk.leader, note="车库改造完成")
    closed = coordination_close(coordination=c, actor=desk.leader, summary="两项任务均已完成")
    assert closed.status == CoordinationStatus.CLOSED
    with pytest.raises(ValidationError, match="已办结"):
        coordination_decide(
            coordination=c, actor=desk.leader, meeting_date=timezone.localdate(), decision="再议"
        )


def test_a_task_is_done_only_by_its_department_or_the_leadership(desk: Desk):
    c = raised(desk)
    coordination_decide(
        coordination=c, actor=desk.leader, meeting_date=timezone.localdate(), decision="建设局改造车库"
    )
    task = coordination_task_add(
        coordination=c, actor=desk.leader, department=desk.jianshe, text="改造车库", workdays=5
    )
    with pytest.raises(PermissionDenied):
        coordination_task_done(task=task, actor=desk.handler, note="不是本部门的")
    task.refresh_from_db()
    assert task.done_at is None


def test_department_staff_see_only_coordinations_that_task_them(desk: Desk):
    c = raised(desk)
    assert c not in coordinations_visible_to(desk.handler)
    coordination_decide(
        coordination=c, actor=desk.leader, meeting_date=timezone.localdate(), decision="城管增设车位"
    )
    coordination_task_add(
        coordination=c, actor=desk.leader, department=desk.chengguan, text="增设车位", workdays=5
    )
    assert c in coordinations_visible_to(desk.handler)
    visitor = make_person("v_other", [Role.VISITOR], region=desk.world.district)
    assert not coordinations_visible_to(visitor).exists()
