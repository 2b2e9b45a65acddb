"""工作台 by role: each role's section with its numbers and their links, absent for the other roles,
in the order of the day's work; every number opens a list of exactly that length."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sanfuwu.issues.models import Issue, Status
from sanfuwu.issues.services import issue_register
from sanfuwu.orgs.models import Category, Region
from sanfuwu.people.models import Person, Role
from sanfuwu.scoring.models import Indicator, League, ManualValue, ReviewCriterion, ReviewMeeting, Source
from sanfuwu.targets.models import Target
from sanfuwu.visits.models import Frequency, Pairing
from sanfuwu.visits.selectors import pairings_due
from sanfuwu.visits.services import visit_record
from tests.conftest import World, client_for, make_code, make_person
from tests.issues import conftest as issue_fixtures
from tests.issues.conftest import Cast, issue_in

# Issues in every status and one person per role, as the workflow's own tests build them.
cast = issue_fixtures.cast


@pytest.fixture(autouse=True)
def no_movements_kept_from_another_test() -> None:
    cache.clear()


SECTIONS = ["head", "handler", "dispatcher", "visitor", "evaluator", "supervisor", "leader", "admin"]


def home_of(person: Person) -> str:
    response = client_for(person).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def sections_in(page: str) -> list[str]:
    return re.findall(r'<section class="sfw-home-section" id="home-(\w+)"', page)


def cards_in(page: str) -> dict[str, tuple[int, str]]:
    """The numbered cards of the role sections: key → (number, link)."""
    found = re.findall(r'href="([^"]*)" data-card="([\w-]+)">.*?sfw-stat-value">([\d,]+)\+?<', page, re.S)
    return {key: (int(n.replace(",", "")), html.unescape(url)) for url, key, n in found}


def section(page: str, role: str) -> str:
    part = page.split(f'id="home-{role}"')[1]
    return part.split('<section class="sfw-home-section"')[0]


def listed(client: Client, url: str) -> int:
    page = client.get(url).content.decode()
    if "/aftercare/" in url:  # the queue's tabs carry their counts
        tab = url.rsplit("tab=", 1)[1]
        found = re.search(rf'data-count="{tab}">(\d+)\+?<', page)
        assert found, url
        return int(found.group(1))
    found = re.search(r'id="issue-count">(\d+)\+?<', page)
    assert found, url
    return int(found.group(1))


def assert_every_card_agrees_with_its_list(person: Person, page: str) -> None:
    client = client_for(person)
    for key, (n, url) in cards_in(page).items():
        if url.startswith("#") or "/visits/" in url:
            continue
        assert listed(client, url) == n, (key, url)


def late(cast: Cast, days: int, *, supervised: bool = False) -> Issue:
    """An issue in progress at 建设局 whose deadline ended `days` days ago."""
    issue = issue_in(Status.IN_PROGRESS, cast)
    Issue.objects.filter(pk=issue.pk).update(due_date=timezone.localdate() - timedelta(days=days))
    if supervised:
        issue = cast.act(issue, "supervise", Role.SUPERVISOR, level="key", note="群众反映强烈")
    return Issue.objects.get(pk=issue.pk)


def due_in(cast: Cast, days: int) -> Issue:
    issue = issue_in(Status.IN_PROGRESS, cast)
    Issue.objects.filter(pk=issue.pk).update(due_date=timezone.localdate() + timedelta(days=days))
    return Issue.objects.get(pk=issue.pk)


# --- who sees which section -------------------------------------------------------------------


def test_each_role_sees_its_own_section_and_no_other(cast: Cast):
    for role, person in cast.people.items():
        assert sections_in(home_of(person))[:1] == [role], role
        assert [s for s in sections_in(home_of(person)) if s in SECTIONS] == [role], role


def test_a_person_holding_several_roles_sees_the_queues_before_the_overviews(world: World):
    person = make_person("many", [Role.LEADER, Role.VISITOR, Role.EVALUATOR], region=world.district)
    assert sections_in(home_of(person))[:3] == ["visitor", "evaluator", "leader"]
    both = make_person("both", [Role.DISPATCHER, Role.VISITOR], region=world.touge_grid)
    assert sections_in(home_of(both))[:2] == ["dispatcher", "visitor"]


def test_a_person_without_a_role_is_told_to_ask_for_one_and_sees_no_figures(world: World):
    nobody = make_person("nobody", [], region=world.xiasha)
    page = home_of(nobody)
    assert 'id="no-role"' in page and "还没有分配角色" in page
    assert sections_in(page) == []
    assert 'data-card="' not in page and 'id="industries"' not in page


@pytest.mark.parametrize("role", [Role.HANDLER, Role.VISITOR, Role.EVALUATOR, Role.SUPERVISOR])
def test_roles_without_a_territory_to_direct_see_no_enterprise_statistics(cast: Cast, role: str):
    page = home_of(cast.people[role])
    assert 'id="home-territory"' not in page
    assert 'id="industries"' not in page and "企业行业分布" not in page


@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMIN, Role.DISPATCHER])
def test_those_who_direct_a_territory_keep_its_enterprise_figures(cast: Cast, role: str):
    page = home_of(cast.people[role])
    assert 'id="home-territory"' in page and 'id="industries"' in page


# --- handler ----------------------------------------------------------------------------------


def test_a_handler_sees_the_worklist_counts_each_opening_its_tab(cast: Cast):
    issue_in(Status.ASSIGNED, cast)  # 待签收
    issue_in(Status.IN_PROGRESS, cast)  # 办理中, deadline three working days away
    late(cast, 4, supervised=True)
    late(cast, 1)
    handler = cast.people[Role.HANDLER]
    page = home_of(handler)
    cards = cards_in(page)
    work = reverse("issues:work")
    assert {key: cards[key] for key in cards if key.startswith("work-")} == {
        "work-pending": (1, f"{work}?view=dept&tab=pending"),
        "work-doing": (3, f"{work}?view=dept&tab=doing"),
        "work-due_soon": (cards["work-due_soon"][0], f"{work}?view=dept&tab=due_soon"),
        "work-overdue": (2, f"{work}?view=dept&tab=overdue"),
        "work-supervised": (1, f"{work}?view=dept&tab=supervised"),
    }
    assert_every_card_agrees_with_its_list(handler, page)


def test_the_handlers_most_urgent_items_come_longest_overdue_first_then_the_nearest_deadline(cast: Cast):
    later = due_in(cast, 9)
    soon = due_in(cast, 2)
    worst = late(cast, 6)
    slightly = late(cast, 1)
    urgent = section(home_of(cast.people[Role.HANDLER]), "handler").split('id="urgent"')[1]
    links = re.findall(r'href="/issues/(\d+)/"', urgent)
    assert links == [str(i.pk) for i in (worst, slightly, soon, later)]
    assert "超期 6 天" in urgent and "超期 1 天" in urgent


def test_a_handler_of_another_department_sees_none_of_it(cast: Cast, world: World):
    late(cast, 3)
    other = make_person("other_handler", [Role.HANDLER], department=cast.other_department)
    cards = cards_in(home_of(other))
    assert cards["work-overdue"][0] == 0 and cards["work-doing"][0] == 0


# --- dispatcher -------------------------------------------------------------------------------


def register(cast: Cast, title: str, region: Region) -> Issue:
    return issue_register(
        actor=cast.people[Role.DISPATCHER], title=title, description="路灯不亮。", source="hotline",
        category=cast.category, region=region,
    )  # fmt: skip


def test_a_streets_dispatcher_counts_only_its_streets_queue(cast: Cast, world: World):
    register(cast, "下沙新登记", world.touge_grid)
    issue_in(Status.RETURNED, cast)  # in 头格 (下沙)
    register(cast, "白杨新登记", world.baiyang_grid)
    xiasha = make_person("xs_disp", [Role.DISPATCHER], region=world.xiasha)
    baiyang = make_person("by_disp", [Role.DISPATCHER], region=world.baiyang)
    xs, by = cards_in(home_of(xiasha)), cards_in(home_of(baiyang))
    assert (xs["triage-waiting"][0], xs["triage-new"][0], xs["triage-returned"][0]) == (2, 1, 1)
    assert (by["triage-waiting"][0], by["triage-new"][0], by["triage-returned"][0]) == (1, 1, 0)
    assert xs["triage-waiting"][1] == reverse("issues:triage")
    assert xs["triage-returned"][1] == reverse("issues:list") + "?status=returned"
    assert_every_card_agrees_with_its_list(xiasha, home_of(xiasha))
    assert_every_card_agrees_with_its_list(baiyang, home_of(baiyang))
    assert "白杨新登记" not in home_of(xiasha) and "下沙新登记" not in home_of(baiyang)


def test_the_dispatcher_sees_what_waits_for_an_answer_a_return_visit_and_close_out(cast: Cast, world: World):
    resolved = issue_in(Status.RESOLVED, cast)  # answered and rated: waits for close-out
    fresh = issue_in(Status.IN_PROGRESS, cast)
    cast.act(fresh, "resolve", Role.HANDLER, resolution="已修复。")  # waits for its answer
    xiasha = make_person("xs_disp", [Role.DISPATCHER], region=world.xiasha)
    baiyang = make_person("by_disp", [Role.DISPATCHER], region=world.baiyang)
    xs = cards_in(home_of(xiasha))
    assert (xs["aftercare-answer"][0], xs["aftercare-visit"][0], xs["aftercare-close"][0]) == (1, 0, 1)
    assert xs["aftercare-close"][1] == reverse("issues:aftercare") + "?tab=close"
    by = cards_in(home_of(baiyang))
    assert (by["aftercare-answer"][0], by["aftercare-close"][0]) == (0, 0)
    assert_every_card_agrees_with_its_list(xiasha, home_of(xiasha))
    assert "aftercare-answer" not in cards_in(home_of(cast.people[Role.LEADER]))
    assert resolved.status == Status.RESOLVED


def test_the_dispatcher_sees_who_has_waited_longest_first(cast: Cast, world: World):
    first = register(cast, "最早登记的问题", world.touge_grid)
    Issue.objects.filter(pk=first.pk).update(registered_at=timezone.now() - timedelta(days=5, hours=3))
    register(cast, "刚登记的问题", world.touge_grid)
    waiting = section(home_of(cast.people[Role.DISPATCHER]), "dispatcher").split('id="oldest-waiting"')[1]
    assert waiting.index("最早登记的问题") < waiting.index("刚登记的问题")
    assert "已等 5\xa0日<" in waiting  # the largest unit alone, not "5 日，3 小时"
    assert reverse("issues:triage") in waiting


# --- grid worker ------------------------------------------------------------------------------


WEDNESDAY = date(2025, 6, 11)


def visit(person: Person, target: Target, day: date) -> None:
    at = timezone.make_aware(datetime(day.year, day.month, day.day, 10))
    visit_record(actor=person, visited_at=at, targets=[target], notes="了解生产经营情况。")


def test_the_grid_workers_due_visits_put_the_most_overdue_first(world: World, grid_worker: Person):
    def firm(name: str, code: str) -> Target:
        return Target.objects.create(
            kind="enterprise", name=name, credit_code=make_code(f"330114MA2HM{code}000"), industry="biomedicine",
            region=world.touge, grid=world.touge_grid,
        )  # fmt: skip

    start = date(2025, 1, 1)
    never = firm("从未走访的企业", "1")
    missed_may = firm("五月漏访的企业", "2")
    done = firm("本月已走访的企业", "3")
    weekly = firm("每周走访的企业", "4")
    for target, frequency in ((never, Frequency.MONTHLY), (missed_may, Frequency.MONTHLY),
                              (done, Frequency.MONTHLY), (weekly, Frequency.WEEKLY)):  # fmt: skip
        Pairing.objects.create(target=target, person=grid_worker, frequency=frequency, starts_on=start)
    Pairing.objects.create(target=world.xiasha_firm, person=None, department=world.jianshe, starts_on=start)
    visit(grid_worker, missed_may, date(2025, 4, 20))
    visit(grid_worker, done, date(2025, 6, 3))
    visit(grid_worker, weekly, date(2025, 6, 4))  # last week: this week's is still owed

    due = pairings_due(grid_worker, WEDNESDAY)
    assert [d.pairing.target.name for d in due.week] == ["每周走访的企业"]
    assert due.week[0].due_by == date(2025, 6, 15)
    # Over the last quarter: March, April and May missed against March and May.
    assert [d.pairing.target.name for d in due.month] == ["从未走访的企业", "五月漏访的企业"]
    assert [d.missed for d in due.month] == [3, 2]
    assert due.month[1].last_visit == date(2025, 4, 20)


def test_the_grid_worker_has_the_big_record_button_and_a_visit_link_per_due_target(
    world: World, grid_worker: Person
):
    Pairing.objects.create(
        target=world.xiasha_firm, person=grid_worker, frequency=Frequency.WEEKLY, starts_on=date(2025, 1, 1)
    )
    page = home_of(grid_worker)
    visitor = section(page, "visitor")
    assert f'id="record-visit" href="{reverse("visits:new")}"' in visitor
    assert 'id="record-visit-thumb"' in visitor
    record = f"{reverse('visits:new')}?target={world.xiasha_firm.pk}"
    assert record in visitor.split('id="due-week"')[1].split('id="due-month"')[0]
    assert cards_in(page)["due-week"] == (1, "#due-week")
    assert "record-visit" not in home_of(make_person("h2", [Role.HANDLER], department=world.jianshe))


def test_the_grid_workers_home_lists_a_screenful_of_due_visits_and_counts_them_all(
    world: World, grid_worker: Person, monkeypatch
):
    from sanfuwu.portal.views import home as home_views

    monkeypatch.setattr(home_views, "DUE_ROWS", 2)
    for n in range(3):
        firm = Target.objects.create(
            kind="enterprise", name=f"每周企业{n}", credit_code=make_code(f"330114MA2HW{n}000"),
            industry="biomedicine", region=world.touge, grid=world.touge_grid,
        )  # fmt: skip
        Pairing.objects.create(
            target=firm, person=grid_worker, frequency=Frequency.WEEKLY, starts_on=date(2025, 1, 1)
        )
    page = home_of(grid_worker)
    week = section(page, "visitor").split('id="due-week"')[1].split('id="due-month"')[0]
    assert week.count('class="list-group-item due-row"') == 2
    assert "共 3 个" in week and f'href="{reverse("visits:coverage")}"' in week
    assert cards_in(page)["due-week"] == (3, "#due-week")


def test_a_grid_worker_counts_the_issues_they_registered(cast: Cast):
    issue_in(Status.REGISTERED, cast)
    visitor = cast.people[Role.VISITOR]
    page = home_of(visitor)
    assert cards_in(page)["mine"] == (1, reverse("issues:mine"))
    assert_every_card_agrees_with_its_list(visitor, page)


# --- evaluator --------------------------------------------------------------------------------


def test_an_evaluator_is_shown_the_open_meeting_to_score_and_no_other(cast: Cast):
    evaluator = cast.people[Role.EVALUATOR]
    today = timezone.localdate()
    mine = ReviewMeeting.objects.create(name="年中测评会", league=League.TERRITORY, held_on=today)
    mine.evaluators.add(evaluator)
    ReviewCriterion.objects.create(meeting=mine, name="工作推进", max_score=40)
    closed = ReviewMeeting.objects.create(
        name="上季度测评会", league=League.TERRITORY, held_on=today, closed_at=timezone.now()
    )
    closed.evaluators.add(evaluator)
    ReviewMeeting.objects.create(name="别人的测评会", league=League.TERRITORY, held_on=today)
    part = section(home_of(evaluator), "evaluator")
    assert "年中测评会" in part and "上季度测评会" not in part and "别人的测评会" not in part
    assert f'href="{reverse("race:review", args=[mine.pk])}"' in part
    assert "已评 0 / 3 项" in part  # three streets and parks on one criterion
    assert 'id="home-evaluator"' not in home_of(cast.people[Role.HANDLER])


# --- leader -----------------------------------------------------------------------------------


def test_the_leader_sees_late_and_supervised_counts_that_open_their_lists(cast: Cast):
    late(cast, 5, supervised=True)
    late(cast, 2)
    issue_in(Status.REGISTERED, cast)
    leader = cast.people[Role.LEADER]
    page = home_of(leader)
    cards = cards_in(page)
    assert cards["overdue"] == (2, reverse("issues:list") + "?group=overdue")
    assert cards["supervised"] == (1, reverse("issues:list") + "?group=supervised")
    assert_every_card_agrees_with_its_list(leader, page)
    pressing = section(page, "leader").split('id="pressing"')[1].split('id="movements"')[0]
    assert "超期 5 天" in pressing and "超期 2 天" in pressing
    assert pressing.index("超期 5 天") < pressing.index("超期 2 天")


def test_the_leader_sees_the_units_that_rose_and_fell_most_in_the_race(cast: Cast, world: World):
    gdp = Indicator.objects.create(
        league=League.TERRITORY, name="规上工业增加值", source=Source.MANUAL, unit="亿元", weight=100,
        target=Decimal("100"), cap=Decimal("3"), min_cases=1,
    )  # fmt: skip
    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    before = last.replace(day=1) - timedelta(days=1)
    # The month before: 下沙 first, 白杨 second, 医药港 third; last month the other way round.
    for month, values in ((before, (300, 200, 100)), (last, (100, 200, 300))):
        for street, value in zip((world.xiasha, world.baiyang, world.park), values, strict=True):
            ManualValue.objects.create(
                indicator=gdp, region=street, month=month.replace(day=1), value=Decimal(value)
            )
    part = section(home_of(cast.people[Role.LEADER]), "leader").split('id="movements"')[1]
    part = part.split('id="common-problems"')[0]
    ranking = html.escape(f"{reverse('race:ranking')}?league=territory&month={last:%Y-%m}")
    up = part.split("movement-up")[1]
    down = part.split("movement-down")[1]
    assert "医药港小镇" in up and "进 2 位" in up and ranking in part
    assert "下沙街道" in down and "退 2 位" in down
    assert "白杨街道" not in part  # it did not move


def test_the_leader_sees_last_months_common_problems_as_the_bulletin_counts_them(cast: Cast, world: World):
    from sanfuwu.reports.figures import bulletin_figures

    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    street_lamps = Category.objects.create(code="lamp", name="路灯照明", default_department=world.jianshe)
    for n, category in ((3, street_lamps), (1, cast.category)):
        for i in range(n):
            issue = issue_register(
                actor=cast.people[Role.DISPATCHER], title=f"{category.name}问题{i}", description="情况说明。",
                source="hotline", category=category, region=world.touge_grid,
                registered_at=timezone.make_aware(datetime(first.year, first.month, 10 + i, 9)),
            )  # fmt: skip
    this_month = register(cast, "本月的问题", world.touge_grid)
    assert this_month.registered_at.date() > last
    leader = cast.people[Role.LEADER]
    part = section(home_of(leader), "leader").split('id="common-problems"')[1]
    names = re.findall(r'common-problem" href="[^"]*">\s*<div[^>]*><span class="fw-medium">([^<]+)<', part)
    assert names == ["路灯照明", "道路交通"]
    assert issue.title in part  # the latest titles say what the problems are
    bulletin = bulletin_figures(world.district, first, last)
    assert [(name, n) for name, n, _ in bulletin.categories] == [("路灯照明", 3), ("道路交通", 1)]
    url = html.unescape(re.findall(r'common-problem" href="([^"]*)"', part)[0])
    assert f"category={street_lamps.pk}" in url
    assert listed(client_for(leader), url) == 3


# --- supervisor -------------------------------------------------------------------------------


def test_the_supervisor_sees_the_board_by_department_with_days_overdue(cast: Cast, world: World):
    late(cast, 7, supervised=True)
    on_time = due_in(cast, 5)
    cast.act(on_time, "supervise", Role.SUPERVISOR, level="general", note="请按期办结")
    late(cast, 3)  # late but not supervised: not on the board
    waiting = issue_in(Status.REGISTERED, cast)
    cast.act(waiting, "supervise", Role.SUPERVISOR, level="general", note="尽快交办")
    supervisor = cast.people[Role.SUPERVISOR]
    page = home_of(supervisor)
    board = section(page, "supervisor").split('id="supervision-board"')[1].split("</table>")[0]
    rows = re.findall(r'<tr class="board-line">(.*?)</tr>', board, re.S)
    assert len(rows) == 2
    assert "建设局" in rows[0] and "7 天" in rows[0]
    assert re.search(r'board-supervised">2<', rows[0]) and re.search(r'board-overdue">1<', rows[0])
    assert "待交办" in rows[1] and re.search(r'board-supervised">1<', rows[1])
    client = client_for(supervisor)
    for url, n in re.findall(r'href="([^"]*)" class="[^"]*board-(?:supervised|overdue)">(\d+)<', board):
        assert listed(client, html.unescape(url)) == int(n), url
    assert f"department={world.jianshe.pk}" in rows[0]
    assert cards_in(page)["board-supervised"][0] == 3 and cards_in(page)["board-overdue"][0] == 1
    assert_every_card_agrees_with_its_list(supervisor, page)


# --- admin ------------------------------------------------------------------------------------


def test_the_administrator_keeps_the_late_and_supervised_counts_and_the_territory(cast: Cast):
    late(cast, 2, supervised=True)
    admin = cast.people[Role.ADMIN]
    page = home_of(admin)
    cards = cards_in(page)
    assert cards["admin-overdue"][0] == 1 and cards["admin-supervised"][0] == 1
    assert 'id="territory"' in page
    assert_every_card_agrees_with_its_list(admin, page)


# --- cost -------------------------------------------------------------------------------------


def queries_for(person: Person) -> int:
    client = client_for(person)
    client.get(reverse("home"))  # the session and the first request's caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


def test_the_home_reads_a_few_queries_whatever_the_number_of_issues(cast: Cast):
    def more() -> None:
        for days in range(1, 5):
            late(cast, days, supervised=days % 2 == 0)
        issue_in(Status.REGISTERED, cast)

    more()
    before = {role: queries_for(person) for role, person in cast.people.items()}
    more()
    more()
    after = {role: queries_for(person) for role, person in cast.people.items()}
    assert after == before
    # The leader's ranking movements, read once for all, are kept until the next roll-up; every
    # page also counts the bell's unread notices; the leader's 专题协调 in hand are one more.
    assert max(after.values()) <= 27, after


def test_a_week_that_runs_into_next_month_is_still_this_weeks(world: World, grid_worker: Person):
    Pairing.objects.create(
        target=world.xiasha_firm, person=grid_worker, frequency=Frequency.WEEKLY, starts_on=date(2025, 1, 1)
    )
    due = pairings_due(grid_worker, date(2025, 12, 30))  # a Tuesday; the week ends on 4 January
    assert [(d.pairing.target_id, d.due_by) for d in due.week] == [(world.xiasha_firm.pk, date(2026, 1, 4))]


def test_a_handler_without_a_department_is_told_what_is_missing(world: World):
    adrift = make_person("adrift", [Role.HANDLER], region=None)
    page = home_of(adrift)
    assert sections_in(page) == [] and "还没有所属部门" in page


# --- the territory at a glance, for those who direct it ------------------------------------------


def territory_rows(person) -> list[tuple[str, ...]]:
    html = client_for(person).get(reverse("home")).content.decode()
    table = html.split('id="territory"')[1].split("</table>")[0] if 'id="territory"' in html else ""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        name = re.search(r'fw-medium">([^<]+)<', row)
        numbers = re.findall(r'sfw-num">(\d+)<', row)
        if name:
            rows.append((name.group(1), *numbers))
    return rows


def test_a_leader_sees_each_street_and_park_with_its_enterprises(world: World, leader):
    assert territory_rows(leader) == [
        ("下沙街道", "1", "0", "1"),
        ("白杨街道", "1", "0", "1"),
        ("医药港小镇", "1", "0", "1"),
    ]


def test_a_street_dispatcher_sees_the_streets_communities(world: World, xiasha_dispatcher):
    assert territory_rows(xiasha_dispatcher) == [("头格社区", "1", "0", "1")]


def test_a_grid_worker_has_no_territory_table_but_a_link_to_the_own_grid(world: World, grid_worker):
    html = client_for(grid_worker).get(reverse("home")).content.decode()
    assert 'id="territory"' not in html
    assert f"grid={world.touge_grid.pk}" in html


def test_home_counts_stay_within_scope(world: World, xiasha_dispatcher):
    html = client_for(xiasha_dispatcher).get(reverse("home")).content.decode()
    enterprise_card = re.search(
        r'sfw-stat-value">(\d+)</div>\s*<div class="text-secondary text-nowrap">'
        r'<a href="[^"]*kind=enterprise"',
        html,
    )
    assert enterprise_card and enterprise_card.group(1) == "1"


def test_a_handler_sees_the_departments_categories_and_colleagues(world: World, handler):
    from sanfuwu.orgs.models import Category

    Category.objects.create(code="road", name="道路交通", default_department=world.jianshe, about="道路破损")
    html = client_for(handler).get(reverse("home")).content.decode()
    assert 'id="department-panel"' in html and "道路交通" in html
    assert 'id="routing-panel"' not in html


def test_a_dispatcher_sees_where_each_category_goes(world: World, xiasha_dispatcher):
    from sanfuwu.orgs.models import Category

    Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    html = client_for(xiasha_dispatcher).get(reverse("home")).content.decode()
    assert 'id="routing-panel"' in html and "建设局" in html
    assert 'id="department-panel"' not in html


def test_a_grid_worker_sees_the_grids_key_enterprises(world: World, grid_worker):
    type(world.xiasha_firm).objects.filter(pk=world.xiasha_firm.pk).update(is_key=True)
    html = client_for(grid_worker).get(reverse("home")).content.decode()
    assert 'id="grid-panel"' in html and world.xiasha_firm.name in html


def test_the_navigation_depends_on_the_role(world: World, leader, handler, grid_worker, xiasha_dispatcher):
    directory = reverse("people:list")
    assert directory in client_for(leader).get(reverse("home")).content.decode()
    assert directory in client_for(xiasha_dispatcher).get(reverse("home")).content.decode()
    assert directory not in client_for(handler).get(reverse("home")).content.decode()
    assert directory not in client_for(grid_worker).get(reverse("home")).content.decode()


def test_the_directory_is_for_coordinators_and_keeps_to_scope(
    world: World, xiasha_dispatcher, baiyang_dispatcher, handler
):
    assert client_for(handler).get(reverse("people:list")).status_code == 403
    page = client_for(xiasha_dispatcher).get(reverse("people:list")).content.decode()
    assert "xs_dispatcher" in page and "by_dispatcher" not in page
