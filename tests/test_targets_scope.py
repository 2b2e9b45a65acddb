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


def export_rows(person: Person, **params) -> list[list[str]]:
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(person).get(reverse("targets:export"), params)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(BytesIO(data)).active
    assert sheet is not None
    return [[str(c.value or "") for c in row] for row in sheet.iter_rows()]


def export(person: Person, **params) -> str:
    return "\n".join("\t".join(row) for row in export_rows(person, **params))


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
    assert 'invalid-feedback d-block">所选的网格已不在可选范围内，请重新选择。' in page


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


@pytest.mark.parametrize("field", ["name", "contact_name", "address"])
@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+cmd", "-2+3", "@SUM(A1)"])
def test_the_export_writes_formulas_as_plain_text(world: World, leader, field, text):
    from io import BytesIO

    from openpyxl import load_workbook

    Target.objects.filter(pk=world.park_firm.pk).update(**{field: text})
    response = client_for(leader).get(reverse("targets:export"), {"kind": "all"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row if c.value == text]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_export_keeps_codes_and_phones_as_text(world: World, leader):
    Target.objects.filter(pk=world.park_firm.pk).update(contact_phone="13812345678")
    rows = export_rows(leader)
    assert rows[0][:3] == ["名称", "类型", "统一社会信用代码"]
    firm = next(r for r in rows if r[0] == world.park_firm.name)
    assert firm[2] == world.park_firm.credit_code and firm[9] == "13812345678"


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


def test_the_filter_drop_downs_cost_a_fixed_number_of_queries(world: World, leader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sanfuwu.orgs.services import region_create

    client = client_for(leader)
    client.get(reverse("targets:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("targets:list"))
    for n in range(10):
        unit = region_create(name=f"新社区{n}", kind="community", parent=world.park)
        region_create(name=f"第{n}网格", kind="grid", parent=unit)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("targets:list"))
    assert len(many) == len(few)


def test_a_history_restore_gets_the_whole_page(world: World, leader):
    client = client_for(leader)
    fragment = client.get(reverse("targets:list"), headers={"HX-Request": "true"})
    restore = client.get(
        reverse("targets:list"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" not in fragment.content.decode()
    assert "<html" in restore.content.decode()
    assert "HX-Request" in fragment["Vary"]


def test_the_htmx_fragment_keeps_to_the_own_street(world: World, xiasha_dispatcher):
    response = client_for(xiasha_dispatcher).get(
        reverse("targets:list"),
        {"kind": "all", "region": str(world.baiyang.pk)},
        headers={"HX-Request": "true"},
    )
    assert reverse("targets:detail", args=[world.baiyang_firm.pk]) not in response.content.decode()
