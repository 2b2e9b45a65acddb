"""Importing visits (走访记录) from Excel: each row recorded through the visit service on behalf of
its recorder, numbers kept and never doubled, every bad cell refused at its column, all or nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from sanfuwu.imports.cells import moment_text
from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person, Role
from sanfuwu.targets.models import Target
from sanfuwu.visits.models import Policy, Visit, VisitCounter, VisitForm
from sanfuwu.visits.services import visit_record
from tests.conftest import World, make_code, make_person
from tests.imports.helpers import export_bytes, exported, problems, run, run_rows

pytestmark = pytest.mark.django_db

KIND = "visits"


@pytest.fixture
def policy(world: World) -> Policy:
    return Policy.objects.create(title="企业稳岗返还政策", issuer="区人力社保局", issued_on=date(2025, 3, 1))


@pytest.fixture
def recorder(world: World) -> Person:
    return make_person("grid01", [Role.VISITOR], region=world.touge_grid)


@pytest.fixture
def colleague(world: World) -> Person:
    return make_person("grid02", [Role.VISITOR], region=world.touge_grid)


@pytest.fixture
def chengguan(world: World) -> Department:
    return Department.objects.create(code="chengguan", name="城市管理局", region=world.district)


def visit_row(world: World, **cells: object) -> dict[str, object]:
    """A good row: a site visit to 下沙星辰制药 recorded by grid01, overridden by `cells`."""
    row: dict[str, object] = {
        "走访时间": "2025-10-08 09:30",
        "走访形式": "实地走访",
        "走访对象": world.xiasha_firm.name,
        "记录人账号": "grid01",
        "走访情况": "了解企业生产经营情况，企业反映用工紧张。",
    }
    row.update(cells)
    return row


def local(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text), timezone.get_current_timezone())


def test_it_records_a_visit_on_behalf_of_its_recorder_with_everything_the_row_names(
    world: World, admin_person: Person, recorder: Person, colleague: Person, policy: Policy,
    chengguan: Department,
) -> None:  # fmt: skip
    second = Policy.objects.create(title="研发费用加计扣除", issuer="区税务局", issued_on=date(2025, 1, 1))
    outcome = run_rows(
        KIND,
        [
            visit_row(
                world, 走访编号="ZF-2025-000042", 走访形式="座谈",
                走访对象=f"{world.xiasha_firm.name}、{world.park_firm.credit_code}",
                走访人员账号="grid01、grid02", 随行部门="建设局、城市管理局", 地点="企业会议室",
                接待人员="总经理 王某", 宣讲政策="企业稳岗返还政策、研发费用加计扣除",
            )
        ],
        admin_person,
    )  # fmt: skip
    assert (outcome.errors, outcome.created, outcome.written) == ([], 1, True)
    visit = Visit.objects.get()
    assert visit.number == "ZF-2025-000042"
    assert visit.visited_at == local("2025-10-08 09:30")
    assert visit.form == VisitForm.TALK
    assert visit.recorded_by == recorder
    assert set(visit.visitors.all()) == {recorder, colleague}
    assert set(visit.targets.all()) == {world.xiasha_firm, world.park_firm}
    assert visit.region == world.touge_grid  # the first target's grid
    assert set(visit.departments.all()) == {world.jianshe, chengguan}
    assert set(visit.policies.all()) == {policy, second}
    assert (visit.place, visit.met) == ("企业会议室", "总经理 王某")
    assert visit.notes == "了解企业生产经营情况，企业反映用工紧张。"
    assert set(visit.visit_targets.values_list("visited_on", flat=True)) == {date(2025, 10, 8)}


def test_it_counts_the_recorder_among_the_visitors_even_when_not_listed(
    world: World, admin_person: Person, recorder: Person, colleague: Person
) -> None:
    outcome = run_rows(KIND, [visit_row(world, 走访人员账号="grid02")], admin_person)
    assert outcome.errors == []
    assert set(Visit.objects.get().visitors.all()) == {recorder, colleague}


def test_it_keeps_the_number_given_and_moves_the_counter_past_it(
    world: World, admin_person: Person, recorder: Person
) -> None:
    outcome = run_rows(KIND, [visit_row(world, 走访编号="ZF-2025-000042")], admin_person)
    assert outcome.errors == [] and Visit.objects.get().number == "ZF-2025-000042"
    assert VisitCounter.objects.get(year=2025).last == 42
    later, _issues = visit_record(
        actor=recorder, visited_at=local("2025-11-03 10:00"), targets=[world.xiasha_firm],
        notes="回访企业了解用工情况。",
    )  # fmt: skip
    assert later.number == "ZF-2025-000043"


def test_it_does_not_move_the_counter_back_for_a_lower_number(
    world: World, admin_person: Person, recorder: Person
) -> None:
    VisitCounter.objects.create(year=2025, last=100)
    outcome = run_rows(KIND, [visit_row(world, 走访编号="ZF-2025-000007")], admin_person)
    assert outcome.errors == [] and Visit.objects.get().number == "ZF-2025-000007"
    assert VisitCounter.objects.get(year=2025).last == 100


def test_it_gives_a_fresh_number_to_a_row_without_one(
    world: World, admin_person: Person, recorder: Person
) -> None:
    VisitCounter.objects.create(year=2025, last=9)
    outcome = run_rows(
        KIND,
        [visit_row(world), visit_row(world, 走访时间="2025-10-09 14:00", 走访对象=world.park_firm.name)],
        admin_person,
    )
    assert outcome.errors == [] and outcome.created == 2
    assert sorted(Visit.objects.values_list("number", flat=True)) == ["ZF-2025-000010", "ZF-2025-000011"]


def test_importing_the_same_file_again_skips_what_is_there_and_doubles_nothing(
    world: World, admin_person: Person, recorder: Person
) -> None:
    rows = [
        visit_row(world, 走访编号="ZF-2025-000042"),
        visit_row(world, 走访时间="2025-10-09 14:00"),  # no number: known by time, recorder and target
    ]
    first = run_rows(KIND, rows, admin_person)
    assert (first.errors, first.created) == ([], 2)
    numbers = sorted(Visit.objects.values_list("number", flat=True))
    again = run_rows(KIND, rows, admin_person)
    assert (again.errors, again.created, again.skipped) == ([], 0, 2)
    assert sorted(Visit.objects.values_list("number", flat=True)) == numbers


def test_a_file_whose_rows_are_already_there_is_skipped_even_for_a_dispatcher(
    world: World, xiasha_dispatcher: Person, recorder: Person
) -> None:
    rows = [visit_row(world, 走访编号="ZF-2025-000042")]
    assert run_rows(KIND, rows, xiasha_dispatcher).created == 1
    again = run_rows(KIND, rows, xiasha_dispatcher)
    assert (again.errors, again.created, again.skipped) == ([], 0, 1) and Visit.objects.count() == 1


def test_a_dispatcher_records_visits_in_their_own_street(
    world: World, xiasha_dispatcher: Person, recorder: Person
) -> None:
    outcome = run_rows(KIND, [visit_row(world)], xiasha_dispatcher)
    assert (outcome.errors, outcome.created, outcome.written) == ([], 1, True)
    assert Visit.objects.get().recorded_by == recorder


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"走访时间": "2099-01-01 09:00"}, "走访时间", "不能晚于现在"),
        ({"走访时间": "十月八日上午"}, "走访时间", "不是有效时间"),
        ({"走访时间": "2025-02-30 09:00"}, "走访时间", "不是有效时间"),
        ({"走访时间": ""}, "走访时间", "请填写走访时间"),
        ({"走访形式": "微信"}, "走访形式", "走访形式应为"),
        ({"走访对象": "不存在的公司"}, "走访对象", "没有找到您管辖范围内的联系对象"),
        ({"走访对象": ""}, "走访对象", "请至少选择一个走访对象"),
        ({"记录人账号": "nobody"}, "记录人账号", "没有账号“nobody”"),
        ({"记录人账号": ""}, "记录人账号", "请填写记录人账号"),
        ({"走访人员账号": "grid01、nobody"}, "走访人员账号", "没有账号“nobody”"),
        ({"随行部门": "宣传部"}, "随行部门", "没有名为“宣传部”的部门"),
        ({"宣讲政策": "不存在的政策"}, "宣讲政策", "没有名为“不存在的政策”的政策"),
        ({"走访情况": "走访"}, "走访情况", "至少 5 个字"),
        ({"走访情况": ""}, "走访情况", "至少 5 个字"),
    ],
    ids=[
        "future", "bad-time", "no-such-day", "no-time", "unknown-form", "unknown-target", "no-target",
        "unknown-recorder", "no-recorder", "unknown-companion", "unknown-department", "unknown-policy",
        "short-notes", "no-notes",
    ],
)  # fmt: skip
def test_it_refuses_a_bad_cell_at_its_column_and_writes_nothing(
    world: World, admin_person: Person, recorder: Person, policy: Policy, cells: dict[str, object],
    column: str, message: str,
) -> None:  # fmt: skip
    outcome = run_rows(KIND, [visit_row(world, **cells)], admin_person)
    assert (2, column) in problems(outcome), outcome.errors
    assert any(message in e.message for e in outcome.errors if e.column == column), outcome.errors
    assert not outcome.written and Visit.objects.count() == 0


def test_it_refuses_a_number_longer_than_the_field_holds(
    world: World, admin_person: Person, recorder: Person
) -> None:
    """Visit.number holds 20 characters: a longer one must be refused at its cell, not left to the
    database (SQLite stores it whole, PostgreSQL fails the whole import with a DataError)."""
    outcome = run_rows(KIND, [visit_row(world, 走访编号="ZF-2025-" + "0" * 20)], admin_person)
    assert problems(outcome) == {(2, "走访编号")}, outcome.errors
    assert not outcome.written and Visit.objects.count() == 0


def test_it_refuses_an_inactive_account_as_recorder_or_companion(
    world: World, admin_person: Person, recorder: Person, colleague: Person
) -> None:
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    outcome = run_rows(
        KIND, [visit_row(world, 记录人账号="grid02"), visit_row(world, 走访人员账号="grid02")], admin_person
    )
    assert problems(outcome) == {(2, "记录人账号"), (3, "走访人员账号")}
    assert all("已停用" in e.message for e in outcome.errors)
    assert Visit.objects.count() == 0


def test_it_refuses_an_inactive_department(world: World, admin_person: Person, recorder: Person) -> None:
    Department.objects.create(code="old", name="旧部门", region=world.district, active=False)
    outcome = run_rows(KIND, [visit_row(world, 随行部门="旧部门")], admin_person)
    assert problems(outcome) == {(2, "随行部门")} and Visit.objects.count() == 0


def test_a_street_dispatcher_cannot_record_a_visit_to_another_streets_target(
    world: World, xiasha_dispatcher: Person, recorder: Person
) -> None:
    by_name = visit_row(world, 走访对象=world.baiyang_firm.name)
    by_code = visit_row(world, 走访时间="2025-10-09 10:00", 走访对象=world.baiyang_firm.credit_code)
    mixed = visit_row(
        world, 走访时间="2025-10-10 10:00", 走访对象=f"{world.xiasha_firm.name}、{world.baiyang_firm.name}"
    )
    outcome = run_rows(KIND, [by_name, by_code, mixed], xiasha_dispatcher)
    assert problems(outcome) == {(2, "走访对象"), (3, "走访对象"), (4, "走访对象")}
    assert all("管辖范围" in e.message for e in outcome.errors)
    assert Visit.objects.count() == 0


def test_a_name_two_targets_share_is_refused_and_a_credit_code_resolves_it(
    world: World, admin_person: Person, recorder: Person
) -> None:
    twin = Target.objects.create(
        kind="enterprise", name=world.xiasha_firm.name, credit_code=make_code("330114MA2XHA009"),
        region=world.touge, grid=world.touge_grid,
    )  # fmt: skip
    refused = run_rows(KIND, [visit_row(world)], admin_person)
    assert problems(refused) == {(2, "走访对象")} and "统一社会信用代码" in refused.errors[0].message
    assert Visit.objects.count() == 0
    outcome = run_rows(KIND, [visit_row(world, 走访对象=twin.credit_code)], admin_person)
    assert outcome.errors == [] and list(Visit.objects.get().targets.all()) == [twin]


def test_a_number_twice_in_the_file_is_refused_at_the_second_row(
    world: World, admin_person: Person, recorder: Person
) -> None:
    outcome = run_rows(
        KIND,
        [
            visit_row(world, 走访编号="ZF-2025-000042"),
            visit_row(world, 走访编号="ZF-2025-000042", 走访时间="2025-10-09 10:00"),
        ],
        admin_person,
    )
    assert problems(outcome) == {(3, "走访编号")}
    assert "与第 2 行重复" in outcome.errors[0].message
    assert Visit.objects.count() == 0


def test_one_bad_row_keeps_every_row_out_and_the_counter_where_it_was(
    world: World, admin_person: Person, recorder: Person
) -> None:
    outcome = run_rows(
        KIND,
        [
            visit_row(world, 走访编号="ZF-2025-000042"),
            visit_row(world, 走访时间="2025-10-09 10:00"),
            visit_row(world, 走访时间="2025-10-10 10:00", 走访形式="飞鸽传书"),
        ],
        admin_person,
    )
    assert problems(outcome) == {(4, "走访形式")}
    assert outcome.created == 2 and not outcome.written
    assert Visit.objects.count() == 0 and not VisitCounter.objects.filter(last__gt=0).exists()


def test_every_bad_row_is_reported_not_only_the_first(
    world: World, admin_person: Person, recorder: Person
) -> None:
    outcome = run_rows(
        KIND,
        [
            visit_row(world, 走访形式="微信"),
            visit_row(world, 走访时间="2025-10-09 10:00"),
            visit_row(world, 走访时间="昨天", 记录人账号="nobody", 走访情况="短"),
        ],
        admin_person,
    )
    assert {(2, "走访形式"), (4, "走访时间"), (4, "记录人账号")} <= problems(outcome)
    assert not any(row == 3 for row, _column in problems(outcome))
    assert Visit.objects.count() == 0


def test_a_dry_run_reports_what_it_would_create_and_writes_nothing(
    world: World, admin_person: Person, recorder: Person
) -> None:
    outcome = run_rows(
        KIND,
        [visit_row(world, 走访编号="ZF-2025-000042"), visit_row(world, 走访时间="2025-10-09 10:00")],
        admin_person,
        dry_run=True,
    )
    assert (outcome.errors, outcome.created, outcome.written) == ([], 2, False)
    assert [line.row for line in outcome.preview] == [2, 3]
    assert outcome.preview[0].label.startswith("ZF-2025-000042")
    assert Visit.objects.count() == 0 and not VisitCounter.objects.filter(last__gt=0).exists()


def test_visits_go_out_and_come_back_identical(
    world: World, admin_person: Person, recorder: Person, colleague: Person, policy: Policy,
    chengguan: Department,
) -> None:  # fmt: skip
    twin = Target.objects.create(
        kind="enterprise", name=world.park_firm.name, credit_code=make_code("330114MA2YYG009"),
        region=world.park, grid=world.park_grid,
    )  # fmt: skip
    now = timezone.now()
    visit_record(
        actor=recorder, visited_at=now - timedelta(days=40, minutes=7, seconds=13), targets=[world.xiasha_firm],
        notes="了解企业用工情况。", companions=[colleague], departments=[world.jianshe, chengguan],
        place="企业会议室", met="总经理 王某", policies=[policy], form=VisitForm.TALK,
    )  # fmt: skip
    visit_record(
        actor=admin_person, visited_at=now - timedelta(days=3), targets=[twin, world.park_firm],
        notes="两家同名企业一同走访。", recorded_by=recorder,
    )  # fmt: skip
    outcome = run_rows(
        KIND,
        [visit_row(world, 走访编号="ZF-2024-000777", 走访时间="2024-12-30 16:45", 走访形式="电话")],
        admin_person,
    )
    assert outcome.errors == []
    before = exported(KIND, admin_person, month="all")
    assert len(before) == 4
    data = export_bytes(KIND, admin_person, month="all")
    Visit.objects.all().delete()
    outcome = run(KIND, data, admin_person)
    assert (outcome.errors, outcome.created, outcome.written) == ([], 3, True)
    assert exported(KIND, admin_person, month="all") == before


def test_a_visit_to_several_targets_keeps_its_region_through_a_round_trip(
    world: World, admin_person: Person, recorder: Person
) -> None:
    """The region comes from the first target; the export must not lose which one that was."""
    visit, _issues = visit_record(
        actor=admin_person, visited_at=timezone.now() - timedelta(days=2),
        targets=[world.park_firm, world.xiasha_firm], notes="园区与街道企业联合座谈。", recorded_by=recorder,
    )  # fmt: skip
    assert visit.region == world.park_grid
    before = exported(KIND, admin_person, month="all")
    data = export_bytes(KIND, admin_person, month="all")
    Visit.objects.all().delete()
    assert run(KIND, data, admin_person).errors == []
    assert Visit.objects.get().region == world.park_grid
    assert exported(KIND, admin_person, month="all") == before


def test_the_export_writes_the_time_the_import_reads(
    world: World, admin_person: Person, recorder: Person
) -> None:
    run_rows(KIND, [visit_row(world, 走访编号="ZF-2025-000042")], admin_person)
    rows = exported(KIND, admin_person, month="all")
    header = rows[0]
    assert (
        rows[1][header.index("走访时间")] == "2025-10-08 09:30" == moment_text(Visit.objects.get().visited_at)
    )
    assert rows[1][header.index("所属区域")] == "头格第1网格"


def test_admins_and_dispatchers_may_import_visits_and_grid_workers_may_not(
    world: World, admin_person: Person, xiasha_dispatcher: Person, grid_worker: Person, handler: Person
) -> None:
    from sanfuwu.imports.kinds import KINDS

    kind = KINDS[KIND]
    assert kind.allowed(admin_person) and kind.allowed(xiasha_dispatcher)
    assert not kind.allowed(grid_worker) and not kind.allowed(handler)
