"""Importing people: accounts by login name with their unit and roles, updated rather than doubled,
every bad cell refused at its column with nothing written, and the directory's export reading back."""

from __future__ import annotations

import pytest

from sanfuwu.imports.kinds import KINDS
from sanfuwu.people.models import Person, Role
from tests.conftest import World, make_person
from tests.imports.helpers import export_bytes, exported, problems, run, run_rows, sheet_rows

pytestmark = pytest.mark.django_db


def person_row(username: str = "zhang_wei", **cols: object) -> dict[str, object]:
    row: dict[str, object] = {
        "账号": username,
        "姓名": "张伟",
        "所属区域": "头格第1网格",
        "角色": "走访干部",
        "职务": "网格员",
        "电话": "13800000000",
    }
    row.update(cols)
    return row


def messages(outcome, column: str) -> str:
    return " ".join(e.message for e in outcome.errors if e.column == column)


def test_only_administrators_may_import_people(world: World, admin_person, xiasha_dispatcher, leader) -> None:
    kind = KINDS["people"]
    assert kind.allowed(admin_person)
    assert not kind.allowed(xiasha_dispatcher) and not kind.allowed(leader)


def test_it_creates_accounts_with_their_unit_and_several_roles(world: World, admin_person) -> None:
    outcome = run_rows(
        "people",
        [
            person_row("zhang_wei", 角色="走访干部、督查员"),
            person_row(
                "li_na", 姓名="李娜", 所属区域="", 所属部门="建设局", 角色="承办人", 职务="科员", 电话=""
            ),
        ],
        admin_person,
    )
    assert (outcome.errors, outcome.created, outcome.updated, outcome.written) == ([], 2, 0, True)
    zhang = Person.objects.get(username="zhang_wei")
    assert (zhang.name, zhang.region, zhang.department) == ("张伟", world.touge_grid, None)
    assert zhang.roles == {Role.VISITOR, Role.SUPERVISOR}
    assert (zhang.title, zhang.phone) == ("网格员", "13800000000")
    li = Person.objects.get(username="li_na")
    assert (li.region, li.department, li.roles) == (None, world.jianshe, {Role.HANDLER})


def test_new_accounts_have_no_usable_password_and_the_outcome_says_so(world: World, admin_person) -> None:
    outcome = run_rows(
        "people", [person_row("zhang_wei"), person_row("wang_fang", 姓名="王芳")], admin_person
    )
    assert outcome.created == 2
    for username in ("zhang_wei", "wang_fang"):
        assert not Person.objects.get(username=username).has_usable_password()
    assert len(outcome.notices) == 1 and "2 个新账号还没有密码" in outcome.notices[0]


def test_reimporting_a_row_updates_the_account_and_never_doubles_it(world: World, admin_person) -> None:
    run_rows("people", [person_row("zhang_wei")], admin_person)
    before = Person.objects.count()
    outcome = run_rows(
        "people",
        [
            person_row(
                "zhang_wei", 姓名="张伟强", 职务="专职网格员", 电话="0571-86001234", 角色="走访干部、调度员"
            )
        ],
        admin_person,
    )
    assert (outcome.errors, outcome.created, outcome.updated) == ([], 0, 1)
    assert outcome.notices == []  # nobody new needs a password
    assert Person.objects.count() == before
    zhang = Person.objects.get(username="zhang_wei")
    assert (zhang.name, zhang.title, zhang.phone) == ("张伟强", "专职网格员", "0571-86001234")
    assert zhang.roles == {Role.VISITOR, Role.DISPATCHER}


def test_an_unchanged_row_is_skipped_even_the_importers_own(world: World, admin_person, grid_worker) -> None:
    outcome = run_rows(
        "people",
        [
            {"账号": "gridder", "姓名": "gridder", "所属区域": "头格第1网格", "角色": "走访干部"},
            {"账号": "admin", "姓名": "admin", "所属区域": "杭州测试区", "角色": "系统管理员"},
        ],
        admin_person,
    )
    assert (outcome.errors, outcome.created, outcome.updated, outcome.skipped) == ([], 0, 0, 2)
    assert outcome.written


def test_it_refuses_to_change_the_importers_own_account(world: World, admin_person) -> None:
    outcome = run_rows(
        "people",
        [{"账号": "admin", "姓名": "新名字", "所属区域": "杭州测试区", "角色": "系统管理员"}],
        admin_person,
    )
    assert problems(outcome) == {(2, "账号")}
    assert "自己的账号" in messages(outcome, "账号")
    admin_person.refresh_from_db()
    assert admin_person.name == "admin"


@pytest.mark.parametrize(
    ("region", "department"), [("头格第1网格", "建设局"), ("", "")], ids=["both", "neither"]
)
def test_it_wants_a_region_or_a_department_not_both(
    world: World, admin_person, region: str, department: str
) -> None:
    outcome = run_rows("people", [person_row(所属区域=region, 所属部门=department)], admin_person)
    assert problems(outcome) == {(2, "所属区域")}
    assert "只填一个" in messages(outcome, "所属区域")
    assert not Person.objects.filter(username="zhang_wei").exists()


@pytest.mark.parametrize(
    ("cols", "column", "words"),
    [
        ({"角色": "走访干部、队长"}, "角色", "角色应为"),
        ({"所属区域": "不存在街道"}, "所属区域", "没有找到"),
        ({"所属区域": "", "所属部门": "财政局"}, "所属部门", "没有名为“财政局”的部门"),
        ({"电话": "12345"}, "电话", "手机号码"),
        ({"账号": "zhang wei!"}, "账号", "用户名"),
        ({"姓名": ""}, "姓名", ""),
    ],
    ids=["role", "region", "department", "phone", "username", "name"],
)
def test_it_refuses_a_bad_cell_at_its_column(
    world: World, admin_person, cols: dict[str, object], column: str, words: str
) -> None:
    before = Person.objects.count()
    outcome = run_rows("people", [{**person_row(), **cols}], admin_person)
    assert problems(outcome) == {(2, column)}
    assert words in messages(outcome, column)
    assert not outcome.written and Person.objects.count() == before


def test_it_keeps_the_unit_within_the_importers_scope(world: World, xiasha_dispatcher) -> None:
    # The page and the command let only administrators in; the importer keeps to the actor's scope anyway.
    outcome = run_rows("people", [person_row(所属区域="白杨第1网格")], xiasha_dispatcher)
    assert problems(outcome) == {(2, "所属区域")}
    assert "管辖范围" in messages(outcome, "所属区域")


def test_a_login_name_twice_in_the_file_is_refused_at_the_second(world: World, admin_person) -> None:
    outcome = run_rows(
        "people", [person_row("zhang_wei"), person_row("zhang_wei", 姓名="另一个张伟")], admin_person
    )
    assert problems(outcome) == {(3, "账号")}
    assert "与第 2 行重复" in messages(outcome, "账号")
    assert not Person.objects.filter(username="zhang_wei").exists()


def test_one_bad_row_means_nothing_is_written(world: World, admin_person, grid_worker) -> None:
    before = Person.objects.count()
    outcome = run_rows(
        "people",
        [
            person_row("zhang_wei"),
            {"账号": "gridder", "姓名": "改了名字", "所属区域": "头格第1网格", "角色": "走访干部"},
            person_row("wang_fang", 电话="not-a-phone"),
        ],
        admin_person,
    )
    assert problems(outcome) == {(4, "电话")}
    assert not outcome.written and (outcome.created, outcome.updated) == (1, 1)
    assert Person.objects.count() == before
    assert not Person.objects.filter(username="zhang_wei").exists()
    grid_worker.refresh_from_db()
    assert grid_worker.name == "gridder"


def test_a_refused_import_does_not_speak_of_new_accounts(world: World, admin_person) -> None:
    outcome = run_rows(
        "people", [person_row("zhang_wei"), person_row("wang_fang", 电话="12345")], admin_person
    )
    assert problems(outcome) == {(3, "电话")} and not outcome.written
    # Nothing was written, so no account is waiting for a password: the page would show the notice
    # right under "没有写入任何数据".
    assert outcome.notices == []


def test_a_dry_run_counts_and_writes_nothing(world: World, admin_person) -> None:
    before = Person.objects.count()
    outcome = run_rows(
        "people", [person_row("zhang_wei"), person_row("wang_fang", 姓名="王芳")], admin_person, dry_run=True
    )
    assert (outcome.errors, outcome.created, outcome.written) == ([], 2, False)
    assert [line.action for line in outcome.preview] == ["create", "create"]
    assert Person.objects.count() == before


def test_the_directorys_export_reads_back_in(
    world: World, admin_person, leader, xiasha_dispatcher, grid_worker, handler
) -> None:
    make_person("park_clerk", [Role.DISPATCHER, Role.VISITOR], region=world.park)
    Person.objects.filter(username="gridder").update(title="网格员", phone="13800000001")
    data = export_bytes("people", admin_person)
    before = sheet_rows(data)
    assert len(before) == 7  # the header and six people
    Person.objects.exclude(pk=admin_person.pk).delete()

    outcome = run("people", data, admin_person)
    assert outcome.errors == [] and outcome.written
    assert (outcome.created, outcome.skipped) == (5, 1)  # the importer's own row is unchanged

    after = exported("people", admin_person)
    assert after[0] == before[0]
    assert sorted(after[1:]) == sorted(before[1:])
