"""Issues about one shared problem in several places, and the people who take it to coordination."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sanfuwu.issues.models import Issue, Source
from sanfuwu.issues.services import issue_register
from sanfuwu.orgs.catalog import catalog_load
from sanfuwu.orgs.models import Category, Department, Region
from sanfuwu.people.models import Person, Role
from sanfuwu.triage.store import model_forget
from tests.conftest import World, make_person

PARKING = [
    "小区晚上停车位严重不足，车都停到消防通道上了",
    "停车位不足，业主每天下班找不到车位",
    "老小区停车位不足，希望利用空地增设车位",
    "厂区门口停车位不足，员工车辆只能停路边",
]


@dataclass
class Desk:
    world: World
    parking: Category
    chengguan: Department
    jianshe: Department
    leader: Person
    grid_worker: Person
    handler: Person

    def register(self, text: str, region: Region, category: Category | None = None) -> Issue:
        return issue_register(
            actor=self.grid_worker, title=text[:20], description=text, source=Source.VISIT,
            category=category or self.parking, region=region,
        )  # fmt: skip


@pytest.fixture
def desk(world: World) -> Desk:
    catalog_load()
    model_forget()
    return Desk(
        world=world, parking=Category.objects.get(code="parking"),
        chengguan=Department.objects.get(code="chengguan"), jianshe=Department.objects.get(code="jianshe"),
        leader=make_person("c_leader", [Role.LEADER], region=world.district),
        grid_worker=make_person("c_gridder", [Role.VISITOR], region=world.district),
        handler=make_person("c_handler", [Role.HANDLER], department=Department.objects.get(code="chengguan")),
    )  # fmt: skip
