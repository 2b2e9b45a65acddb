"""The suggestion and splitting endpoints, and the triage queue's suggested departments."""

import pytest
from django.test import Client
from django.urls import reverse

from sanfuwu.issues.models import Source
from sanfuwu.issues.services import issue_register
from sanfuwu.orgs.catalog import catalog_load
from sanfuwu.orgs.models import Category, Department
from sanfuwu.people.models import Role
from sanfuwu.triage.store import model_forget
from tests.conftest import World, client_for, make_person

LIFT = "3号楼电梯又把人困在里面了，物业说维保单位没空"


@pytest.fixture
def catalogue(world: World):
    catalog_load()
    model_forget()


@pytest.mark.parametrize(("name", "method"), [("triage:suggest", "get"), ("triage:split", "post")])
def test_it_sends_strangers_to_the_login_page(catalogue, name, method):
    response = getattr(Client(), method)(reverse(name), {"text": LIFT})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.HANDLER, Role.SUPERVISOR, Role.EVALUATOR])
def test_it_refuses_people_who_register_nothing(catalogue, world, role):
    client = client_for(make_person(f"p_{role}", [role], region=world.xiasha))
    assert client.get(reverse("triage:suggest"), {"text": LIFT}).status_code == 403
    assert client.post(reverse("triage:split"), {"notes": LIFT}).status_code == 403


@pytest.mark.parametrize("role", [Role.VISITOR, Role.DISPATCHER, Role.LEADER, Role.ADMIN])
def test_it_suggests_categories_to_whoever_writes_issues_down(catalogue, world, role):
    client = client_for(make_person(f"p_{role}", [role], region=world.xiasha))
    response = client.get(reverse("triage:suggest"), {"problems-0-description": LIFT})
    assert response.status_code == 200
    elevator = Category.objects.get(code="elevator")
    assert f'data-suggest-category="{elevator.pk}"' in response.content.decode()


def test_it_suggests_nothing_before_anything_is_typed(catalogue, grid_worker):
    response = client_for(grid_worker).get(reverse("triage:suggest"), {"description": ""})
    assert response.status_code == 200
    assert "data-suggest-category" not in response.content.decode()


def test_it_says_at_the_notes_that_there_is_nothing_to_split(catalogue, grid_worker):
    response = client_for(grid_worker).post(reverse("triage:split"), {"notes": " "})
    assert response.status_code == 400
    assert 'data-field-error="notes"' in response.content.decode()
    assert "走访记录" in response.content.decode()


def test_it_proposes_each_problem_of_the_notes_with_its_category(catalogue, grid_worker):
    notes = "企业反映了两个问题：一是厂区门口公交站太远；二是出口退税到账慢。"
    response = client_for(grid_worker).post(reverse("triage:split"), {"notes": notes})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("data-split-row") == 2
    assert 'value="厂区门口公交站太远"' in body and 'value="出口退税到账慢"' in body
    tax = Category.objects.get(code="tax")
    assert f'<option value="{tax.pk}" selected>' in body


def test_the_queue_suggests_a_lead_department_and_flags_a_doubtful_category(catalogue, world, grid_worker):
    dispatcher = make_person("dispatcher", [Role.DISPATCHER], region=world.district)
    issue_register(
        actor=grid_worker, title="电梯困人", description=LIFT, source=Source.VISIT,
        category=Category.objects.get(code="road"), region=world.touge_grid,
    )  # fmt: skip
    body = client_for(dispatcher).get(reverse("issues:triage")).content.decode()
    shichang = Department.objects.get(code="shichang")
    assert f'data-suggest-lead="{shichang.pk}"' in body
    assert "data-advice-category" in body


def test_the_queue_shows_likely_duplicates_only_from_the_dispatchers_own_area(
    catalogue, world, grid_worker, xiasha_dispatcher, baiyang_dispatcher
):
    road = Category.objects.get(code="road")
    words = "福城路与文渊路交叉口的红绿灯坏了一周，晚上过马路很危险"

    def register(region, text):
        return issue_register(
            actor=make_person(f"w{region.pk}", [Role.VISITOR], region=region) if region != world.touge_grid
            else grid_worker, title="信号灯损坏", description=text, source=Source.VISIT, category=road, region=region,
        )  # fmt: skip

    first = register(world.touge_grid, words)
    register(world.touge_grid, "晚上过马路很危险！福城路与文渊路交叉口的红绿灯坏了一周")
    register(world.baiyang_grid, "福城路文渊路交叉口，红绿灯坏了一周，晚上过马路很危险")
    own = client_for(xiasha_dispatcher).get(reverse("issues:triage")).content.decode()
    assert "data-advice-duplicates" in own and first.number in own
    other = client_for(baiyang_dispatcher).get(reverse("issues:triage")).content.decode()
    assert "信号灯损坏" in other
    assert first.number not in other


def test_a_dispatcher_merges_a_row_into_its_likely_original(catalogue, world, grid_worker, xiasha_dispatcher):
    road = Category.objects.get(code="road")
    first = issue_register(
        actor=grid_worker, title="信号灯损坏", description="福城路与文渊路交叉口的红绿灯坏了一周，晚上过马路很危险",
        source=Source.VISIT, category=road, region=world.touge_grid,
    )  # fmt: skip
    second = issue_register(
        actor=grid_worker, title="信号灯损坏", description="晚上过马路很危险！福城路与文渊路交叉口的红绿灯坏了一周",
        source=Source.VISIT, category=road, region=world.touge_grid,
    )  # fmt: skip
    client = client_for(xiasha_dispatcher)
    url = reverse("issues:triage_merge", args=[second.pk])
    answer = client.post(
        url, {"version": second.version, "original": first.number}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200
    assert first.number in answer.content.decode()
    second.refresh_from_db()
    assert second.duplicate_of == first
    again = client.post(
        url, {"version": second.version, "original": first.number}, headers={"HX-Request": "true"}
    )
    assert again.status_code == 409


def test_a_merge_into_an_unknown_number_is_refused_at_the_row(
    catalogue, world, grid_worker, xiasha_dispatcher
):
    issue = issue_register(
        actor=grid_worker, title="信号灯损坏", description="福城路与文渊路交叉口的红绿灯坏了一周",
        source=Source.VISIT, category=Category.objects.get(code="road"), region=world.touge_grid,
    )  # fmt: skip
    url = reverse("issues:triage_merge", args=[issue.pk])
    answer = client_for(xiasha_dispatcher).post(
        url, {"version": issue.version, "original": "WT-1999-000001"}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 400
    assert "没有找到该编号的问题" in answer.content.decode()
    issue.refresh_from_db()
    assert issue.duplicate_of is None


@pytest.mark.parametrize("role", [Role.VISITOR, Role.LEADER, Role.HANDLER])
def test_only_dispatchers_merge_from_the_queue(catalogue, world, grid_worker, role):
    issue = issue_register(
        actor=grid_worker, title="信号灯损坏", description="福城路与文渊路交叉口的红绿灯坏了一周",
        source=Source.VISIT, category=Category.objects.get(code="road"), region=world.touge_grid,
    )  # fmt: skip
    client = client_for(make_person(f"m_{role}", [role], region=world.xiasha))
    answer = client.post(reverse("issues:triage_merge", args=[issue.pk]), {"version": 1, "original": "x"})
    assert answer.status_code == 403


def test_a_dispatcher_of_another_street_cannot_merge_this_streets_issue(
    catalogue, world, grid_worker, baiyang_dispatcher
):
    issue = issue_register(
        actor=grid_worker, title="信号灯损坏", description="福城路与文渊路交叉口的红绿灯坏了一周",
        source=Source.VISIT, category=Category.objects.get(code="road"), region=world.touge_grid,
    )  # fmt: skip
    answer = client_for(baiyang_dispatcher).post(
        reverse("issues:triage_merge", args=[issue.pk]), {"version": issue.version, "original": issue.number}
    )
    assert answer.status_code == 404


def test_it_shows_a_likely_duplicate_while_the_problem_is_typed(
    catalogue, world, grid_worker, baiyang_dispatcher
):
    earlier = issue_register(
        actor=grid_worker, title="信号灯损坏", description="福城路与文渊路交叉口的红绿灯坏了一周，晚上过马路很危险",
        source=Source.VISIT, category=Category.objects.get(code="road"), region=world.touge_grid,
    )  # fmt: skip
    typed = {"problems-0-description": "晚上过马路很危险，福城路与文渊路交叉口的红绿灯坏了一周"}
    mine = client_for(grid_worker).get(reverse("triage:suggest"), typed).content.decode()
    assert "data-suggest-duplicates" in mine and earlier.number in mine
    # Not an issue of another street's: nothing of it is shown to their dispatcher.
    theirs = client_for(baiyang_dispatcher).get(reverse("triage:suggest"), typed).content.decode()
    assert earlier.number not in theirs


def test_a_merged_duplicate_is_never_offered_as_an_original(catalogue, world, grid_worker, xiasha_dispatcher):
    from sanfuwu.issues.workflow import issue_act

    road = Category.objects.get(code="road")
    words = "福城路与文渊路交叉口的红绿灯坏了一周，晚上过马路很危险"
    first = issue_register(actor=grid_worker, title="信号灯损坏", description=words, source=Source.VISIT,
                           category=road, region=world.touge_grid)  # fmt: skip
    copy = issue_register(actor=grid_worker, title="信号灯损坏", description=words + "！", source=Source.VISIT,
                          category=road, region=world.touge_grid)  # fmt: skip
    issue_act(issue=copy, action="merge", actor=xiasha_dispatcher, version=copy.version, original=first)
    typed = {"problems-0-description": "晚上过马路很危险，" + words}
    body = client_for(grid_worker).get(reverse("triage:suggest"), typed).content.decode()
    assert first.number in body and copy.number not in body
