"""The working morning: due-tomorrow and overdue reminders once per issue per day, on working
days only, after eight Beijing time; each department's digest; a grid worker's visits due this
week; an import's author and a meeting's evaluators told."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from sanfuwu.imports.kinds import KINDS
from sanfuwu.imports.runs import import_run_create, import_run_execute
from sanfuwu.issues.models import Issue, Status
from sanfuwu.notify.models import Delivery, Kind, Notice, Receiver, ReminderDay, RobotKind
from sanfuwu.notify.reminders import reminders_due
from sanfuwu.people.models import Person, Role
from sanfuwu.visits.models import Frequency, Pairing
from sanfuwu.workdays.calendar import add_workdays, is_workday
from tests.conftest import World, client_for, make_person
from tests.issues.conftest import Cast, issue_in

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def workday_from(day: date) -> date:
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def rest_day_from(day: date) -> date:
    while is_workday(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def today(world: World) -> date:
    """A working day two weeks on, whatever day the tests run."""
    return workday_from(date.today() + timedelta(days=14))


def morning(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), BEIJING)


def running(cast: Cast, due: date) -> Issue:
    issue = issue_in(Status.IN_PROGRESS, cast)
    Issue.objects.filter(pk=issue.pk).update(due_date=due)
    return issue


def told(person: Person, kind: str) -> list[Notice]:
    return list(Notice.objects.filter(recipient=person, kind=kind))


def test_it_reminds_of_issues_due_tomorrow_and_overdue_once_a_day(cast: Cast, today: date) -> None:
    due = running(cast, add_workdays(today, 1))
    late = running(cast, today - timedelta(days=3))
    later = running(cast, add_workdays(today, 5))
    Notice.objects.all().delete()
    assert reminders_due(morning(today)) > 0
    handler = cast.people[Role.HANDLER]
    [tomorrow] = told(handler, Kind.DUE_TOMORROW)
    [overdue] = told(handler, Kind.OVERDUE)
    assert tomorrow.link == reverse("issues:detail", args=[due.pk]) and "明日" in tomorrow.text
    assert overdue.link == reverse("issues:detail", args=[late.pk]) and "已超过办理期限" in overdue.text
    assert not Notice.objects.filter(link=reverse("issues:detail", args=[later.pk])).exists()
    before = Notice.objects.count()
    assert reminders_due(morning(today, 10)) == 0, "the day's reminders went out already"
    assert reminders_due(morning(today, 15)) == 0
    assert Notice.objects.count() == before
    # The next working day, still late: told again, once.
    nxt = add_workdays(today, 1)
    reminders_due(morning(nxt))
    assert len(told(handler, Kind.OVERDUE)) == 2


def test_it_waits_for_eight_oclock_beijing_time(cast: Cast, today: date) -> None:
    running(cast, today - timedelta(days=3))
    assert reminders_due(morning(today, 7)) == 0
    assert not ReminderDay.objects.exists()
    assert reminders_due(morning(today, 8)) > 0


def test_it_sends_nothing_on_a_rest_day(cast: Cast, today: date) -> None:
    running(cast, today - timedelta(days=3))
    assert reminders_due(morning(rest_day_from(today))) == 0
    assert not ReminderDay.objects.exists()


def test_the_digest_goes_to_the_heads_and_their_group(cast: Cast, today: date) -> None:
    robot = Receiver.objects.create(
        name="建设局工作群", kind=RobotKind.WECOM, url="http://127.0.0.1:9/cgi-bin/webhook/send?key=k",
        department=cast.world.jianshe,
    )  # fmt: skip
    running(cast, today - timedelta(days=3))
    reminders_due(morning(today))
    [digest] = told(cast.people[Role.HEAD], Kind.DIGEST)
    assert "建设局" in digest.text and "已超期 1 件" in digest.text
    assert told(cast.people[Role.HANDLER], Kind.DIGEST) == [], "a department with a head tells its head"
    assert Delivery.objects.filter(receiver=robot, kind=Kind.DIGEST).count() == 1


def test_a_grid_worker_hears_of_this_weeks_visits_on_the_weeks_first_working_day(
    world: World, today: date
) -> None:
    visitor = make_person("gw", [Role.VISITOR], region=world.touge_grid)
    Pairing.objects.create(
        target=world.xiasha_firm, person=visitor, frequency=Frequency.WEEKLY, starts_on=date(2024, 1, 1)
    )
    monday = today - timedelta(days=today.weekday())
    first = workday_from(monday)
    second = add_workdays(first, 1)
    if second.isocalendar()[1] == first.isocalendar()[1]:
        reminders_due(morning(second))
        assert told(visitor, Kind.VISIT_DUE) == []
    reminders_due(morning(first))
    [due] = told(visitor, Kind.VISIT_DUE)
    assert world.xiasha_firm.name in due.text


def test_an_imports_author_hears_when_it_is_done(world: World, admin_person: Person, today: date) -> None:
    from tests.imports.test_office_files import big_sheet, header_of

    run = import_run_create(actor=admin_person, kind=KINDS["targets"], filename="企业名单.xlsx",
                            data=big_sheet(header_of("targets"), 3, "one-cell"), dry_run=True)  # fmt: skip
    import_run_execute(run_id=run.pk)
    [notice] = told(admin_person, Kind.IMPORT_DONE)
    assert "企业名单.xlsx" in notice.text and notice.link == reverse("imports:run", args=[run.pk])


def test_evaluators_called_to_a_meeting_are_told(world: World, admin_person: Person, today: date) -> None:
    evaluator = make_person("ev", [Role.EVALUATOR], region=world.district)
    other = make_person("ev2", [Role.EVALUATOR], region=world.district)
    admin_person.is_staff = True
    admin_person.save()
    data = {
        "name": "第四季度测评会", "league": "territory", "held_on": today.isoformat(), "evaluators": [evaluator.pk],
        "criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client_for(admin_person).post(reverse("admin:scoring_reviewmeeting_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    [notice] = told(evaluator, Kind.REVIEW_OPENED)
    assert "第四季度测评会" in notice.text
    assert told(other, Kind.REVIEW_OPENED) == []
