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
