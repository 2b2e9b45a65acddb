"""Regions' outlines: imported from GeoJSON all or nothing, laid out for the demo, drawn as maps."""

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sanfuwu.issues.models import Source
from sanfuwu.issues.services import issue_register
from sanfuwu.orgs.boundaries import demo_boundaries, regions_boundaries_import
from sanfuwu.orgs.models import Category, Region
from sanfuwu.reports.maps import map_open_by_grid, map_per_enterprises
from tests.conftest import World, client_for, make_person


def square(west: float, south: float, size: float = 0.01) -> dict:
    ring = [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def collection(*features: tuple[str, dict]) -> bytes:
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name}, "geometry": geometry} for name, geometry in features
    ]}  # fmt: skip
    return json.dumps(doc, ensure_ascii=False).encode()


def test_it_imports_the_outlines_of_named_regions(world: World):
    n = regions_boundaries_import(
        raw=collection(("下沙街道", square(120.30, 30.26)), ("白杨街道", square(120.32, 30.26)))
    )
    assert n == 2
    assert Region.objects.get(pk=world.xiasha.pk).boundary == square(120.30, 30.26)


def test_a_file_with_any_bad_feature_writes_nothing_and_says_each_problem(world: World):
    raw = collection(
        ("下沙街道", square(120.30, 30.26)),
        ("不存在街道", square(120.32, 30.26)),
        ("白杨街道", square(10.0, 10.0)),  # far from the district: not WGS-84 of it
    )
    with pytest.raises(ValidationError) as exc:
        regions_boundaries_import(raw=raw)
    messages = exc.value.messages
    assert any("第 2 个要素" in m and "不存在街道" in m for m in messages)
    assert any("第 3 个要素" in m and "不在本区范围内" in m for m in messages)
    assert not Region.objects.filter(boundary__isnull=False).exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b'{"type": "Feature"}',
        collection(("下沙街道", {"type": "Point", "coordinates": [120.3, 30.3]})),
    ],
)
def test_it_refuses_what_is_no_collection_of_polygons(world: World, raw):
    with pytest.raises(ValidationError):
        regions_boundaries_import(raw=raw)


def test_an_admin_uploads_the_file_and_sees_each_problem_at_the_field(world: World, admin_person):
    admin_person.is_staff = True
    admin_person.is_superuser = True
    admin_person.save()
    client = client_for(admin_person)
    url = reverse("admin:orgs_region_boundaries")
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"file": SimpleUploadedFile("b.geojson", collection(("无名", square(120.3, 30.26))))}
    )
    assert bad.status_code == 400 and "没有名为“无名”的区域" in bad.content.decode()
    good = client.post(
        url, {"file": SimpleUploadedFile("b.geojson", collection(("下沙街道", square(120.3, 30.26))))}
    )
    assert good.status_code == 302
    assert Region.objects.get(pk=world.xiasha.pk).boundary is not None


def test_a_street_clerk_may_not_import_outlines(world: World, xiasha_staff):
    assert client_for(xiasha_staff).get(reverse("admin:orgs_region_boundaries")).status_code == 403


def test_the_demo_layout_tiles_each_region_with_its_children(world: World):
    drawn = demo_boundaries(world.district, (120.30, 30.26, 120.46, 30.34))
    assert drawn == Region.objects.count()
    outline: dict[int, Any] = dict(Region.objects.values_list("pk", "boundary"))
    for boundary in outline.values():
        ring = boundary["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) == 5
    # Each grid lies within its street's box.
    street = outline[world.xiasha.pk]["coordinates"][0]
    grid = outline[world.touge_grid.pk]["coordinates"][0]
    xs, ys = [p[0] for p in street], [p[1] for p in street]
    assert all(min(xs) <= p[0] <= max(xs) and min(ys) <= p[1] <= max(ys) for p in grid)


def test_the_maps_count_open_issues_per_grid_and_issues_per_thousand_enterprises(
    world: World, leader, grid_worker
):
    demo_boundaries(world.district, (120.30, 30.26, 120.46, 30.34))
    road = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    for _n in range(2):
        issue_register(actor=grid_worker, title="路面破损", description="路面破损", source=Source.VISIT,
                       category=road, region=world.touge_grid)  # fmt: skip
    from sanfuwu.issues.selectors import issues_visible_to

    grids = map_open_by_grid(leader, issues_visible_to(leader), timezone.localdate())
    values = {d["label"]: d["value"] for d in grids["data"]}
    assert values["头格第1网格"] == 2 and values["白杨第1网格"] == 0
    touge = next(d for d in grids["data"] if d["label"] == "头格第1网格")
    assert f"region={world.touge_grid.pk}" in touge["url"]
    assert client_for(leader).get(touge["url"]).status_code == 200
    today = timezone.localdate()
    towns = map_per_enterprises(leader, issues_visible_to(leader), today.replace(day=1), today)
    xiasha = next(d for d in towns["data"] if d["label"] == "下沙街道")
    assert (xiasha["issues"], xiasha["enterprises"], xiasha["value"]) == (2, 1, 2000.0)
    assert {f["properties"]["key"] for f in towns["geo"]["features"]} == {
        str(d["name"]) for d in towns["data"]
    }


def test_a_street_dispatcher_maps_only_their_street(world: World):
    demo_boundaries(world.district, (120.30, 30.26, 120.46, 30.34))
    from sanfuwu.issues.selectors import issues_visible_to

    dispatcher = make_person("map_d", ["dispatcher"], region=world.xiasha)
    grids = map_open_by_grid(dispatcher, issues_visible_to(dispatcher), timezone.localdate())
    assert {d["label"] for d in grids["data"]} == {"头格第1网格"}


def test_a_feature_whose_properties_are_no_object_is_refused_at_its_number(world: World):
    raw = json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": ["下沙街道"],
                                                                 "geometry": square(120.3, 30.26)}]}).encode()  # fmt: skip
    with pytest.raises(ValidationError, match="第 1 个要素"):
        regions_boundaries_import(raw=raw)
