"""Importing pairings: a person (by login name) or a department paired with a target, known by target,
holder and start date, so that importing again updates instead of doubling; every bad cell refused at
its column with nothing written; and the pairings export reading back."""

from __future__ import annotations

from datetime import date

import pytest

from sanfuwu.imports.kinds import KINDS
from sanfuwu.visits.models import Frequency, Pairing
from tests.conftest import World, make_person
from tests.imports.helpers import (
    export_bytes,
    header_of,
    problems,
    row_of,
    run,
    run_rows,
    sheet_rows,
    workbook,
)

pytestmark = pytest.mark.django_db


def pairing_row(world: World, **cols: object) -> dict[str, object]:
    row: dict[str, object] = {
        "联系对象": world.xiasha_firm.name,
        "包联人账号": "gridder",
        "包联人": "gridder",
        "走访频次": "每月",
        "开始日期": "2025-07-01",
    }
    row.update(cols)
    return row


def messages(outcome, column: str) -> str:
    return " ".join(e.message for e in outcome.errors if e.column == column)


def test_administrators_and_dispatchers_may_import_pairings(
    world: World, admin_person, xiasha_dispatcher, grid_worker
) -> None:
    kind = KINDS["pairings"]
    assert kind.allowed(admin_person) and kind.allowed(xiasha_dispatcher)
    assert not kind.allowed(grid_worker)


def test_it_pairs_a_person_by_login_name_and_a_department(world: World, admin_person, grid_worker) -> None:
    outcome = run_rows(
        "pairings",
        [
            pairing_row(world, 结束日期="2025-12-31"),
            pairing_row(
                world,
                联系对象=world.baiyang_firm.name,
                统一社会信用代码=world.baiyang_firm.credit_code,
                包联人账号="",
                包联人="",
                包联部门="建设局",
                走访频次="每季度",
            ),
        ],
        admin_person,
    )
    assert (outcome.errors, outcome.created, outcome.written) == ([], 2, True)
    person = Pairing.objects.get(person=grid_worker)
    assert (person.target, person.department, person.frequency) == (
        world.xiasha_firm,
        None,
        Frequency.MONTHLY,
    )
    assert (person.starts_on, person.ends_on) == (date(2025, 7, 1), date(2025, 12, 31))
    department = Pairing.objects.get(department=world.jianshe)
    assert (department.target, department.person, department.frequency) == (
        world.baiyang_firm,
        None,
        Frequency.QUARTERLY,
    )
    assert department.ends_on is None


def test_a_dispatcher_pairs_within_the_street(world: World, xiasha_dispatcher, grid_worker) -> None:
    outcome = run_rows("pairings", [pairing_row(world)], xiasha_dispatcher)
    assert (outcome.errors, outcome.created) == ([], 1)
    assert Pairing.objects.filter(person=grid_worker, target=world.xiasha_firm).count() == 1


def test_it_refuses_a_holder_name_that_is_not_the_accounts(world: World, admin_person, grid_worker) -> None:
    outcome = run_rows("pairings", [pairing_row(world, 包联人="张三")], admin_person)
    assert problems(outcome) == {(2, "包联人")}
    assert "gridder" in messages(outcome, "包联人") and "不符" in messages(outcome, "包联人")
    assert not Pairing.objects.exists()


@pytest.mark.parametrize(
    ("username", "department"), [("gridder", "建设局"), ("", "")], ids=["both", "neither"]
)
def test_it_wants_a_person_or_a_department_not_both(
    world: World, admin_person, grid_worker, username: str, department: str
) -> None:
    outcome = run_rows(
        "pairings", [pairing_row(world, 包联人账号=username, 包联人="", 包联部门=department)], admin_person
    )
    assert problems(outcome) == {(2, "包联人账号")}
    assert "只填一个" in messages(outcome, "包联人账号")
    assert not Pairing.objects.exists()


@pytest.mark.parametrize(
    ("cols", "column", "words"),
    [
        ({"走访频次": "每天"}, "走访频次", "走访频次应为"),
        ({"走访频次": ""}, "走访频次", "请填写走访频次"),
        ({"开始日期": "2025-13-01"}, "开始日期", "不是有效日期"),
        ({"开始日期": "明天"}, "开始日期", "不是有效日期"),
        ({"开始日期": ""}, "开始日期", "请填写开始日期"),
        ({"结束日期": "2025-02-30"}, "结束日期", "不是有效日期"),
        ({"包联人账号": "nobody", "包联人": ""}, "包联人账号", "没有账号“nobody”"),
        ({"包联人账号": "", "包联人": "", "包联部门": "财政局"}, "包联部门", "没有名为“财政局”的部门"),
        ({"联系对象": "不存在的公司"}, "联系对象", "没有找到"),
    ],
    ids=["frequency", "no-frequency", "month-13", "tomorrow", "no-start", "feb-30", "account", "department",
         "target"],
)  # fmt: skip
def test_it_refuses_a_bad_cell_at_its_column(
    world: World, admin_person, grid_worker, cols: dict[str, object], column: str, words: str
) -> None:
    outcome = run_rows("pairings", [pairing_row(world, **cols)], admin_person)
    assert problems(outcome) == {(2, column)}
    assert words in messages(outcome, column)
    assert not outcome.written and not Pairing.objects.exists()


def test_it_refuses_an_end_before_the_start(world: World, admin_person, grid_worker) -> None:
    outcome = run_rows("pairings", [pairing_row(world, 结束日期="2025-06-30")], admin_person)
    assert [e.message for e in outcome.errors] == ["结束日期不能早于开始日期。"]
    assert not Pairing.objects.exists()
    # Said at the cell to correct, so that the marked workbook shows it red like every other problem.
    assert problems(outcome) == {(2, "结束日期")}


def test_a_street_dispatcher_cannot_pair_another_streets_target(
    world: World, xiasha_dispatcher, baiyang_dispatcher
) -> None:
    outcome = run_rows(
        "pairings",
        [
            pairing_row(
                world,
                联系对象=world.baiyang_firm.name,
                包联人账号="by_dispatcher",
                包联人="by_dispatcher",
            ),
            pairing_row(
                world,
                联系对象=world.baiyang_firm.name,
                统一社会信用代码=world.baiyang_firm.credit_code,
                包联人账号="",
                包联人="",
                包联部门="建设局",
            ),
        ],
        xiasha_dispatcher,
    )
    assert problems(outcome) == {(2, "联系对象"), (3, "联系对象")}
    assert "管辖范围" in messages(outcome, "联系对象")
    assert not Pairing.objects.exists()


def test_it_refuses_a_holder_who_could_never_visit_the_target(
    world: World, admin_person, grid_worker, baiyang_dispatcher
) -> None:
    outcome = run_rows(
        "pairings",
        [
            pairing_row(world, 联系对象=world.baiyang_firm.name),  # a 下沙 grid worker, a 白杨 firm
            pairing_row(world, 包联人账号="by_dispatcher", 包联人="by_dispatcher"),  # and the other way round
        ],
        admin_person,
    )
    assert problems(outcome) == {(2, "包联人账号"), (3, "包联人账号")}
    assert "无权走访" in messages(outcome, "包联人账号")
    assert not Pairing.objects.exists()


def test_a_dispatcher_cannot_pair_someone_from_outside_the_street(
    world: World, xiasha_dispatcher, baiyang_dispatcher
) -> None:
    outcome = run_rows(
        "pairings", [pairing_row(world, 包联人账号="by_dispatcher", 包联人="")], xiasha_dispatcher
    )
    assert problems(outcome) == {(2, "包联人账号")}
    assert "不在您的管辖范围内" in messages(outcome, "包联人账号")
    assert not Pairing.objects.exists()


def test_reimporting_the_same_pairing_skips_it(world: World, admin_person, grid_worker) -> None:
    rows = [pairing_row(world, 结束日期="2025-12-31")]
    assert run_rows("pairings", rows, admin_person).created == 1
    outcome = run_rows("pairings", rows, admin_person)
    assert (outcome.errors, outcome.created, outcome.updated, outcome.skipped) == ([], 0, 0, 1)
    assert Pairing.objects.count() == 1


def test_a_changed_frequency_or_end_updates_the_pairing_rather_than_doubling_it(
    world: World, admin_person, grid_worker
) -> None:
    run_rows("pairings", [pairing_row(world)], admin_person)
    outcome = run_rows("pairings", [pairing_row(world, 走访频次="每周")], admin_person)
    assert (outcome.errors, outcome.created, outcome.updated) == ([], 0, 1)
    outcome = run_rows("pairings", [pairing_row(world, 走访频次="每周", 结束日期="2026-06-30")], admin_person)
    assert (outcome.errors, outcome.created, outcome.updated) == ([], 0, 1)
    pairing = Pairing.objects.get()
    assert (pairing.frequency, pairing.ends_on) == (Frequency.WEEKLY, date(2026, 6, 30))


def test_a_date_cell_means_the_same_day_as_its_text(world: World, admin_person, grid_worker) -> None:
    run_rows("pairings", [pairing_row(world)], admin_person)
    header = header_of("pairings")
    typed = row_of("pairings", **pairing_row(world, 开始日期=date(2025, 7, 1)))
    outcome = run("pairings", workbook(header, [typed]), admin_person)
    assert (outcome.errors, outcome.created, outcome.skipped) == ([], 0, 1)


def test_a_pairing_twice_in_the_file_is_refused(world: World, admin_person, grid_worker) -> None:
    outcome = run_rows("pairings", [pairing_row(world), pairing_row(world, 走访频次="每周")], admin_person)
    assert [(e.row, e.message) for e in outcome.errors] == [(3, "与第 2 行重复。")]
    assert not Pairing.objects.exists()


def test_one_bad_row_means_nothing_is_written(world: World, admin_person, grid_worker) -> None:
    outcome = run_rows(
        "pairings",
        [pairing_row(world), pairing_row(world, 联系对象=world.park_firm.name, 走访频次="偶尔")],
        admin_person,
    )
    assert problems(outcome) == {(3, "走访频次")}
    assert not outcome.written and not Pairing.objects.exists()


def test_a_dry_run_counts_and_writes_nothing(world: World, admin_person, grid_worker) -> None:
    outcome = run_rows(
        "pairings",
        [pairing_row(world), pairing_row(world, 包联人账号="", 包联人="", 包联部门="建设局")],
        admin_person,
        dry_run=True,
    )
    assert (outcome.errors, outcome.created, outcome.written) == ([], 2, False)
    assert not Pairing.objects.exists()


def test_the_pairings_export_reads_back_in(
    world: World, admin_person, grid_worker, baiyang_dispatcher
) -> None:
    park_worker = make_person("park_gridder", ["visitor"], region=world.park_grid)
    Pairing.objects.create(
        target=world.xiasha_firm, person=grid_worker, frequency=Frequency.MONTHLY, starts_on=date(2025, 1, 1)
    )
    Pairing.objects.create(
        target=world.xiasha_firm, department=world.jianshe, frequency=Frequency.QUARTERLY,
        starts_on=date(2025, 3, 1), ends_on=date(2025, 12, 31),
    )  # fmt: skip
    Pairing.objects.create(
        target=world.baiyang_firm,
        person=baiyang_dispatcher,
        frequency=Frequency.WEEKLY,
        starts_on=date(2025, 5, 6),
    )
    Pairing.objects.create(
        target=world.park_firm, person=park_worker, frequency=Frequency.YEARLY, starts_on=date(2024, 1, 1),
        ends_on=date(2024, 12, 31),
    )  # fmt: skip
    data = export_bytes("pairings", admin_person)
    before = sheet_rows(data)
    assert len(before) == 5
    Pairing.objects.all().delete()

    outcome = run("pairings", data, admin_person)
    assert (outcome.errors, outcome.created, outcome.written) == ([], 4, True)
    assert sheet_rows(export_bytes("pairings", admin_person)) == before
    again = run("pairings", data, admin_person)
    assert (again.errors, again.created, again.skipped) == ([], 0, 4)
