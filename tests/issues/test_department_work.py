"""Work inside a department: the head assigns and reassigns a signed-for issue to a handler, only
that handler (or the head, or their stand-in while they are away) handles it afterwards, and the
worklist shows 我的 and 本部门."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sanfuwu.issues.models import Action, Issue, IssueEvent, Status
from sanfuwu.issues.selectors import issue_worklists
from sanfuwu.issues.workflow import NotAllowed, allowed_actions, issue_act
from sanfuwu.people.models import Person, Role, StandIn
from sanfuwu.people.services import stand_in_cancel, stand_in_set
from tests.conftest import client_for, make_person
from tests.issues.conftest import Cast, issue_in


@pytest.fixture
def team(cast: Cast) -> dict[str, Person]:
    """建设局 as a team: its head (who also handles), two handlers, and another department's head."""
    jianshe = cast.world.jianshe
    return {
        "head": make_person("t_head", [Role.HEAD, Role.HANDLER], department=jianshe),
        "zhang": make_person("t_zhang", [Role.HANDLER], department=jianshe),
        "li": make_person("t_li", [Role.HANDLER], department=jianshe),
        "other_head": make_person(
            "t_other_head", [Role.HEAD, Role.HANDLER], department=cast.other_department
        ),
    }


def act(issue: Issue, action: str, person: Person, **payload: object) -> Issue:
    issue = Issue.objects.get(pk=issue.pk)
    return issue_act(issue=issue, action=action, actor=person, version=issue.version, **payload)


def last_event(issue: Issue) -> IssueEvent:
    return IssueEvent.objects.filter(issue=issue).order_by("-seq").first()  # type: ignore[return-value]


def assigned(cast: Cast, team: dict[str, Person], to: str = "zhang") -> Issue:
    issue = issue_in(Status.IN_PROGRESS, cast)
    return act(issue, Action.ASSIGN_HANDLER, team["head"], handler=team[to])


# --- assignment through the workflow --------------------------------------------------------------


def test_the_head_assigns_and_reassigns_and_each_is_an_event(cast: Cast, team) -> None:
    issue = assigned(cast, team)
    assert issue.handler == team["zhang"] and issue.status == Status.IN_PROGRESS
    event = last_event(issue)
    assert (event.action, event.actor, event.note) == (
        Action.ASSIGN_HANDLER,
        team["head"],
        f"分派给 {team['zhang'].name}",
    )
    assert event.changes == {"handler": team["zhang"].pk}
    issue = act(issue, Action.ASSIGN_HANDLER, team["head"], handler=team["li"], note="张三外出培训")
    assert issue.handler == team["li"]
    assert last_event(issue).note == f"改派给 {team['li'].name}：张三外出培训"


def test_only_a_head_of_the_lead_department_assigns(cast: Cast, team) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    with pytest.raises(NotAllowed, match="角色不能"):
        act(issue, Action.ASSIGN_HANDLER, team["zhang"], handler=team["li"])
    with pytest.raises(NotAllowed, match="只有主办部门"):
        act(issue, Action.ASSIGN_HANDLER, team["other_head"], handler=team["li"])
    assert Issue.objects.get(pk=issue.pk).handler is None


def test_it_assigns_only_to_an_active_handler_of_the_lead_department(cast: Cast, team) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    outsider = make_person("t_outsider", [Role.HANDLER], department=cast.other_department)
    with pytest.raises(ValidationError) as exc:
        act(issue, Action.ASSIGN_HANDLER, team["head"], handler=outsider)
    assert "handler" in exc.value.message_dict
    issue = act(issue, Action.ASSIGN_HANDLER, team["head"], handler=team["zhang"])
    with pytest.raises(ValidationError, match="无需改派"):
        act(issue, Action.ASSIGN_HANDLER, team["head"], handler=team["zhang"])


def test_an_issue_is_assigned_only_once_signed_for(cast: Cast, team) -> None:
    issue = issue_in(Status.ASSIGNED, cast)
    with pytest.raises(NotAllowed, match="不能分派经办人"):
        act(issue, Action.ASSIGN_HANDLER, team["head"], handler=team["zhang"])


def test_a_handler_who_is_not_the_assignee_is_refused_and_the_assignee_and_head_may_act(
    cast: Cast, team
) -> None:
    issue = assigned(cast, team)
    with pytest.raises(NotAllowed, match="已分派给"):
        act(issue, Action.RESOLVE, team["li"], resolution="已修复。")
    assert Action.RESOLVE not in allowed_actions(issue, team["li"])
    assert Action.RESOLVE in allowed_actions(issue, team["zhang"])
    act(issue, Action.REQUEST_EXTENSION, team["head"], workdays=2, reason="需要协调供电公司。")
    done = act(issue, Action.RESOLVE, team["zhang"], resolution="已修复破损路面。")
    assert done.status == Status.RESOLVED and last_event(done).actor == team["zhang"]


def test_before_any_assignment_any_handler_of_the_department_acts(cast: Cast, team) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    assert act(issue, Action.RESOLVE, team["li"], resolution="已修复。").status == Status.RESOLVED


def test_a_return_visit_that_reopens_keeps_the_handler_and_a_new_dispatch_clears_it(cast: Cast, team) -> None:
    issue = assigned(cast, team)
    for item in issue.checklist.all():
        issue = act(issue, Action.CHECK_ITEM, team["zhang"], item_id=item.pk)
    issue = act(issue, Action.RESOLVE, team["zhang"], resolution="已修复。")
    issue = act(issue, Action.FEEDBACK, cast.people[Role.DISPATCHER], feedback="已告知。")
    issue = act(issue, Action.RATE, cast.people[Role.DISPATCHER], rating="unsatisfied")
    assert (issue.status, issue.reopen_count, issue.handler) == (Status.IN_PROGRESS, 1, team["zhang"])
    with pytest.raises(NotAllowed):
        act(issue, Action.RESOLVE, team["li"], resolution="再次修复。")


# --- stand-ins (代理 / AB角) ------------------------------------------------------------------------


def test_a_stand_in_acts_while_the_assignee_is_away_and_the_event_says_for_whom(cast: Cast, team) -> None:
    issue = assigned(cast, team)
    today = timezone.localdate()
    stand_in_set(actor=team["head"], absent=team["zhang"], stand_in=team["li"], starts_on=today,
                 ends_on=today + timedelta(days=3))  # fmt: skip
    assert Action.RESOLVE in allowed_actions(issue, team["li"])
    done = act(issue, Action.RESOLVE, team["li"], resolution="已修复破损路面。")
    event = last_event(done)
    assert event.actor == team["li"]
    assert f"代 {team['zhang'].name}" in event.note


def test_a_stand_in_cannot_act_after_the_period_or_once_cancelled(cast: Cast, team) -> None:
    issue = assigned(cast, team)
    today = timezone.localdate()
    StandIn.objects.create(absent=team["zhang"], stand_in=team["li"], set_by=team["head"],
                           starts_on=today - timedelta(days=5), ends_on=today - timedelta(days=1))  # fmt: skip
    with pytest.raises(NotAllowed, match="已分派给"):
        act(issue, Action.RESOLVE, team["li"], resolution="已修复。")
    current = stand_in_set(actor=team["zhang"], absent=team["zhang"], stand_in=team["li"], starts_on=today,
                           ends_on=today)  # fmt: skip
    act(issue, Action.REQUEST_EXTENSION, team["li"], workdays=2, reason="需要协调供电公司。")
    stand_in_cancel(actor=team["zhang"], stand_in=current)
    with pytest.raises(NotAllowed, match="已分派给"):
        act(issue, Action.RESOLVE, team["li"], resolution="已修复。")


def test_a_head_acting_is_not_recorded_as_standing_in(cast: Cast, team) -> None:
    issue = assigned(cast, team)
    today = timezone.localdate()
    stand_in_set(
        actor=team["head"], absent=team["zhang"], stand_in=team["head"], starts_on=today, ends_on=today
    )
    done = act(issue, Action.RESOLVE, team["head"], resolution="已修复。")
    assert "代" not in last_event(done).note


@pytest.mark.parametrize(
    ("who", "absent", "stand_in", "field"),
    [
        ("zhang", "li", "head", "absent"),  # a handler sets a stand-in for themself only
        ("other_head", "zhang", "li", "absent"),  # another department's head
        ("head", "zhang", "zhang", "stand_in"),  # not oneself
        ("head", "zhang", "other_head", "stand_in"),  # someone of the same department
    ],
)
def test_it_refuses_a_stand_in_outside_the_rules(cast: Cast, team, who, absent, stand_in, field) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        stand_in_set(
            actor=team[who], absent=team[absent], stand_in=team[stand_in], starts_on=today, ends_on=today
        )
    assert field in exc.value.message_dict
    assert not StandIn.objects.exists()


def test_it_refuses_a_period_that_overlaps_or_has_ended(cast: Cast, team) -> None:
    today = timezone.localdate()
    stand_in_set(actor=team["head"], absent=team["zhang"], stand_in=team["li"], starts_on=today,
                 ends_on=today + timedelta(days=5))  # fmt: skip
    with pytest.raises(ValidationError, match="已有代理"):
        stand_in_set(actor=team["head"], absent=team["zhang"], stand_in=team["head"],
                     starts_on=today + timedelta(days=2), ends_on=today + timedelta(days=9))  # fmt: skip
    with pytest.raises(ValidationError, match="不能早于今天"):
        stand_in_set(actor=team["head"], absent=team["li"], stand_in=team["zhang"],
                     starts_on=today - timedelta(days=3), ends_on=today - timedelta(days=1))  # fmt: skip


# --- the worklist: 我的 / 本部门 -------------------------------------------------------------------


def titles_in(html: str) -> set[str]:
    return set(re.findall(r'class="fw-medium issue-link">([^<]+)</a>', html))


def three_issues(cast: Cast, team) -> tuple[Issue, Issue, Issue]:
    """One for 张, one for 李, one nobody was given yet; titled so the rows tell them apart."""
    issues = []
    for title in ("张的问题", "李的问题", "未分派的问题"):
        issue = issue_in(Status.IN_PROGRESS, cast)
        Issue.objects.filter(pk=issue.pk).update(title=title)
        issues.append(Issue.objects.get(pk=issue.pk))
    act(issues[0], Action.ASSIGN_HANDLER, team["head"], handler=team["zhang"])
    act(issues[1], Action.ASSIGN_HANDLER, team["head"], handler=team["li"])
    return issues[0], issues[1], issues[2]


def test_mine_holds_my_issues_and_the_unassigned_and_not_a_colleagues(cast: Cast, team) -> None:
    three_issues(cast, team)
    mine = issue_worklists(cast.world.jianshe, handled_by=team["zhang"])
    assert set(mine["doing"].values_list("title", flat=True)) == {"张的问题", "未分派的问题"}
    dept = issue_worklists(cast.world.jianshe)
    assert set(dept["doing"].values_list("title", flat=True)) == {"张的问题", "李的问题", "未分派的问题"}
    html = client_for(team["zhang"]).get(reverse("issues:work"), {"tab": "doing"}).content.decode()
    assert titles_in(html) == {"张的问题", "未分派的问题"}
    assert 'data-view="mine" aria-current="page"' in html


def test_a_stand_in_sees_the_absent_colleagues_issues_under_mine_marked(cast: Cast, team) -> None:
    three_issues(cast, team)
    today = timezone.localdate()
    stand_in_set(
        actor=team["head"], absent=team["li"], stand_in=team["zhang"], starts_on=today, ends_on=today
    )
    html = client_for(team["zhang"]).get(reverse("issues:work"), {"tab": "doing"}).content.decode()
    assert titles_in(html) == {"张的问题", "李的问题", "未分派的问题"}
    assert f"代 {team['li'].name}" in html


def test_the_head_starts_on_the_department_with_assignees_and_the_assign_control(cast: Cast, team) -> None:
    zhang_issue, _li, unassigned = three_issues(cast, team)
    html = client_for(team["head"]).get(reverse("issues:work"), {"tab": "doing"}).content.decode()
    assert 'data-view="dept" aria-current="page"' in html
    assert titles_in(html) == {"张的问题", "李的问题", "未分派的问题"}
    assert html.count("data-assign-form") == 3
    row = html[html.index(f'id="work-{zhang_issue.pk}"') :]
    assert re.search(rf'<option value="{team["zhang"].pk}" selected>', row[: row.index("</tr>")])
    assert "改派" in row[: row.index("</tr>")]
    assert "分派</button>" in html[html.index(f'id="work-{unassigned.pk}"') :]
    # A handler's 本部门 view shows who handles each, without the control.
    html = (
        client_for(team["zhang"])
        .get(reverse("issues:work"), {"view": "dept", "tab": "doing"})
        .content.decode()
    )
    assert "data-assign-form" not in html and team["li"].name in html


def test_it_keeps_its_tabs_and_counts_per_view(cast: Cast, team) -> None:
    three_issues(cast, team)
    issue_in(Status.ASSIGNED, cast)
    html = client_for(team["zhang"]).get(reverse("issues:work"), {"view": "mine"}).content.decode()
    badges = dict(re.findall(r'data-tab="(\w+)">[^<]*<span class="[^"]*">([^<]*)</span>', html))
    assert badges == {
        "pending": "1",
        "doing": "2",
        "due_soon": badges["due_soon"],
        "overdue": "0",
        "supervised": "0",
    }
    html = client_for(team["zhang"]).get(reverse("issues:work"), {"view": "dept"}).content.decode()
    assert dict(re.findall(r'data-tab="(\w+)">[^<]*<span class="[^"]*">([^<]*)</span>', html))["doing"] == "3"


def test_reopened_and_supervised_rows_are_flagged(cast: Cast, team) -> None:
    zhang_issue, li_issue, _ = three_issues(cast, team)
    Issue.objects.filter(pk=zhang_issue.pk).update(reopen_count=1)
    Issue.objects.filter(pk=li_issue.pk).update(supervised=True, supervision_level="general")
    html = client_for(team["head"]).get(reverse("issues:work"), {"tab": "doing"}).content.decode()
    rows = dict(re.findall(r'<tr id="work-(\d+)"([^>]*)>', html))
    assert "data-reopened" in rows[str(zhang_issue.pk)] and "data-supervised" not in rows[str(zhang_issue.pk)]
    assert "data-supervised" in rows[str(li_issue.pk)] and "data-reopened" not in rows[str(li_issue.pk)]
    assert "重办件" in html and "督办件" in html


# --- the inline assign control ---------------------------------------------------------------------


def post_assign(person: Person, issue: Issue, handler: object, *, version: int | None = None):
    issue = Issue.objects.get(pk=issue.pk)
    data = {"handler": handler, "version": issue.version if version is None else version}
    return client_for(person).post(
        reverse("issues:work_assign", args=[issue.pk]), data, HTTP_HX_REQUEST="true"
    )


def test_the_head_assigns_from_the_row_and_gets_the_row_back(cast: Cast, team) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    response = post_assign(team["head"], issue, team["li"].pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="work-{issue.pk}"') and f"已分派给 {team['li'].name}" in html
    assert Issue.objects.get(pk=issue.pk).handler == team["li"]


def test_a_stale_row_is_a_conflict_that_shows_the_current_assignee(cast: Cast, team) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    stale = issue.version
    act(issue, Action.ASSIGN_HANDLER, team["head"], handler=team["zhang"])
    response = post_assign(team["head"], issue, team["li"].pk, version=stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "刚刚已被他人处理" in html and f'<option value="{team["zhang"].pk}" selected>' in html
    assert Issue.objects.get(pk=issue.pk).handler == team["zhang"]


def test_a_handler_outside_the_department_is_refused_at_the_field(cast: Cast, team) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    response = post_assign(team["head"], issue, team["other_head"].pk)
    assert response.status_code == 400
    assert 'data-field-error="handler"' in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).handler is None


def test_who_may_use_the_assign_control(cast: Cast, team) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    # A handler of the department: not theirs to assign (403, with the reason).
    response = post_assign(team["zhang"], issue, team["li"].pk)
    assert response.status_code == 403
    # Another department's head, and anyone without a department role, never reach the issue.
    assert post_assign(team["other_head"], issue, team["li"].pk).status_code == 404
    assert post_assign(cast.people[Role.DISPATCHER], issue, team["li"].pk).status_code == 403
    assert Issue.objects.get(pk=issue.pk).handler is None


def test_the_worklist_is_for_department_staff_and_shows_only_their_department(cast: Cast, team) -> None:
    three_issues(cast, team)
    for role in (Role.DISPATCHER, Role.LEADER, Role.VISITOR, Role.EVALUATOR):
        assert client_for(cast.people[role]).get(reverse("issues:work")).status_code == 403
    html = client_for(team["other_head"]).get(reverse("issues:work"), {"tab": "doing"}).content.decode()
    assert titles_in(html) == set()
    head_only = make_person("t_head_only", [Role.HEAD], department=cast.world.jianshe)
    assert client_for(head_only).get(reverse("issues:work")).status_code == 200


def test_the_stand_in_form_sets_and_cancels_and_refuses_at_its_fields(cast: Cast, team) -> None:
    today = timezone.localdate().isoformat()
    url = reverse("issues:work_stand_in")
    data = {"absent": team["zhang"].pk, "stand_in": team["li"].pk, "starts_on": today, "ends_on": today}
    response = client_for(team["zhang"]).post(url, data)
    assert response.status_code == 302
    made = StandIn.objects.get()
    assert (made.absent, made.stand_in, made.set_by) == (team["zhang"], team["li"], team["zhang"])
    # 李 may not set one for 张 (not in the choices: only oneself), and the dates must be given.
    response = client_for(team["li"]).post(url, {**data, "ends_on": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field-error="absent"' in html and 'data-field-error="ends_on"' in html
    cancel = reverse("issues:work_stand_in_cancel", args=[made.pk])
    assert client_for(team["other_head"]).post(cancel).status_code == 404
    assert client_for(team["head"]).post(cancel).status_code == 302
    assert StandIn.objects.get().cancelled_at is not None


def test_the_worklist_puts_deadlines_before_plans_without_one(cast: Cast, team) -> None:
    plan = issue_in(Status.LONG_TERM, cast)
    deadline = issue_in(Status.IN_PROGRESS, cast)
    html = client_for(team["head"]).get(reverse("issues:work"), {"tab": "doing"}).content.decode()
    assert html.index(f'id="work-{deadline.pk}"') < html.index(f'id="work-{plan.pk}"')
