from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sanfuwu.orgs.models import Category
from sanfuwu.people.models import Person, Role
from sanfuwu.visits.models import Frequency, Pairing, Policy
from tests.conftest import World, make_person

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png(name: str = "现场.png", body: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="image/png")


@dataclass
class Crew:
    world: World
    category: Category
    policy: Policy
    visitor: Person  # grid worker of 头格第1网格 (下沙街道)
    colleague: Person  # another grid worker of the same grid
    xiasha: Person  # dispatcher of 下沙街道
    baiyang: Person  # dispatcher of 白杨街道
    leader: Person
    handler: Person  # 建设局
    pairing: Pairing  # visitor ↔ 下沙星辰制药, monthly


@pytest.fixture
def crew(world: World) -> Crew:
    visitor = make_person("v_visitor", [Role.VISITOR], region=world.touge_grid)
    return Crew(
        world=world,
        category=Category.objects.create(code="road", name="道路交通", default_department=world.jianshe),
        policy=Policy.objects.create(
            title="企业稳岗返还政策", issuer="区人力社保局", issued_on=date(2025, 3, 1)
        ),
        visitor=visitor,
        colleague=make_person("v_colleague", [Role.VISITOR], region=world.touge_grid),
        xiasha=make_person("v_xiasha", [Role.DISPATCHER], region=world.xiasha),
        baiyang=make_person("v_baiyang", [Role.DISPATCHER], region=world.baiyang),
        leader=make_person("v_leader", [Role.LEADER], region=world.district),
        handler=make_person("v_handler", [Role.HANDLER], department=world.jianshe),
        pairing=Pairing.objects.create(
            target=world.xiasha_firm, person=visitor, frequency=Frequency.MONTHLY, starts_on=date(2025, 1, 1)
        ),
    )
