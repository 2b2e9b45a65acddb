"""A person of one street cannot list, open, search, export or admin-edit another street's targets."""

import pytest
from django.urls import reverse

from sanfuwu.people.models import Person
from sanfuwu.targets.models import Target
from sanfuwu.targets.selectors import targets_visible_to
from tests.conftest import World, client_for, make_person


def listed(person: Person, **params) -> str:
    response = client_for(person).get(reverse("targets:list"), {"kind": "all", **params})
    assert response.status_code == 200
    return response.content.decode()


def export(person: Person, **params) -> str:
    response = client_for(person).get(reverse("targets:export"), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]


def test_it_lists_only_the_own_streets_targets(world: World, xiasha_dispatcher):
    page = listed(xiasha_dispatcher)
    assert world.xiasha_firm.name in page
    assert world.baiyang_firm.name not in page
    assert world.park_firm.name not in page


def test_a_leader_lists_every_target(world: World, leader):
    page = listed(leader)
    for firm in (world.xiasha_firm, world.baiyang_firm, world.park_firm):
        assert firm.name in page


def test_an_admin_sees_everything_whatever_the_unit(world: World):
    admin = make_person("street_admin", ["admin"], region=world.xiasha)
    assert set(targets_visible_to(admin)) == set(Target.objects.all())


def test_a_grid_worker_sees_the_grids_targets_even_when_filed_under_the_community(world: World, grid_worker):
    assert world.xiasha_firm.region == world.touge  # filed under the community, with the grid below it
    assert list(targets_visible_to(grid_worker)) == [world.xiasha_firm]


def test_a_department_handler_sees_what_the_departments_region_covers(world: World, handler):
    assert set(targets_visible_to(handler)) == set(Target.objects.all())


def test_a_person_without_unit_or_district_role_sees_nothing(world: World):
    loner = make_person("loner", ["visitor"])
    assert not targets_visible_to(loner).exists()


def test_it_finds_nothing_of_another_street_by_name_or_code(world: World, xiasha_dispatcher):
    link = reverse("targets:detail", args=[world.baiyang_firm.pk])
    assert link not in listed(xiasha_dispatcher, q=world.baiyang_firm.name)
    assert link not in listed(xiasha_dispatcher, q=str(world.baiyang_firm.credit_code))
    baiyang_person = make_person("by", ["dispatcher"], region=world.baiyang)
    assert link in listed(baiyang_person, q=str(world.baiyang_firm.credit_code))


def test_it_refuses_a_filter_on_another_streets_grid(world: World, xiasha_dispatcher):
    page = listed(xiasha_dispatcher, grid=world.baiyang_grid.pk)
    assert world.baiyang_firm.name not in page
    assert "选择一个有效的选项" in page or "有效" in page


def test_it_opens_an_own_target(world: World, xiasha_dispatcher):
    response = client_for(xiasha_dispatcher).get(reverse("targets:detail", args=[world.xiasha_firm.pk]))
    assert response.status_code == 200
    assert str(world.xiasha_firm.credit_code) in response.content.decode()


@pytest.mark.parametrize("view", ["targets:detail", "targets:edit"])
def test_another_streets_target_and_a_missing_one_are_the_same_404(world: World, xiasha_dispatcher, view):
    client = client_for(xiasha_dispatcher)
    foreign = client.get(reverse(view, args=[world.baiyang_firm.pk]))
    missing = client.get(reverse(view, args=[999_999]))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content


def test_it_refuses_posting_an_edit_to_another_streets_target(world: World, xiasha_dispatcher):
    response = client_for(xiasha_dispatcher).post(
        reverse("targets:edit", args=[world.baiyang_firm.pk]), {"name": "改掉"}
    )
    assert response.status_code == 404
    assert Target.objects.get(pk=world.baiyang_firm.pk).name == world.baiyang_firm.name


def test_a_leader_opens_any_target(world: World, leader):
    response = client_for(leader).get(reverse("targets:detail", args=[world.baiyang_firm.pk]))
    assert response.status_code == 200


def test_the_export_holds_only_the_own_scope(world: World, xiasha_dispatcher):
    body = export(xiasha_dispatcher, kind="all")
    assert str(world.xiasha_firm.credit_code) in body
    assert str(world.baiyang_firm.credit_code) not in body


def test_the_export_keeps_the_lists_filters(world: World, leader):
    body = export(leader, grid=world.park_grid.pk)
    assert str(world.park_firm.credit_code) in body
    assert str(world.xiasha_firm.credit_code) not in body


def test_the_export_neutralises_formulas(world: World, leader):
    Target.objects.filter(pk=world.park_firm.pk).update(contact_name='=HYPERLINK("http://x")')
    body = export(leader)
    assert "'=HYPERLINK" in body


class TestAdmin:
    def test_it_lists_only_the_own_streets_targets(self, world: World, xiasha_staff):
        page = client_for(xiasha_staff).get(reverse("admin:targets_target_changelist")).content.decode()
        assert world.xiasha_firm.name in page
        assert world.baiyang_firm.name not in page

    def test_it_searches_only_the_own_street(self, world: World, xiasha_staff):
        url = reverse("admin:targets_target_changelist")
        page = client_for(xiasha_staff).get(url, {"q": str(world.baiyang_firm.credit_code)}).content.decode()
        assert world.baiyang_firm.name not in page

    @pytest.mark.parametrize("view", ["change", "history"])
    def test_another_streets_target_is_404(self, world: World, xiasha_staff, view):
        client = client_for(xiasha_staff)
        foreign = client.get(reverse(f"admin:targets_target_{view}", args=[world.baiyang_firm.pk]))
        missing = client.get(reverse(f"admin:targets_target_{view}", args=[999_999]))
        assert foreign.status_code == missing.status_code == 404

    def test_it_refuses_posting_a_change_to_another_streets_target(self, world: World, xiasha_staff):
        url = reverse("admin:targets_target_change", args=[world.baiyang_firm.pk])
        response = client_for(xiasha_staff).post(url, {"name": "改掉", "kind": "enterprise"})
        assert response.status_code == 404
        assert Target.objects.get(pk=world.baiyang_firm.pk).name == world.baiyang_firm.name

    def test_it_opens_an_own_target(self, world: World, xiasha_staff):
        url = reverse("admin:targets_target_change", args=[world.xiasha_firm.pk])
        assert client_for(xiasha_staff).get(url).status_code == 200

    def test_it_offers_only_own_regions_to_move_a_target_to(self, world: World, xiasha_staff):
        url = reverse("admin:targets_target_change", args=[world.xiasha_firm.pk])
        page = client_for(xiasha_staff).get(url).content.decode()
        assert "头格社区" in page
        assert "白杨街道" not in page

    def test_a_leader_staff_member_edits_any_target(self, world: World):
        boss = make_person("boss", ["leader"], region=world.district, staff=True)
        from django.contrib.auth.models import Permission

        boss.user_permissions.set(Permission.objects.filter(content_type__app_label="targets"))
        url = reverse("admin:targets_target_change", args=[world.baiyang_firm.pk])
        assert client_for(boss).get(url).status_code == 200

    def test_it_lists_only_the_own_streets_regions(self, world: World, xiasha_staff):
        page = client_for(xiasha_staff).get(reverse("admin:orgs_region_changelist")).content.decode()
        assert "头格社区" in page
        assert "白杨街道" not in page
        url = reverse("admin:orgs_region_change", args=[world.baiyang.pk])
        assert client_for(xiasha_staff).get(url).status_code == 404
