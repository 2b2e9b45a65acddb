"""The admin refuses bad configuration at the field, in Chinese, and saves nothing."""

from django.urls import reverse

from sanfuwu.orgs.models import Region
from sanfuwu.targets.models import Target
from tests.conftest import World, client_for


def region_post(**changes) -> dict:
    data = {"name": "新街道", "kind": "street", "parent": "", "code": "", "sort_order": 0, "active": "on"}
    data.update(changes)
    return data


def test_it_creates_a_region_with_its_path(world: World, admin_person):
    url = reverse("admin:orgs_region_add")
    response = client_for(admin_person).post(url, region_post(parent=world.district.pk))
    assert response.status_code == 302
    region = Region.objects.get(name="新街道")
    assert region.path.startswith(world.district.path) and region.depth == 1


def test_it_refuses_a_street_under_a_street_at_the_parent_field(world: World, admin_person):
    before = Region.objects.count()
    url = reverse("admin:orgs_region_add")
    response = client_for(admin_person).post(url, region_post(parent=world.xiasha.pk))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "parent" in errors and "只能设在" in errors["parent"][0]
    assert Region.objects.count() == before


def test_it_refuses_moving_a_street_under_its_own_community(world: World, admin_person):
    url = reverse("admin:orgs_region_change", args=[world.xiasha.pk])
    response = client_for(admin_person).post(url, region_post(name="下沙街道", parent=world.touge.pk))
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert Region.objects.get(pk=world.xiasha.pk).parent == world.district


def test_a_move_in_the_admin_moves_the_subtree(world: World, admin_person):
    url = reverse("admin:orgs_region_change", args=[world.touge.pk])
    data = region_post(name="头格社区", kind="community", parent=world.baiyang.pk)
    assert client_for(admin_person).post(url, data).status_code == 302
    grid = Region.objects.get(pk=world.touge_grid.pk)
    assert grid.path.startswith(Region.objects.get(pk=world.baiyang.pk).path)


def test_the_target_admin_refuses_a_bad_credit_code(world: World, admin_person):
    url = reverse("admin:targets_target_change", args=[world.park_firm.pk])
    data = {
        "kind": "enterprise", "name": world.park_firm.name, "credit_code": "91330114MA2YYG0030",
        "industry": "biomedicine", "region": world.park.pk, "grid": world.park_grid.pk, "active": "on",
    }  # fmt: skip
    response = client_for(admin_person).post(url, data)
    assert response.status_code == 200
    assert "credit_code" in response.context["adminform"].form.errors
    assert Target.objects.get(pk=world.park_firm.pk).credit_code == world.park_firm.credit_code


def test_targets_and_regions_are_never_deleted_only_deactivated(world: World, admin_person):
    client = client_for(admin_person)
    assert client.get(reverse("admin:targets_target_delete", args=[world.park_firm.pk])).status_code == 403
    assert client.get(reverse("admin:orgs_region_delete", args=[world.park.pk])).status_code == 403


def street_clerk(world: World, *apps: str):
    from django.contrib.auth.models import Permission

    from tests.conftest import make_person

    person = make_person("xs_clerk", ["dispatcher"], region=world.xiasha, staff=True)
    person.user_permissions.set(Permission.objects.filter(content_type__app_label__in=apps))
    return type(person).objects.get(pk=person.pk)


def test_a_street_clerk_cannot_add_a_region_outside_the_street(world: World):
    clerk = street_clerk(world, "orgs")
    response = client_for(clerk).post(
        reverse("admin:orgs_region_add"), region_post(kind="district", parent="")
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Region.objects.filter(name="新街道").exists()


def test_a_street_clerk_edits_the_own_street_but_cannot_move_it(world: World):
    clerk = street_clerk(world, "orgs")
    url = reverse("admin:orgs_region_change", args=[world.xiasha.pk])
    response = client_for(clerk).post(
        url, {"name": "下沙街道", "code": "330114001", "sort_order": 0, "active": "on"}
    )
    assert response.status_code == 302
    street = Region.objects.get(pk=world.xiasha.pk)
    assert street.code == "330114001" and street.parent == world.district


def test_the_admin_keeps_a_new_region_inactive_when_asked(world: World, admin_person):
    data = region_post(parent=world.district.pk)
    del data["active"]
    client_for(admin_person).post(reverse("admin:orgs_region_add"), data)
    assert Region.objects.get(name="新街道").active is False


def test_a_street_clerk_cannot_change_departments_or_categories(world: World):
    clerk = street_clerk(world, "orgs")
    url = reverse("admin:orgs_department_change", args=[world.jianshe.pk])
    response = client_for(clerk).post(
        url, {"code": "jianshe", "name": "建设局", "region": world.xiasha.pk, "sort_order": 0}
    )
    assert response.status_code == 403
    assert type(world.jianshe).objects.get(pk=world.jianshe.pk).region == world.district


class TestPeopleEscalation:
    def test_a_clerk_cannot_grant_a_district_wide_role(self, world: World):
        from sanfuwu.people.models import Person

        clerk = street_clerk(world, "people")
        gridder = Person.objects.create_user(username="g1", name="g1", region=world.touge_grid)
        url = reverse("admin:people_person_change", args=[gridder.pk])
        page = client_for(clerk).get(url).content.decode()
        assert 'value="leader"' not in page and 'value="admin"' not in page
        data = {
            "username": "g1", "name": "g1", "region": world.touge_grid.pk, "is_active": "on",
            "role_grants-TOTAL_FORMS": "1", "role_grants-INITIAL_FORMS": "0",
            "role_grants-MIN_NUM_FORMS": "0", "role_grants-MAX_NUM_FORMS": "1000",
            "role_grants-0-role": "leader", "role_grants-0-person": gridder.pk,
        }  # fmt: skip
        response = client_for(clerk).post(url, data)
        assert response.status_code == 200
        assert Person.objects.get(pk=gridder.pk).roles == frozenset()

    def test_a_clerk_cannot_move_themselves_or_join_a_department(self, world: World):
        clerk = street_clerk(world, "people")
        page = client_for(clerk).get(reverse("admin:people_person_change", args=[clerk.pk])).content.decode()
        assert 'name="region"' not in page and 'name="department"' not in page
        assert 'name="role_grants-0-role"' not in page

    def test_a_clerk_does_not_see_superusers_or_leaders_of_the_street(self, world: World):
        from tests.conftest import make_person

        boss = make_person("street_boss", ["leader"], region=world.xiasha)
        clerk = street_clerk(world, "people")
        page = client_for(clerk).get(reverse("admin:people_person_changelist")).content.decode()
        assert "street_boss" not in page
        assert client_for(clerk).get(reverse("admin:people_person_change", args=[boss.pk])).status_code == 404

    def test_an_admin_role_given_in_the_admin_opens_the_admin(self, world: World, admin_person):
        from sanfuwu.people.models import Person

        person = Person.objects.create_user(username="newadmin", name="新管理员", region=world.district)
        url = reverse("admin:people_person_change", args=[person.pk])
        data = {
            "username": "newadmin", "name": "新管理员", "region": world.district.pk, "is_active": "on",
            "date_joined_0": "2025-01-01", "date_joined_1": "00:00:00",
            "role_grants-TOTAL_FORMS": "1", "role_grants-INITIAL_FORMS": "0",
            "role_grants-MIN_NUM_FORMS": "0", "role_grants-MAX_NUM_FORMS": "1000",
            "role_grants-0-role": "admin", "role_grants-0-person": person.pk,
        }  # fmt: skip
        response = client_for(admin_person).post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        fresh = Person.objects.get(pk=person.pk)
        assert fresh.is_staff and fresh.is_superuser


def test_the_admin_refuses_a_duplicate_region_name_at_the_name(world: World, admin_person):
    response = client_for(admin_person).post(
        reverse("admin:orgs_region_add"),
        region_post(name="头格社区", kind="community", parent=world.xiasha.pk),
    )
    assert "同一上级区域下已有" in response.context["adminform"].form.errors["name"][0]


def test_the_target_admin_wants_a_credit_code_and_an_industry_for_an_enterprise(world: World, admin_person):
    url = reverse("admin:targets_target_add")
    data: dict[str, object] = {"kind": "enterprise", "name": "无码企业有限公司", "credit_code": "", "industry": "",
                               "region": world.park.pk, "active": "on"}  # fmt: skip
    errors = client_for(admin_person).post(url, data).context["adminform"].form.errors
    assert "credit_code" in errors
    assert not Target.objects.filter(name="无码企业有限公司").exists()
    from sanfuwu.targets.credit_code import credit_code_check_char

    body = "91330114MA2NEW01X"
    data["credit_code"] = body + credit_code_check_char(body)
    errors = client_for(admin_person).post(url, data).context["adminform"].form.errors
    assert "industry" in errors


def test_the_people_admin_refuses_two_units_at_the_department(world: World, admin_person):
    from sanfuwu.people.models import Person

    person = Person.objects.create_user(username="two", name="两个单位", region=world.xiasha)
    url = reverse("admin:people_person_change", args=[person.pk])
    data = {
        "username": "two", "name": "两个单位", "region": world.xiasha.pk, "department": world.jianshe.pk,
        "is_active": "on", "date_joined_0": "2025-01-01", "date_joined_1": "00:00:00",
        "role_grants-TOTAL_FORMS": "0", "role_grants-INITIAL_FORMS": "0",
        "role_grants-MIN_NUM_FORMS": "0", "role_grants-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    errors = client_for(admin_person).post(url, data).context["adminform"].form.errors
    assert "一个单位" in errors["department"][0]
