"""待梳理: who may use the queue and its endpoints, its filters and counts, the due date shown before
dispatching, each row's dispatch with co-departments, batch dispatch, and returned issues."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanfuwu.issues.models import Assignment, AssignmentState, Issue, Status
from sanfuwu.issues.services import issue_register
from sanfuwu.issues.triage import deadline_due, due_label
from sanfuwu.people.models import Person, Role
from sanfuwu.workdays.calendar import add_workdays
from tests.conftest import client_for
from tests.issues.conftest import Cast, issue_in, new_issue

HX = {"HX-Request": "true"}


def baiyang_issue(cast: Cast, title: str = "白杨街道路灯不亮") -> Issue:
    return issue_register(
        actor=cast.people[Role.DISPATCHER], title=title, description="白杨街道2号大街三盏路灯连续一周不亮。",
        source="hotline", category=cast.category, region=cast.world.baiyang_grid,
    )  # fmt: skip


def row_post(cast: Cast, issue: Issue, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": issue.version, "lead_department": cast.world.jianshe.pk, "tier": "deadline", "workdays": 5,
    }  # fmt: skip
    data.update(fields)
    return data


def dispatch_row(client: Client, issue: Issue, data: dict[str, object]) -> Any:
    return client.post(reverse("issues:triage_dispatch", args=[issue.pk]), data, headers=HX)


def batch_post(client: Client, picks: list[Issue], **fields: object) -> Any:
    data: dict[str, object] = {
        "pick": [f"{i.pk}:{i.version}" for i in picks],
        "tier": "deadline",
        "workdays": 5,
    }
    data.update(fields)
    return client.post(reverse("issues:triage_batch"), data, headers=HX)


def queue_numbers(html: str) -> set[str]:
    return set(re.findall(r'id="triage-(\d+)"', html))


# Who may use it


@pytest.mark.parametrize("name", ["issues:triage", "issues:triage_counts", "issues:triage_due"])
def test_the_queue_and_its_readings_are_for_dispatchers(cast: Cast, name: str) -> None:
    assert Client().get(reverse(name)).status_code == 302
    for role, person in cast.people.items():
        status = client_for(person).get(reverse(name), {"tier": "deadline", "workdays": "3"}).status_code
        # An administrator passes every role check, as a superuser.
        assert (status == 200) == (role in {Role.DISPATCHER, Role.ADMIN}), (role, status)


def test_only_a_dispatcher_of_the_territory_may_dispatch_a_row(cast: Cast, xiasha_dispatcher: Person,
                                                              baiyang_dispatcher: Person) -> None:  # fmt: skip
    issue = new_issue(cast)  # in 头格, 下沙街道
    for person, expected in [
        (cast.people[Role.HANDLER], 403),
        (cast.people[Role.VISITOR], 403),
        (cast.people[Role.LEADER], 403),
        (baiyang_dispatcher, 404),
    ]:
        response = dispatch_row(client_for(person), issue, row_post(cast, issue))
        assert response.status_code == expected, person.username
    assert (
        Client().post(reverse("issues:triage_dispatch", args=[issue.pk]), row_post(cast, issue)).status_code
        == 302
    )
    assert Issue.objects.get(pk=issue.pk).status == Status.REGISTERED
    assert dispatch_row(client_for(xiasha_dispatcher), issue, row_post(cast, issue)).status_code == 200
    assert Issue.objects.get(pk=issue.pk).status == Status.ASSIGNED


def test_a_batch_is_for_dispatchers_and_skips_the_issues_out_of_their_territory(
    cast: Cast, xiasha_dispatcher: Person
) -> None:
    ours, theirs = new_issue(cast), baiyang_issue(cast)
    for role in (Role.HANDLER, Role.VISITOR, Role.SUPERVISOR):
        response = batch_post(client_for(cast.people[role]), [ours], lead_department=cast.world.jianshe.pk)
        assert response.status_code == 403, role
    response = batch_post(
        client_for(xiasha_dispatcher), [ours, theirs], lead_department=cast.world.jianshe.pk
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-outcome="ok" data-issue="{ours.pk}"' in body
    assert f'data-outcome="refused" data-issue="{theirs.pk}"' in body and "不在您的管辖范围内" in body
    assert Issue.objects.get(pk=ours.pk).status == Status.ASSIGNED
    assert Issue.objects.get(pk=theirs.pk).status == Status.REGISTERED


def test_each_dispatcher_sees_only_the_queue_of_their_territory(
    cast: Cast, xiasha_dispatcher: Person, baiyang_dispatcher: Person
) -> None:
    ours, theirs = new_issue(cast), baiyang_issue(cast)
    xiasha = client_for(xiasha_dispatcher).get(reverse("issues:triage")).content.decode()
    baiyang = client_for(baiyang_dispatcher).get(reverse("issues:triage")).content.decode()
    assert queue_numbers(xiasha) == {str(ours.pk)} and queue_numbers(baiyang) == {str(theirs.pk)}


# Filters and counts


def test_it_searches_the_number_the_title_and_the_description(cast: Cast) -> None:
    a = new_issue(cast)
    b = baiyang_issue(cast, title="白杨街道窨井盖缺失")
    client = client_for(cast.people[Role.DISPATCHER])

    def found(q: str) -> set[str]:
        return queue_numbers(client.get(reverse("issues:triage"), {"q": q}).content.decode())

    assert found(a.number) == {str(a.pk)}
    assert found(a.number[-4:]) == {str(a.pk)}
    assert found("窨井盖") == {str(b.pk)}
    assert found("三盏路灯") == {str(b.pk)}  # only in the description
    assert found("没有这样的问题") == set()
    # A word shaped like a number but no issue's number is looked for in the titles.
    c = baiyang_issue(cast, title="白杨街道 LED-12 型路灯不亮")
    assert found("led-12") == {str(c.pk)}
    assert found(a.number.lower()) == {str(a.pk)}


def test_it_filters_by_category_region_source_tier_and_returned(cast: Cast) -> None:
    from sanfuwu.orgs.models import Category

    here = new_issue(cast)  # 头格 grid, visit, road
    there = baiyang_issue(cast)  # 白杨 grid, hotline, road
    returned = issue_in(Status.RETURNED, cast)
    other = Category.objects.create(code="env", name="生态环境", default_department=cast.other_department)
    green = issue_register(
        actor=cast.people[Role.DISPATCHER], title="园区河道有异味", description="医药港小镇河道傍晚有明显异味。",
        source="portal", category=other, region=cast.world.park_grid, tier="immediate",
    )  # fmt: skip
    client = client_for(cast.people[Role.DISPATCHER])

    def found(**params: str | int) -> set[str]:
        return queue_numbers(client.get(reverse("issues:triage"), params).content.decode())

    assert found() == {str(i.pk) for i in (here, there, returned, green)}
    assert found(category=other.pk) == {str(green.pk)}
    assert found(region=cast.world.baiyang.pk) == {str(there.pk)}
    assert found(region=cast.world.xiasha.pk) == {str(here.pk), str(returned.pk)}
    assert found(source="hotline") == {str(there.pk)}
    assert found(tier="immediate") == {str(green.pk)}
    assert found(returned="on") == {str(returned.pk)}
    assert found(returned="on", region=cast.world.baiyang.pk) == set()


def test_it_counts_the_wait_from_registration_or_from_the_latest_return(cast: Cast) -> None:
    now = timezone.now()
    fresh = new_issue(cast)
    two_days = new_issue(cast)
    old = new_issue(cast)
    Issue.objects.filter(pk=two_days.pk).update(registered_at=now - timedelta(days=2))
    Issue.objects.filter(pk=old.pk).update(registered_at=now - timedelta(days=10))
    # Registered long ago but sent back today: it has waited since today.
    came_back = issue_in(Status.RETURNED, cast)
    Issue.objects.filter(pk=came_back.pk).update(registered_at=now - timedelta(days=20))
    client = client_for(cast.people[Role.DISPATCHER])

    def found(age: str) -> set[str]:
        return queue_numbers(client.get(reverse("issues:triage"), {"age": age}).content.decode())

    assert found("today") == {str(fresh.pk), str(came_back.pk)}
    assert found("1-3") == {str(two_days.pk)}
    assert found("3+") == {str(old.pk)}
    Assignment.objects.filter(issue=came_back, state=AssignmentState.RETURNED).update(
        returned_at=now - timedelta(days=5)
    )
    assert found("3+") == {str(old.pk), str(came_back.pk)}
    counts = client.get(reverse("issues:triage_counts")).content.decode()
    assert 'data-count="total">4<' in counts and 'data-count="returned">1<' in counts
    assert 'data-count="today">1<' in counts and 'data-count="recent">1<' in counts
    assert 'data-count="older">2<' in counts


def test_an_invalid_filter_is_shown_and_not_applied(cast: Cast) -> None:
    issue = new_issue(cast)
    html = (
        client_for(cast.people[Role.DISPATCHER])
        .get(reverse("issues:triage"), {"age": "forever"})
        .content.decode()
    )
    assert queue_numbers(html) == {str(issue.pk)} and "invalid-feedback" in html


def test_a_change_of_filters_redraws_only_the_results(cast: Cast) -> None:
    issue = new_issue(cast)
    response = client_for(cast.people[Role.DISPATCHER]).get(
        reverse("issues:triage"), {"q": issue.number}, headers={**HX, "HX-Target": "triage-results"}
    )
    body = response.content.decode()
    assert body.startswith('<div id="triage-results">') and "<html" not in body
    assert 'id="triage-batch"' not in body and f'id="triage-{issue.pk}"' in body
    assert '筛选出 <strong id="issue-count">1</strong> 件' in body


def test_the_page_costs_the_same_queries_however_many_rows(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.people[Role.DISPATCHER])
    issue_in(Status.RETURNED, cast)
    new_issue(cast)
    counts = []
    for _ in range(2):
        client.get(reverse("issues:triage"))  # sessions warmed
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("issues:triage")).status_code == 200
        counts.append(len(queries))
        for _n in range(4):
            new_issue(cast)
        issue_in(Status.RETURNED, cast)
    assert counts[0] == counts[1], counts


# The deadline and its due date


def test_the_due_date_is_written_with_its_weekday() -> None:
    assert due_label(date(2026, 12, 9)) == "2026年12月9日（周三）"


def test_the_due_date_preview_follows_the_working_day_calendar(cast: Cast) -> None:
    client = client_for(cast.people[Role.DISPATCHER])
    due = add_workdays(timezone.localdate(), 5)
    body = client.get(reverse("issues:triage_due"), {"tier": "deadline", "workdays": "5"}).content.decode()
    assert f'到期日：<strong class="text-body">{due_label(due)}</strong>' in body
    assert f'data-due="{due:%Y-%m-%d}"' in body


@pytest.mark.parametrize(
    ("tier", "workdays", "reason"),
    [
        ("deadline", "-3", "办理时限应为 1 至 60 个工作日。"),
        ("deadline", "61", "办理时限应为 1 至 60 个工作日。"),
        ("immediate", "6", "办理时限应为 1 至 5 个工作日。"),
        ("deadline", "五", "办理时限应为 1 至 60 个工作日。"),
        ("deadline", "", "办理时限应为 1 至 60 个工作日。"),
    ],
)
def test_an_impossible_deadline_shows_its_reason_at_the_field(
    cast: Cast, tier: str, workdays: str, reason: str
) -> None:
    client = client_for(cast.people[Role.DISPATCHER])
    body = client.get(reverse("issues:triage_due"), {"tier": tier, "workdays": workdays}).content.decode()
    assert 'data-field-error="workdays"' in body and reason in body and "到期日" not in body


def test_a_long_term_dispatch_has_no_due_date(cast: Cast) -> None:
    body = (
        client_for(cast.people[Role.DISPATCHER])
        .get(reverse("issues:triage_due"), {"tier": "long_term", "workdays": "-1"})
        .content.decode()
    )
    assert "长效办不设办理期限" in body and "data-field-error" not in body


def test_a_deadline_in_a_year_the_calendar_does_not_know_is_refused_at_the_field(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        deadline_due("deadline", 5, date(2199, 12, 20))
    assert "工作日历中没有 2199 年的节假日安排" in refused.value.message_dict["workdays"][0]
    client = client_for(cast.people[Role.DISPATCHER])
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2199, 12, 20))
    body = client.get(reverse("issues:triage_due"), {"tier": "deadline", "workdays": "5"}).content.decode()
    assert 'data-field-error="workdays"' in body and "工作日历中没有 2199 年的节假日安排" in body


def test_the_row_shows_the_due_date_of_its_default_deadline(cast: Cast) -> None:
    new_issue(cast)
    html = client_for(cast.people[Role.DISPATCHER]).get(reverse("issues:triage")).content.decode()
    assert due_label(add_workdays(timezone.localdate(), 5)) in html and "工作日" in html


# One row's dispatch


def test_a_row_dispatches_with_co_departments_and_says_the_due_date(cast: Cast) -> None:
    issue = new_issue(cast)
    data = row_post(cast, issue, co_departments=[cast.other_department.pk], workdays=3)
    response = dispatch_row(client_for(cast.people[Role.DISPATCHER]), issue, data)
    body = response.content.decode()
    assert response.status_code == 200 and response["HX-Trigger"] == "triage-changed"
    due = add_workdays(timezone.localdate(), 3)
    assert "已交办建设局，协办：城市管理局，到期日：" + due_label(due) in body
    assert "data-triage-form" not in body and 'name="pick"' not in body
    issue = Issue.objects.get(pk=issue.pk)
    assert issue.status == Status.ASSIGNED and issue.due_date == due
    assert {(a.department_id, a.is_lead) for a in issue.assignments.all()} == {
        (cast.world.jianshe.pk, True), (cast.other_department.pk, False),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"workdays": -2}, "workdays", "办理时限应为 1 至 60 个工作日。"),
        ({"tier": "immediate", "workdays": 9}, "workdays", "办理时限应为 1 至 5 个工作日。"),
        ({"lead_department": ""}, "lead_department", "请选择主办部门。"),
        ({"co_departments": ["JIANSHE"]}, "co_departments", ""),
    ],
)
def test_a_row_with_bad_input_comes_back_with_the_reason_at_the_field(
    cast: Cast, fields: dict[str, object], field: str, reason: str
) -> None:
    issue = new_issue(cast)
    if fields.get("co_departments") == ["JIANSHE"]:
        fields = {"co_departments": [cast.world.jianshe.pk]}
        reason = "协办部门不能与主办部门相同。"
    response = dispatch_row(client_for(cast.people[Role.DISPATCHER]), issue, row_post(cast, issue, **fields))
    body = response.content.decode()
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in body and reason in body and "data-triage-form" in body
    assert Issue.objects.get(pk=issue.pk).status == Status.REGISTERED


def test_a_second_dispatcher_on_the_same_row_learns_who_dispatched_it_to_whom_and_when(
    cast: Cast, xiasha_dispatcher: Person
) -> None:
    issue = new_issue(cast)
    first = dispatch_row(
        client_for(xiasha_dispatcher), issue, row_post(cast, issue, co_departments=[cast.other_department.pk])
    )
    assert first.status_code == 200
    late = dispatch_row(
        client_for(cast.people[Role.DISPATCHER]), issue,
        row_post(cast, issue, lead_department=cast.other_department.pk, co_departments=[]),
    )  # fmt: skip
    body = late.content.decode()
    dispatched = Issue.objects.get(pk=issue.pk)
    when = timezone.localtime(dispatched.dispatched_at)
    assert late.status_code == 409 and late["HX-Trigger"] == "triage-changed"
    assert (
        f"{xiasha_dispatcher.name} 已于 {when.month}月{when.day}日 {when:%H:%M} 交办给建设局（协办：城市管理局）。"
        in body
    )
    assert "data-triage-form" not in body and 'data-status="assigned"' in body
    assert dispatched.lead_department_id == cast.world.jianshe.pk and dispatched.version == issue.version + 1


# Returned issues


def test_a_returned_row_says_who_sent_it_back_when_and_why_and_does_not_offer_that_department(
    cast: Cast,
) -> None:
    issue = issue_in(Status.RETURNED, cast)  # the category's usual department, 建设局, sent it back
    html = client_for(cast.people[Role.DISPATCHER]).get(reverse("issues:triage")).content.decode()
    row = html[html.index(f'id="triage-{issue.pk}"') :]
    row = row[: row.index("</form>")]
    returned = Assignment.objects.get(issue=issue, state=AssignmentState.RETURNED)
    assert "建设局 退回" in row and cast.people[Role.HANDLER].name in row
    assert (
        "不属于本部门职责范围。" in row and f"{timezone.localtime(returned.returned_at):%m-%d %H:%M}" in row
    )
    lead_select = row[row.index('name="lead_department"') : row.index("</select>")]
    assert "selected" not in lead_select
    assert f'<option value="{cast.world.jianshe.pk}">建设局（已退回过）</option>' in lead_select


def test_a_new_row_offers_the_categorys_usual_department(cast: Cast) -> None:
    issue = new_issue(cast)
    html = client_for(cast.people[Role.DISPATCHER]).get(reverse("issues:triage")).content.decode()
    row = html[html.index(f'id="triage-{issue.pk}"') :]
    assert (
        f'<option value="{cast.world.jianshe.pk}" selected>建设局</option>' in row[: row.index("</select>")]
    )


def test_the_issue_pages_dispatch_form_does_not_offer_the_department_that_sent_it_back(cast: Cast) -> None:
    from sanfuwu.issues.forms import DispatchForm

    returned = issue_in(Status.RETURNED, cast)
    assert DispatchForm(issue=returned).fields["lead_department"].initial is None
    assert DispatchForm(issue=new_issue(cast)).fields["lead_department"].initial == cast.world.jianshe.pk


# Batch dispatch


def test_a_batch_dispatches_each_row_and_says_what_became_of_each(
    cast: Cast, xiasha_dispatcher: Person
) -> None:
    a, b, c = new_issue(cast), new_issue(cast), new_issue(cast)
    stale = Issue.objects.get(pk=c.pk)
    dispatch_row(client_for(xiasha_dispatcher), c, row_post(cast, c))  # someone else was quicker on c
    response = batch_post(
        client_for(cast.people[Role.DISPATCHER]), [a, b, stale], lead_department=cast.other_department.pk,
        co_departments=[cast.world.jianshe.pk], tier="immediate", workdays=2,
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and response["HX-Trigger"] == "triage-changed"
    assert "本次交办结果：成功 2 件，未交办 1 件。" in body
    assert body.count("交办成功，到期日：" + due_label(add_workdays(timezone.localdate(), 2))) == 2
    for issue in (a, b):
        assert f'data-outcome="ok" data-issue="{issue.pk}"' in body
        assert f'<div id="triage-{issue.pk}" hx-swap-oob="delete"></div>' in body
        fresh = Issue.objects.get(pk=issue.pk)
        assert fresh.status == Status.ASSIGNED and fresh.lead_department_id == cast.other_department.pk
        assert fresh.due_date == add_workdays(timezone.localdate(), 2)
        assert fresh.assignments.filter(department=cast.world.jianshe, is_lead=False).exists()
    assert f'data-outcome="refused" data-issue="{c.pk}"' in body
    assert f"{xiasha_dispatcher.name} 已于" in body and "交办给建设局" in body
    # The refused row is redrawn as it now stands, without a form.
    assert f'id="triage-{c.pk}" data-status="assigned" data-sfw-feedback hx-swap-oob="true"' in body
    assert Issue.objects.get(pk=c.pk).lead_department_id == cast.world.jianshe.pk


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({}, "lead_department", "请选择主办部门。"),
        ({"lead": True, "workdays": 0}, "workdays", "办理时限应为 1 至 60 个工作日。"),
        ({"lead": True, "tier": "immediate", "workdays": 8}, "workdays", "办理时限应为 1 至 5 个工作日。"),
        ({"lead": True, "tier": "done"}, "tier", "请选择立刻办、限期办或长效办。"),
    ],
)
def test_a_batch_with_bad_input_dispatches_nothing_and_says_why_at_the_field(
    cast: Cast, fields: dict[str, object], field: str, reason: str
) -> None:
    a, b = new_issue(cast), new_issue(cast)
    if fields.pop("lead", False):
        fields["lead_department"] = cast.world.jianshe.pk
    response = batch_post(client_for(cast.people[Role.DISPATCHER]), [a, b], **fields)
    body = response.content.decode()
    assert response.status_code == 400 and f'data-field-error="{field}"' in body and reason in body
    assert 'id="triage-batch"' in body
    assert set(Issue.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {
        Status.REGISTERED
    }


def test_a_batch_without_ticked_rows_asks_for_them(cast: Cast) -> None:
    response = batch_post(client_for(cast.people[Role.DISPATCHER]), [], lead_department=cast.world.jianshe.pk)
    assert response.status_code == 400 and "请先勾选要交办的问题。" in response.content.decode()


def test_the_counts_follow_the_dispatches(cast: Cast) -> None:
    a, b = new_issue(cast), new_issue(cast)
    issue_in(Status.RETURNED, cast)
    client = client_for(cast.people[Role.DISPATCHER])
    counts = client.get(reverse("issues:triage_counts")).content.decode()
    assert 'data-count="total">3<' in counts and 'id="issue-count">3<' in counts
    batch_post(client, [a, b], lead_department=cast.world.jianshe.pk)
    counts = client.get(reverse("issues:triage_counts"), {"returned": "on"}).content.decode()
    assert 'data-count="total">1<' in counts and 'data-count="returned">1<' in counts
    assert 'hx-trigger="triage-changed from:body"' in counts and "returned=on" in counts


def test_a_row_changed_but_still_waiting_comes_back_with_a_fresh_form_and_what_changed(cast: Cast) -> None:
    issue = new_issue(cast)
    supervised = cast.act(issue, "supervise", Role.SUPERVISOR, level="general")
    response = dispatch_row(client_for(cast.people[Role.DISPATCHER]), issue, row_post(cast, issue))
    body = response.content.decode()
    assert response.status_code == 409
    assert f"{cast.people[Role.SUPERVISOR].name} 已于" in body and "挂牌督办" in body and "已登记" in body
    assert f'name="version" value="{supervised.version}"' in body and "data-triage-form" in body
    assert Issue.objects.get(pk=issue.pk).status == Status.REGISTERED
