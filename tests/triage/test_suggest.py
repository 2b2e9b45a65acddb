"""Suggestions at registration and dispatch, and a model that learns the district's own habits."""

import pytest

from sanfuwu.issues.models import Action, Issue, Source, Tier
from sanfuwu.issues.services import issue_register
from sanfuwu.issues.workflow import issue_act
from sanfuwu.orgs.catalog import catalog_load
from sanfuwu.orgs.models import Category, Department
from sanfuwu.people.models import Role
from sanfuwu.triage.models import Stage, Suggestion
from sanfuwu.triage.store import model_forget
from sanfuwu.triage.suggest import advise
from sanfuwu.triage.training import district_train
from tests.conftest import World, make_person


@pytest.fixture
def catalogue(world: World):
    catalog_load()
    model_forget()
    yield
    model_forget()


def register(person, world: World, text: str, code: str) -> Issue:
    return issue_register(
        actor=person, title=text[:20], description=text, source=Source.HOTLINE,
        category=Category.objects.get(code=code), region=world.touge_grid,
    )  # fmt: skip


def dispatch(issue: Issue, dispatcher, department: Department) -> Issue:
    return issue_act(
        issue=issue, action=Action.DISPATCH, actor=dispatcher, version=issue.version,
        lead_department=department, co_departments=[], tier=Tier.DEADLINE, workdays=5,
    )  # fmt: skip


def test_it_suggests_the_category_of_a_plain_complaint_with_its_reasons(catalogue):
    advice = advise("3号楼电梯又把人困在里面了，物业说维保单位没空")
    top = advice.categories[0]
    assert top.category.code == "elevator"
    assert top.confidence > 0.5
    assert any("电梯" in r or "困" in r for r in top.reasons)
    assert len(advice.categories) == 3
    assert advice.departments[0].department.code == "shichang"


def test_it_suggests_nothing_for_a_text_too_short_to_read(catalogue):
    assert advise("有").categories == []


def test_it_keeps_what_registration_was_shown_beside_the_category_chosen(catalogue, world, grid_worker):
    issue = register(grid_worker, world, "小区门口垃圾桶好几天没人清运，臭得不行", "road")
    kept = Suggestion.objects.get(issue=issue, stage=Stage.REGISTER)
    assert kept.categories[0][0] == "sanitation"
    assert kept.chosen_category == "road"
    assert kept.followed is False


def test_it_records_the_department_a_dispatcher_chose_against_the_one_suggested(
    catalogue, world, grid_worker
):
    from sanfuwu.issues.triage import issues_dispatch_each

    dispatcher = make_person("dispatcher", [Role.DISPATCHER], region=world.district)
    issue = register(grid_worker, world, "3号楼电梯又把人困在里面了，物业说维保单位没空", "elevator")
    jianshe = Department.objects.get(code="jianshe")
    issues_dispatch_each(
        actor=dispatcher, picks=[(issue.pk, issue.version)], lead_department=jianshe,
        co_departments=[], tier=Tier.DEADLINE, workdays=5,
    )  # fmt: skip
    record = Suggestion.objects.get(issue=issue, stage=Stage.DISPATCH)
    assert record.departments[0][0] == "shichang"
    assert record.chosen_department == "jianshe"
    assert record.followed is False


def test_it_learns_a_new_category_from_dispatch_history(catalogue, world, grid_worker):
    dispatcher = make_person("dispatcher", [Role.DISPATCHER], region=world.district)
    gongan = Department.objects.get(code="gongan")
    drones = Category.objects.create(code="drone", name="无人机管理", default_department=gongan)
    text = "小区上空又有无人机黑飞，嗡嗡响还拍到阳台"
    assert "drone" not in [g.category.code for g in advise(text).categories]
    flights = [
        "晚上有无人机在楼顶盘旋黑飞，担心偷拍", "学校操场上空经常有无人机飞，没有报备",
        "无人机贴着居民楼飞，噪音大还拍窗户", "有人在公园放无人机，差点撞到小孩",
        "医药港园区上空出现不明无人机，企业担心泄密", "无人机黑飞扰民，希望公安管一管",
        "周末总有人在江边放无人机，离机场航线不远", "楼下有人操控无人机往阳台里拍",
    ]  # fmt: skip
    for words in flights:
        dispatch(register(grid_worker, world, words, "drone"), dispatcher, gongan)
    district_train()
    advice = advise(text)
    assert advice.categories[0].category == drones
    assert advice.departments[0].department == gongan


def test_it_follows_the_department_the_district_actually_sends_a_category_to(catalogue, world, grid_worker):
    dispatcher = make_person("dispatcher", [Role.DISPATCHER], region=world.district)
    chengguan = Department.objects.get(code="chengguan")
    texts = [
        "文渊路人行道地砖松动，下雨踩上去溅一身泥", "6号大街人行道被挖开没恢复",
        "福城路非机动车道坑坑洼洼", "学源街路面裂缝越来越大", "下沙路桥头跳车严重",
        "头格社区门口道路塌陷", "中沙路窨井盖周边路面破损", "东沙湖路路面坑洼积水",
    ]  # fmt: skip
    for words in texts:
        dispatch(register(grid_worker, world, words, "road"), dispatcher, chengguan)
    district_train()
    assert advise("小区门口的人行道地砖碎了好几块").departments[0].department == chengguan
