import pytest
from django.db import IntegrityError

import sanfuwu.settings as product_settings
from sanfuwu.people.models import Person, Role
from sanfuwu.people.selectors import people_visible_to
from sanfuwu.people.services import person_set_roles
from tests.conftest import World, make_person


def test_the_product_hashes_passwords_with_argon2():
    assert product_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_person_cannot_belong_to_a_region_and_a_department(world: World):
    with pytest.raises(IntegrityError):
        Person.objects.create(username="both", name="两边", region=world.xiasha, department=world.jianshe)


def test_a_person_holds_several_roles(world: World):
    person = make_person("multi", [Role.DISPATCHER, Role.SUPERVISOR], region=world.xiasha)
    assert person.roles == {Role.DISPATCHER, Role.SUPERVISOR}
    assert person.role_labels() == ["调度员", "督查员"]


def test_setting_roles_replaces_the_old_ones(world: World):
    person = make_person("multi", [Role.DISPATCHER, Role.SUPERVISOR], region=world.xiasha)
    person_set_roles(person=person, roles=[Role.HANDLER])
    assert Person.objects.get(pk=person.pk).roles == {Role.HANDLER}


def test_an_admin_role_opens_the_admin(world: World):
    person = make_person("boss", [Role.ADMIN], region=world.district)
    assert person.is_staff and person.is_superuser


def test_it_refuses_an_unknown_role(world: World):
    person = make_person("x", [Role.VISITOR], region=world.xiasha)
    with pytest.raises(ValueError):
        person_set_roles(person=person, roles=["emperor"])


def test_people_are_visible_within_the_own_street_only(world: World, xiasha_dispatcher, baiyang_dispatcher):
    gridder = make_person("g", [Role.VISITOR], region=world.touge_grid)
    visible = set(people_visible_to(xiasha_dispatcher))
    assert gridder in visible and xiasha_dispatcher in visible
    assert baiyang_dispatcher not in visible


def test_department_staff_count_under_the_departments_region(world: World, handler, leader):
    assert handler in set(people_visible_to(leader))
    assert handler not in set(people_visible_to(make_person("by", [Role.DISPATCHER], region=world.baiyang)))


class TestPeopleAdmin:
    @staticmethod
    def clerk(world: World) -> Person:
        from django.contrib.auth.models import Permission

        person = make_person("xs_clerk", [Role.DISPATCHER], region=world.xiasha, staff=True)
        person.user_permissions.set(Permission.objects.filter(content_type__app_label="people"))
        return Person.objects.get(pk=person.pk)

    def test_it_lists_only_the_own_streets_people(self, world: World, baiyang_dispatcher):
        from django.urls import reverse

        from tests.conftest import client_for

        gridder = make_person("g", [Role.VISITOR], region=world.touge_grid)
        client = client_for(self.clerk(world))
        page = client.get(reverse("admin:people_person_changelist")).content.decode()
        assert gridder.username in page and baiyang_dispatcher.username not in page
        url = reverse("admin:people_person_change", args=[baiyang_dispatcher.pk])
        assert client.get(url).status_code == 404

    def test_a_clerk_cannot_make_anyone_a_superuser(self, world: World):
        from django.urls import reverse

        from tests.conftest import client_for

        clerk = self.clerk(world)
        page = client_for(clerk).get(reverse("admin:people_person_change", args=[clerk.pk])).content.decode()
        assert 'name="is_superuser"' not in page
        assert 'name="user_permissions"' not in page
