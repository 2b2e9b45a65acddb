"""The issue pages: who may use them, across units, and what a refused or stale action shows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sanfuwu.issues.models import Issue, IssueEvent, Status
from sanfuwu.people.models import Role
from tests.conftest import client_for, make_person
from tests.issues.conftest import Cast, issue_in, new_issue

PAGES = ["issues:list", "issues:triage", "issues:work", "issues:mine", "issues:new"]


@pytest.mark.parametrize("name", PAGES)
def test_strangers_are_sent_to_sign_in(cast: Cast, name):
    response = Client().get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("issues:triage", {Role.DISPATCHER, Role.ADMIN}),
        ("issues:work", {Role.HANDLER, Role.HEAD}),
        ("issues:mine", {Role.VISITOR, Role.DISPATCHER, Role.ADMIN}),
        ("issues:new", {Role.VISITOR, Role.DISPATCHER, Role.ADMIN}),
        ("issues:list", set(Role.values)),
    ],
)
def test_each_page_is_for_its_roles(cast: Cast, name, allowed):
    for role, person in cast.people.items():
        status = client_for(person).get(reverse(name)).status_code
        if name == "issues:work" and role == Role.ADMIN:
            assert status == 302  # an admin passes the role check but has no department: sent home
            continue
        assert (status == 200) == (role in allowed), (role, status)


def test_another_streets_dispatcher_and_another_department_get_404(cast: Cast):
    from sanfuwu.orgs.models import Department

    issue = issue_in(Status.ASSIGNED, cast)
    outsider = make_person("by_disp", [Role.DISPATCHER], region=cast.world.baiyang)
    other_dept = Department.objects.create(code="jiaoyu", name="教育局", region=cast.world.district)
    stranger_handler = make_person("edu", [Role.HANDLER], department=other_dept)
    for person in (outsider, stranger_handler):
        client = client_for(person)
        assert client.get(reverse("issues:detail", args=[issue.pk])).status_code == 404
        assert client.get(reverse("issues:detail", args=[999_999])).status_code == 404
        response = client.post(reverse("issues:act", args=[issue.pk, "accept"]), {"version": issue.version})
        assert response.status_code == 404
    assert Issue.objects.get(pk=issue.pk).status == Status.ASSIGNED


def test_the_co_department_and_the_street_see_the_issue(cast: Cast):
    issue = issue_in(Status.ASSIGNED, cast)
    co_handler = make_person("cg", [Role.HANDLER], department=cast.other_department)
    street = make_person("xs", [Role.DISPATCHER], region=cast.world.xiasha)
    for person in (co_handler, street):
        assert client_for(person).get(reverse("issues:detail", args=[issue.pk])).status_code == 200


def test_the_page_offers_only_the_actions_of_the_person(cast: Cast):
    issue = issue_in(Status.ASSIGNED, cast)
    handler_page = (
        client_for(cast.people[Role.HANDLER]).get(reverse("issues:detail", args=[issue.pk])).content.decode()
    )
    assert 'data-action-form="accept"' in handler_page and 'data-action-form="return"' in handler_page
    assert 'data-action-form="dispatch"' not in handler_page
    visitor_page = (
        client_for(cast.people[Role.VISITOR]).get(reverse("issues:detail", args=[issue.pk])).content.decode()
    )
    assert "data-action-form" not in visitor_page


def test_a_dispatcher_dispatches_from_the_page(cast: Cast):
    issue = new_issue(cast)
    data = {
        "version": issue.version,
        "lead_department": cast.world.jianshe.pk,
        "tier": "deadline",
        "workdays": 5,
    }
    response = client_for(cast.people[Role.DISPATCHER]).post(
        reverse("issues:act", args=[issue.pk, "dispatch"]), data
    )
    assert response.status_code == 302
    fresh = Issue.objects.get(pk=issue.pk)
    assert fresh.status == Status.ASSIGNED and fresh.lead_department == cast.world.jianshe and fresh.due_date


def test_bad_input_is_refused_at_its_field_and_changes_nothing(cast: Cast):
    issue = new_issue(cast)
    client = client_for(cast.people[Role.DISPATCHER])
    response = client.post(
        reverse("issues:act", args=[issue.pk, "dispatch"]), {"version": issue.version, "tier": "deadline"}
    )
    assert response.status_code == 400
    assert 'data-field-error="lead_department"' in response.content.decode()
    response = client.post(
        reverse("issues:act", args=[issue.pk, "dispatch"]),
        {
            "version": issue.version,
            "lead_department": cast.world.jianshe.pk,
            "tier": "deadline",
            "workdays": 99,
        },
    )
    assert response.status_code == 400 and 'data-field-error="workdays"' in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == Status.REGISTERED
    assert IssueEvent.objects.filter(issue=issue).count() == 1


def test_a_stale_page_gets_a_conflict_and_the_current_state(cast: Cast):
    issue = issue_in(Status.ASSIGNED, cast)
    handler = client_for(cast.people[Role.HANDLER])
    first = handler.post(
        reverse("issues:act", args=[issue.pk, "accept"]),
        {"version": issue.version},
        headers={"HX-Request": "true"},
    )
    assert first.status_code == 200
    second = handler.post(
        reverse("issues:act", args=[issue.pk, "return"]), {"version": issue.version, "reason": "不属于本部门职责。"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    body = second.content.decode()
    assert second.status_code == 409
    assert "已被他人处理" in body and 'data-status="in_progress"' in body and "<html" not in body
    assert Issue.objects.get(pk=issue.pk).status == Status.IN_PROGRESS


def test_an_action_the_person_may_not_take_is_refused_with_a_reason(cast: Cast):
    issue = new_issue(cast)
    response = client_for(cast.people[Role.LEADER]).post(
        reverse("issues:act", args=[issue.pk, "void"]),
        {"version": issue.version, "reason": "不需要"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403 and "您的角色不能执行" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == Status.REGISTERED


def test_a_grid_worker_registers_an_issue(cast: Cast):
    client = client_for(cast.people[Role.VISITOR])
    data = {"title": "企业门口道路积水", "description": "下雨后企业门口积水严重，员工进出困难。", "source": "visit",
            "category": cast.category.pk, "tier": "deadline", "target": cast.world.xiasha_firm.pk,
            "raiser_name": "李经理", "raiser_phone": "13812345678"}  # fmt: skip
    response = client.post(reverse("issues:new"), data)
    issue = Issue.objects.get(title="企业门口道路积水")
    assert response.status_code == 302 and issue.region == cast.world.touge_grid
    assert issue.number.startswith("WT-") and issue.status == Status.REGISTERED


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"title": ""}, "title"), ({"tier": "done"}, "resolution"), ({"raiser_phone": "123"}, "raiser_phone"),
     ({"target": "", "region": ""}, "region"), ({"category": ""}, "category")],
)  # fmt: skip
def test_registration_refuses_bad_input_at_the_field(cast: Cast, changes, field):
    data = {"title": "企业门口道路积水", "description": "下雨后企业门口积水严重。", "source": "visit",
            "category": cast.category.pk, "tier": "deadline", "target": cast.world.xiasha_firm.pk}  # fmt: skip
    data.update(changes)
    response = client_for(cast.people[Role.VISITOR]).post(reverse("issues:new"), data)
    assert response.status_code == 200
    assert f'data-field-error="{field}"' in response.content.decode()
    assert not Issue.objects.exists()


def test_a_grid_worker_cannot_register_in_another_street(cast: Cast):
    data = {"title": "白杨街道的问题", "description": "描述", "source": "visit", "category": cast.category.pk,
            "tier": "deadline", "target": cast.world.baiyang_firm.pk}  # fmt: skip
    response = client_for(cast.people[Role.VISITOR]).post(reverse("issues:new"), data)
    assert 'data-field-error="target"' in response.content.decode()
    assert not Issue.objects.exists()


def test_the_worklist_sorts_by_deadline_and_shows_instructions(cast: Cast):
    first = issue_in(Status.ASSIGNED, cast)
    cast.act(first, "instruct", Role.LEADER, text="请本周内办结。")
    page = client_for(cast.people[Role.HANDLER]).get(reverse("issues:work")).content.decode()
    assert first.title in page and "请本周内办结" in page


def test_the_list_filters_by_status_and_overdue(cast: Cast):
    assigned = issue_in(Status.ASSIGNED, cast)
    Issue.objects.filter(pk=assigned.pk).update(due_date="2025-01-02")
    registered = new_issue(cast)
    Issue.objects.filter(pk=registered.pk).update(title="另一件登记的问题")
    client = client_for(cast.people[Role.LEADER])
    page = client.get(reverse("issues:list"), {"status": "registered"}).content.decode()
    assert "另一件登记的问题" in page and assigned.number not in page
    overdue = client.get(reverse("issues:list"), {"overdue": "on"}).content.decode()
    assert assigned.number in overdue and registered.number not in overdue


def test_the_list_refuses_an_inverted_date_range_at_the_field(cast: Cast):
    page = client_for(cast.people[Role.LEADER]).get(
        reverse("issues:list"), {"date_from": "2025-05-02", "date_to": "2025-05-01"}
    )
    assert "结束日期不能早于开始日期" in page.content.decode()


def test_the_triage_queue_dispatches_inline(cast: Cast):
    issue = new_issue(cast)
    client = client_for(cast.people[Role.DISPATCHER])
    page = client.get(reverse("issues:triage")).content.decode()
    assert f'id="triage-{issue.pk}"' in page and "data-triage-form" in page
    data = {
        "from": "triage",
        "version": issue.version,
        "lead_department": cast.world.jianshe.pk,
        "tier": "deadline",
        "workdays": 5,
    }
    response = client.post(
        reverse("issues:act", args=[issue.pk, "dispatch"]), data, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "已交办建设局" in body and "<html" not in body
    assert Issue.objects.get(pk=issue.pk).status == Status.ASSIGNED


def test_an_inline_dispatch_with_bad_input_shows_the_row_again_with_the_error(cast: Cast):
    issue = new_issue(cast)
    data = {"from": "triage", "version": issue.version, "tier": "deadline", "workdays": 5}
    response = client_for(cast.people[Role.DISPATCHER]).post(
        reverse("issues:act", args=[issue.pk, "dispatch"]), data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400 and 'data-field-error="lead_department"' in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == Status.REGISTERED


def test_the_issue_page_costs_the_same_queries_however_long_its_history(cast: Cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.people[Role.DISPATCHER])
    short, long_ = issue_in(Status.IN_PROGRESS, cast), issue_in(Status.IN_PROGRESS, cast)
    # The same status and the same actions to offer, but more events by more people of more units.
    long_ = cast.act(long_, "instruct", Role.LEADER, text="请抓紧办理。")
    long_ = cast.act(long_, "supervise", Role.SUPERVISOR, level="general")
    long_ = cast.act(
        long_, "request_extension", Role.HANDLER, workdays=3, reason="需要协调供电公司迁改线路。"
    )
    long_ = cast.act(long_, "refuse_extension", Role.DISPATCHER, decision_note="理由不充分，请按期办结。")
    counts = []
    for issue in (short, long_):
        client.get(reverse("issues:detail", args=[issue.pk]))  # sessions and caches warmed
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("issues:detail", args=[issue.pk])).status_code == 200
        counts.append(len(queries))
    assert long_.events.count() == short.events.count() + 4 and counts[0] == counts[1], counts
