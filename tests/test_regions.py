import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanfuwu.orgs.models import Region
from sanfuwu.orgs.services import region_create, region_update
from tests.conftest import World


def names(qs):
    return sorted(r.name for r in qs)


def update(region: Region, **changes) -> Region:
    fields = {k: getattr(region, k) for k in ("name", "kind", "parent", "code", "sort_order", "active")}
    return region_update(region=region, **{**fields, **changes})


def test_it_returns_the_whole_district_under_the_district(world: World):
    assert names(world.district.subtree()) == names(Region.objects.all())


def test_it_returns_a_streets_communities_villages_and_grids(world: World):
    assert names(world.baiyang.subtree()) == sorted(["白杨街道", "新围村", "白杨第1网格"])
    assert names(world.xiasha.subtree()) == sorted(["下沙街道", "头格社区", "头格第1网格"])


def test_it_returns_a_parks_grids(world: World):
    assert names(world.park.subtree()) == sorted(["医药港小镇", "医药港第1网格"])


def test_it_returns_a_community_and_its_grids(world: World):
    assert names(world.touge.subtree()) == sorted(["头格社区", "头格第1网格"])


def test_it_returns_a_village_alone(world: World):
    assert names(world.xinwei.subtree()) == ["新围村"]


def test_it_returns_a_grid_alone(world: World):
    assert names(world.touge_grid.subtree()) == ["头格第1网格"]


def test_it_does_not_confuse_siblings_whose_ids_share_a_prefix(world: World):
    # Ids 1 and 10..19 share a decimal prefix; the fixed-width path segments keep them apart.
    for n in range(12):
        region_create(name=f"扩展社区{n}", kind="community", parent=world.park)
    one = Region.objects.get(pk=world.district.pk + 1)
    assert all(r.path.startswith(one.path) for r in one.subtree())
    assert one.subtree().count() == Region.objects.filter(path__startswith=one.path).count()
    assert set(one.subtree()) == {
        one,
        *Region.objects.filter(parent=one),
        *Region.objects.filter(parent__parent=one),
    }


def test_it_answers_a_subtree_in_one_query(world: World):
    with CaptureQueriesContext(connection) as queries:
        list(world.district.subtree())
    assert len(queries) == 1


def test_it_lists_ancestors_from_the_root(world: World):
    assert [r.name for r in world.touge_grid.ancestors()] == [
        "杭州测试区",
        "下沙街道",
        "头格社区",
        "头格第1网格",
    ]


def test_it_moves_a_subtree_with_its_paths_and_depths(world: World):
    update(world.touge, parent=world.baiyang)
    grid = Region.objects.get(pk=world.touge_grid.pk)
    assert grid.path.startswith(Region.objects.get(pk=world.baiyang.pk).path)
    assert grid.depth == 3
    assert names(Region.objects.get(pk=world.baiyang.pk).subtree()) == sorted(
        ["白杨街道", "新围村", "白杨第1网格", "头格社区", "头格第1网格"]
    )
    assert names(Region.objects.get(pk=world.xiasha.pk).subtree()) == ["下沙街道"]


@pytest.mark.parametrize(
    ("kind", "parent_attr", "field"),
    [
        ("street", "xiasha", "parent"),  # a street under a street
        ("grid", "district", "parent"),  # a grid straight under the district
        ("community", None, "parent"),  # a community without a parent
        ("district", "district", "parent"),  # a second district under the first
        ("nonsense", "district", "kind"),
    ],
)
def test_it_refuses_a_kind_where_it_cannot_sit(world: World, kind, parent_attr, field):
    before = Region.objects.count()
    with pytest.raises(ValidationError) as exc:
        region_create(name="新区域", kind=kind, parent=getattr(world, parent_attr) if parent_attr else None)
    assert field in exc.value.message_dict
    assert Region.objects.count() == before


def test_it_refuses_moving_a_region_under_its_own_grid(world: World):
    with pytest.raises(ValidationError) as exc:
        update(world.xiasha, parent=world.touge)
    assert "parent" in exc.value.message_dict
    assert Region.objects.get(pk=world.xiasha.pk).path == world.xiasha.path


def test_it_refuses_changing_a_kind_its_children_cannot_live_under(world: World):
    with pytest.raises(ValidationError) as exc:
        update(world.touge, kind="grid")
    assert "kind" in exc.value.message_dict


def test_it_refuses_two_regions_of_one_name_under_one_parent(world: World):
    with pytest.raises(ValidationError) as exc:
        region_create(name="头格社区", kind="community", parent=world.xiasha)
    assert "同一上级区域下已有" in exc.value.message_dict["name"][0]


def test_a_move_up_a_level_shortens_every_depth_below(world: World):
    extra = region_create(name="扩展社区", kind="community", parent=world.park)
    grid = region_create(name="扩展网格", kind="grid", parent=extra)
    update(grid, parent=world.park)
    moved = Region.objects.get(pk=grid.pk)
    assert moved.depth == 2 and moved.path == Region.objects.get(pk=world.park.pk).path + moved.path[-8:]


def test_an_update_keeps_what_it_was_not_asked_to_change(world: World):
    Region.objects.filter(pk=world.xiasha.pk).update(code="330114001")
    update(Region.objects.get(pk=world.xiasha.pk), name="下沙街道（新）")
    assert Region.objects.get(pk=world.xiasha.pk).code == "330114001"


def test_it_reads_the_parent_afresh_rather_than_trusting_a_stale_copy(world: World):
    stale_touge = Region.objects.get(pk=world.touge.pk)
    update(Region.objects.get(pk=world.touge.pk), parent=world.baiyang)
    grid = region_create(name="新网格", kind="grid", parent=stale_touge)
    assert grid.path.startswith(Region.objects.get(pk=world.baiyang.pk).path)
