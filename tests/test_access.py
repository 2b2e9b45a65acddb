"""Who may use which page, across roles and units."""

import pytest
from django.test import Client
from django.urls import reverse

from sanfuwu.people.models import Role
from tests.conftest import World, client_for, make_person

PAGES = ["home", "targets:list", "targets:export", "targets:new"]


@pytest.mark.parametrize("name", PAGES)
def test_it_sends_strangers_to_the_login_page(world: World, name):
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_sends_strangers_to_the_login_page_for_a_target(world: World):
    response = Client().get(reverse("targets:detail", args=[world.xiasha_firm.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("role", list(Role.values))
def test_every_role_has_a_home_page_and_the_target_list(world: World, role):
    person = make_person(f"p_{role}", [role], region=world.xiasha)
    client = client_for(person)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert f'data-role="{role}"' in home.content.decode()
    assert client.get(reverse("targets:list")).status_code == 200


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [
        (Role.ADMIN, True), (Role.DISPATCHER, True), (Role.VISITOR, True), (Role.LEADER, False),
        (Role.HANDLER, False), (Role.SUPERVISOR, False), (Role.EVALUATOR, False),
    ],
)  # fmt: skip
def test_only_admins_dispatchers_and_visitors_edit_targets(world: World, role, may_edit):
    person = make_person(f"p_{role}", [role], region=world.xiasha)
    client = client_for(person)
    expected = 200 if may_edit else 403
    assert client.get(reverse("targets:new")).status_code == expected
    assert client.get(reverse("targets:edit", args=[world.xiasha_firm.pk])).status_code == expected
    assert (reverse("targets:new") in client.get(reverse("targets:list")).content.decode()) == may_edit


def test_a_refused_role_cannot_post_an_edit(world: World):
    supervisor = make_person("sup", [Role.SUPERVISOR], region=world.district)
    url = reverse("targets:edit", args=[world.xiasha_firm.pk])
    assert client_for(supervisor).post(url, {"name": "改掉"}).status_code == 403


def test_the_navigation_offers_configuration_only_to_staff(world: World, leader, admin_person):
    assert reverse("admin:index") not in client_for(leader).get(reverse("home")).content.decode()
    assert reverse("admin:index") in client_for(admin_person).get(reverse("home")).content.decode()


def test_non_staff_cannot_enter_the_admin(world: World, leader):
    response = client_for(leader).get(reverse("admin:targets_target_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_a_permission_cannot_change_regions(world: World):
    clerk = make_person("clerk", [Role.DISPATCHER], region=world.xiasha, staff=True)
    assert client_for(clerk).get(reverse("admin:orgs_region_changelist")).status_code == 403


def test_an_admin_manages_people_departments_and_categories(world: World, admin_person):
    client = client_for(admin_person)
    for name in ["people_person", "orgs_department", "orgs_category", "orgs_region", "targets_target"]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_the_login_page_signs_people_in(world: World):
    make_person("someone", [Role.VISITOR], region=world.touge_grid)
    client = Client()
    response = client.post(reverse("login"), {"username": "someone", "password": "test-password-123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_login_page_refuses_a_wrong_password_in_chinese(world: World):
    make_person("someone", [Role.VISITOR], region=world.touge_grid)
    response = Client().post(reverse("login"), {"username": "someone", "password": "wrong"})
    assert response.status_code == 200
    assert "账号或密码不正确" in response.content.decode()


def test_logging_out_needs_a_post_and_ends_the_session(world: World, leader):
    client = client_for(leader)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_the_favicon_is_found_without_signing_in(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("portal/favicon.svg")
