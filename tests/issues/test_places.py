"""Where a problem is: an address, a point that must lie in the district, and the region the
address names; staff registration takes them as the public channel does."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sanfuwu.issues.models import Issue
from sanfuwu.issues.places import point_check, region_from_address
from sanfuwu.people.models import Role
from tests.conftest import World, client_for
from tests.issues.conftest import Cast


def test_it_takes_both_coordinates_or_neither() -> None:
    assert point_check("", "") == (None, None)
    with pytest.raises(ValidationError) as no_longitude:
        point_check("30.3", "")
    assert "请同时填写经度" in str(no_longitude.value.message_dict["longitude"])
    with pytest.raises(ValidationError) as no_latitude:
        point_check(None, "120.3")
    assert "请同时填写纬度" in str(no_latitude.value.message_dict["latitude"])


def test_it_refuses_words_and_points_outside_the_district() -> None:
    with pytest.raises(ValidationError) as words:
        point_check("北纬三十度", "120.3")
    assert "数字形式" in str(words.value.message_dict["latitude"])
    with pytest.raises(ValidationError) as beijing:
        point_check("39.9087", "116.3975")
    assert "不在本区范围内" in str(beijing.value.message_dict["latitude"])
    with pytest.raises(ValidationError) as east:
        point_check("30.3", "121.5")
    assert "经度" in str(east.value.message_dict["longitude"])
    with pytest.raises(ValidationError):
        point_check("NaN", "120.3")


def test_it_keeps_six_decimals(settings) -> None:
    assert point_check(" 30.30861234 ", "120.376") == (Decimal("30.308612"), Decimal("120.376000"))
    settings.SANFUWU_DISTRICT_BOUNDS = (39.0, 116.0, 40.5, 117.5)
    assert point_check("39.9087", "116.3975")[0] == Decimal("39.908700")


def test_it_finds_the_most_precise_region_an_address_names(world: World) -> None:
    assert region_from_address("下沙街道头格社区6号大街12号") == world.touge
    assert region_from_address("杭州市下沙6号大街") == world.xiasha, "下沙 for 下沙街道"
    assert region_from_address("白杨街道新围村村口") == world.xinwei
    assert region_from_address("下沙街道新围村") == world.xiasha, "新围村 is not under 下沙街道"
    assert region_from_address("文渊路12号") is None
    assert region_from_address("") is None


def test_a_dispatcher_registers_with_an_address_and_a_point(cast: Cast) -> None:
    dispatcher = cast.people[Role.DISPATCHER]
    data = {
        "title": "路灯不亮", "description": "文渊路路灯不亮。", "source": "hotline", "category": cast.category.pk,
        "tier": "deadline", "target": "", "region": "", "address": "下沙街道头格社区文渊路 8 号",
        "latitude": "30.3086", "longitude": "120.3760", "raiser_name": "", "raiser_phone": "", "resolution": "",
    }  # fmt: skip
    response = client_for(dispatcher).post(reverse("issues:new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    issue = Issue.objects.get()
    assert (issue.region, issue.address) == (cast.world.touge, "下沙街道头格社区文渊路 8 号")
    assert issue.latitude == Decimal("30.308600")
    page = client_for(dispatcher).get(reverse("issues:detail", args=[issue.pk])).content.decode()
    assert 'id="issue-place"' in page and "geo:30.308600,120.376000" in page


def test_a_point_without_its_pair_is_refused_at_the_field(cast: Cast) -> None:
    dispatcher = cast.people[Role.DISPATCHER]
    data = {
        "title": "路灯不亮", "description": "文渊路路灯不亮。", "source": "hotline", "category": cast.category.pk,
        "tier": "deadline", "region": cast.world.touge.pk, "latitude": "30.3086", "longitude": "",
    }  # fmt: skip
    response = client_for(dispatcher).post(reverse("issues:new"), data)
    assert response.status_code == 200
    assert 'data-field-error="longitude"' in response.content.decode()
    assert not Issue.objects.exists()
