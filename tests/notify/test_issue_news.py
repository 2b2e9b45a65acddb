"""Who hears of a step on an issue: the people it concerns, in their language of work, and no one
of another department; what each person chose, except for what may not be switched off."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sanfuwu.issues.models import Status
from sanfuwu.issues.tasks import issues_flag_overdue
from sanfuwu.notify.models import Channel, Kind, Notice, Preference
from sanfuwu.notify.services import preferences_save
from sanfuwu.people.models import Person, Role
from tests.conftest import make_person
from tests.issues.conftest import Cast, issue_in, new_issue, payload_for

pytestmark = pytest.mark.django_db


def told(person: Person, kind: str | None = None) -> list[Notice]:
    qs = Notice.objects.filter(recipient=person)
    return list(qs.filter(kind=kind) if kind else qs)


def test_it_tells_the_lead_departments_staff_of_a_dispatch_and_nobody_elses(cast: Cast) -> None:
    elsewhere = make_person("cg_handler", [Role.HANDLER], department=cast.other_department)
    stranger = make_person("far_handler", [Role.HANDLER], department=None)
    issue = new_issue(cast)
    payload = {**payload_for("dispatch", issue, cast), "co_departments": []}
    issue = cast.act(issue, "dispatch", Role.DISPATCHER, **payload)
    for role in (Role.HANDLER, Role.HEAD):
        [notice] = told(cast.people[role], Kind.DISPATCHED)
        assert issue.number in notice.text and "主办" in notice.text
        assert notice.link == reverse("issues:detail", args=[issue.pk])
    assert told(elsewhere) == [] and told(stranger) == []
    assert told(cast.people[Role.DISPATCHER]) == [], "the actor is not told of their own step"


def test_it_tells_a_co_department_it_assists(cast: Cast) -> None:
    helper = make_person("cg_head", [Role.HEAD], department=cast.other_department)
    issue = new_issue(cast)
    cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))
    [notice] = told(helper, Kind.DISPATCHED)
    assert "协办" in notice.text


def test_it_tells_the_territorys_dispatchers_of_a_return_but_not_another_streets(cast: Cast) -> None:
    street = make_person("xs_dispatcher", [Role.DISPATCHER], region=cast.world.xiasha)
    other_street = make_person("by_dispatcher", [Role.DISPATCHER], region=cast.world.baiyang)
    issue = issue_in(Status.RETURNED, cast)
    assert len(told(cast.people[Role.DISPATCHER], Kind.RETURNED)) == 1
    assert len(told(street, Kind.RETURNED)) == 1
    assert told(other_street) == []
    assert issue.number in told(street)[0].text


def test_it_tells_the_handler_of_an_assignment(cast: Cast) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    cast.act(issue, "assign_handler", Role.HEAD, handler=cast.people[Role.HANDLER])
    assert len(told(cast.people[Role.HANDLER], Kind.ASSIGNED)) == 1


def test_it_tells_of_extensions_asked_and_decided(cast: Cast) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    issue = cast.act(
        issue, "request_extension", Role.HANDLER, **payload_for("request_extension", issue, cast)
    )
    assert len(told(cast.people[Role.DISPATCHER], Kind.EXTENSION_REQUESTED)) == 1
    cast.act(issue, "refuse_extension", Role.DISPATCHER, **payload_for("refuse_extension", issue, cast))
    decided = told(cast.people[Role.HANDLER], Kind.EXTENSION_DECIDED) + told(
        cast.people[Role.HEAD], Kind.EXTENSION_DECIDED
    )
    assert decided and all("未获同意" in n.text for n in decided)


def test_it_tells_the_dispatcher_of_a_resolution_and_the_department_of_a_reopening(cast: Cast) -> None:
    issue = issue_in(Status.IN_PROGRESS, cast)
    for item in issue.checklist.all():
        issue = cast.act(issue, "check_item", Role.HANDLER, item_id=item.pk)
    issue = cast.act(issue, "resolve", Role.HANDLER, **payload_for("resolve", issue, cast))
    assert len(told(cast.people[Role.DISPATCHER], Kind.RESOLVED)) == 1
    issue = cast.act(issue, "feedback", Role.DISPATCHER, **payload_for("feedback", issue, cast))
    cast.act(issue, "rate", Role.DISPATCHER, rating="unsatisfied", note="路面仍有积水")
    reopened = told(cast.people[Role.HANDLER], Kind.REOPENED) + told(cast.people[Role.HEAD], Kind.REOPENED)
    assert reopened and "重办" in reopened[0].text


def test_it_tells_of_supervision_and_instructions_even_to_whoever_switched_them_off(cast: Cast) -> None:
    handler = cast.people[Role.HANDLER]
    # Stored behind the form's back: the rule holds whatever is in the table.
    Preference.objects.create(person=handler, kind=Kind.SUPERVISED, channel=Channel.OFF)
    Preference.objects.create(person=handler, kind=Kind.INSTRUCTED, channel=Channel.OFF)
    issue = issue_in(Status.IN_PROGRESS, cast)
    issue = cast.act(issue, "supervise", Role.SUPERVISOR, **payload_for("supervise", issue, cast))
    cast.act(issue, "instruct", Role.LEADER, text="请建设局本周内办结。")
    assert len(told(handler, Kind.SUPERVISED)) == 1
    [instruction] = told(handler, Kind.INSTRUCTED)
    assert "请建设局本周内办结" in instruction.text


def test_it_leaves_untold_whoever_switched_a_kind_off(cast: Cast) -> None:
    preferences_save(person=cast.people[Role.HANDLER], chosen={Kind.DISPATCHED: Channel.OFF})
    issue = new_issue(cast)
    cast.act(issue, "dispatch", Role.DISPATCHER, **payload_for("dispatch", issue, cast))
    assert told(cast.people[Role.HANDLER]) == []
    assert len(told(cast.people[Role.HEAD], Kind.DISPATCHED)) == 1


def test_it_refuses_to_store_a_mandatory_kind_as_off(cast: Cast) -> None:
    with pytest.raises(ValueError):
        preferences_save(person=cast.people[Role.HANDLER], chosen={Kind.SUPERVISED: Channel.OFF})
    assert not Preference.objects.exists()


def test_it_writes_nothing_when_the_step_is_refused(cast: Cast) -> None:
    issue = new_issue(cast)
    with pytest.raises(ValidationError):
        cast.act(issue, "dispatch", Role.DISPATCHER, lead_department=None, tier="deadline", workdays=3)
    assert not Notice.objects.exists()


def test_it_tells_the_handlers_of_late_issues_the_hourly_job_supervises(cast: Cast) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from sanfuwu.issues.models import Issue

    issues = [issue_in(Status.IN_PROGRESS, cast) for _ in range(3)]
    Issue.objects.filter(pk__in=[i.pk for i in issues]).update(
        due_date=timezone.localdate() - timedelta(days=2)
    )
    Notice.objects.all().delete()
    assert issues_flag_overdue() == 3
    for role in (Role.HANDLER, Role.HEAD):
        notices = told(cast.people[role], Kind.SUPERVISED)
        assert sorted(n.link for n in notices) == sorted(
            reverse("issues:detail", args=[i.pk]) for i in issues
        )
