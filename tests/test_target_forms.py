"""Bad input gets a Chinese message at its field, and nothing is saved."""

import re

import pytest
from django.urls import reverse

from sanfuwu.targets.models import Target
from tests.conftest import World, client_for, make_code


def valid_post(world: World, **changes) -> dict:
    data = {
        "kind": "enterprise", "name": "下沙新锐精密机械有限公司", "credit_code": make_code("330114MA2NEW001"),
        "industry": "machinery", "address": "杭州市钱塘区6号大街1号", "region": world.touge.pk,
        "grid": world.touge_grid.pk, "contact_name": "王伟", "contact_phone": "13812345678", "active": "on",
    }  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def field_errors(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field, message in re.findall(r'data-field-error="([^"]+)">([^<]+)<', html):
        found.setdefault(field, []).append(message)
    return found


def test_it_creates_a_target_from_good_input(world: World, xiasha_dispatcher):
    response = client_for(xiasha_dispatcher).post(reverse("targets:new"), valid_post(world))
    target = Target.objects.get(name="下沙新锐精密机械有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("targets:detail", args=[target.pk])


def test_it_tidies_a_pasted_credit_code(world: World, xiasha_dispatcher):
    code = make_code("330114MA2NEW001")
    pasted = " " + code[:6] + " " + code[6:].lower() + " "
    client_for(xiasha_dispatcher).post(reverse("targets:new"), valid_post(world, credit_code=pasted))
    assert Target.objects.get(name="下沙新锐精密机械有限公司").credit_code == code


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": ""}, "name", "请填写名称。"),
        ({"credit_code": ""}, "credit_code", "企业必须填写统一社会信用代码"),
        ({"credit_code": make_code("330114MA2NEW001")[:17] + "0"}, "credit_code", "校验位"),
        ({"credit_code": "91330114MA2NEW00"}, "credit_code", "18 位"),
        ({"credit_code": "91330114MA2NEW00123"}, "credit_code", "18 位"),
        ({"credit_code": "0" * 18}, "credit_code", "第 1 位"),
        ({"credit_code": "91330114MA2NEWOO1"[:17] + "1"}, "credit_code", "不允许的字符"),
        ({"industry": ""}, "industry", "行业"),
        ({"region": ""}, "region", "请选择所属区域。"),
        ({"contact_phone": "12345"}, "contact_phone", "手机号码"),
        ({"kind": "spaceship"}, "kind", "不在可选范围内"),
    ],
)
def test_it_refuses_bad_input_at_the_field(world: World, xiasha_dispatcher, changes, field, words):
    before = Target.objects.count()
    response = client_for(xiasha_dispatcher).post(reverse("targets:new"), valid_post(world, **changes))
    assert response.status_code == 200
    errors = field_errors(response.content.decode())
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert len(errors[field]) == 1, errors[field]  # one clear message, not two
    assert Target.objects.count() == before


def test_it_refuses_a_duplicate_credit_code(world: World, xiasha_dispatcher):
    response = client_for(xiasha_dispatcher).post(
        reverse("targets:new"), valid_post(world, credit_code=world.xiasha_firm.credit_code)
    )
    assert "已有使用该统一社会信用代码" in " ".join(field_errors(response.content.decode())["credit_code"])
    assert Target.objects.filter(credit_code=world.xiasha_firm.credit_code).count() == 1


def test_it_refuses_a_grid_outside_the_region(world: World, leader):
    from sanfuwu.people.services import person_set_roles

    person_set_roles(person=leader, roles=["leader", "dispatcher"])
    response = client_for(leader).post(reverse("targets:new"), valid_post(world, grid=world.park_grid.pk))
    assert "不在所属区域之内" in " ".join(field_errors(response.content.decode())["grid"])
    assert not Target.objects.filter(name="下沙新锐精密机械有限公司").exists()


def test_it_refuses_a_region_outside_the_own_scope(world: World, xiasha_dispatcher):
    response = client_for(xiasha_dispatcher).post(
        reverse("targets:new"), valid_post(world, region=world.baiyang.pk, grid=world.baiyang_grid.pk)
    )
    errors = field_errors(response.content.decode())
    assert "region" in errors and "grid" in errors
    assert not Target.objects.filter(name="下沙新锐精密机械有限公司").exists()


def test_a_refused_edit_changes_nothing(world: World, xiasha_dispatcher):
    firm = world.xiasha_firm
    url = reverse("targets:edit", args=[firm.pk])
    response = client_for(xiasha_dispatcher).post(
        url, valid_post(world, name="改了名字", credit_code="91330114MA2NEW00X")
    )
    assert response.status_code == 200
    fresh = Target.objects.get(pk=firm.pk)
    assert (fresh.name, fresh.credit_code) == (firm.name, firm.credit_code)


def test_it_keeps_what_was_typed_after_a_refusal(world: World, xiasha_dispatcher):
    response = client_for(xiasha_dispatcher).post(
        reverse("targets:new"), valid_post(world, credit_code="bad")
    )
    assert "杭州市钱塘区6号大街1号" in response.content.decode()


def test_an_edit_saves_good_input(world: World, grid_worker):
    url = reverse("targets:edit", args=[world.xiasha_firm.pk])
    data = valid_post(world, name="下沙星辰制药股份有限公司", credit_code=world.xiasha_firm.credit_code)
    assert client_for(grid_worker).post(url, data).status_code == 302
    assert Target.objects.get(pk=world.xiasha_firm.pk).name == "下沙星辰制药股份有限公司"


def test_a_university_needs_no_credit_code_or_industry(world: World, leader, admin_person):
    data = valid_post(world, kind="university", name="钱塘理工大学", credit_code="", industry="", grid="")
    assert client_for(admin_person).post(reverse("targets:new"), data).status_code == 302
    assert Target.objects.get(name="钱塘理工大学").credit_code is None


def test_a_grid_worker_files_a_target_under_the_community_only_with_the_own_grid(world: World, grid_worker):
    response = client_for(grid_worker).post(reverse("targets:new"), valid_post(world, grid=""))
    assert "请选择您负责的网格" in " ".join(field_errors(response.content.decode())["grid"])
    assert not Target.objects.filter(name="下沙新锐精密机械有限公司").exists()
    assert client_for(grid_worker).post(reverse("targets:new"), valid_post(world)).status_code == 302


def test_it_refuses_a_second_university_of_the_same_name_at_the_name(world: World, admin_person):
    data = valid_post(world, kind="university", name="钱塘理工大学", credit_code="", industry="", grid="")
    client_for(admin_person).post(reverse("targets:new"), data)
    response = client_for(admin_person).post(reverse("targets:new"), data)
    assert "同名称" in " ".join(field_errors(response.content.decode())["name"])
    assert Target.objects.filter(name="钱塘理工大学").count() == 1
