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
