"""A small hand-built district with a few personas, used across the tests.

杭州测试区
├── 下沙街道 (street)          ├── 白杨街道 (street)          └── 医药港小镇 (park)
│   └── 头格社区 (community)    │   ├── 新围村 (village)           └── 医药港第1网格
│       └── 头格第1网格 (grid)   │   └── 白杨第1网格 (grid)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client
from django.utils import translation

from sanfuwu.orgs.models import Department, Region
from sanfuwu.orgs.services import region_create
from sanfuwu.people.models import Person, Role
from sanfuwu.people.services import person_set_roles
from sanfuwu.targets.credit_code import credit_code_check_char
from sanfuwu.targets.models import Target

PASSWORD = "test-password-123"


def make_code(body15: str) -> str:
    """A valid credit code from 15 free characters after the '91' prefix... of our choosing."""
    first17 = ("91" + body15)[:17]
    return first17 + credit_code_check_char(first17)


@dataclass
class World:
    district: Region
    xiasha: Region
    touge: Region
    touge_grid: Region
    baiyang: Region
    xinwei: Region
    baiyang_grid: Region
    park: Region
    park_grid: Region
    jianshe: Department
    xiasha_firm: Target
    baiyang_firm: Target
    park_firm: Target


def _next_year_entered_when_unknown() -> None:
    """Deadlines set "now" reach into next year from late December. When the chinese-calendar
    package does not know that year yet, the tests' district has entered it as weekends only, as
    an administrator would enter the State Council's notice; the product itself never guesses."""
    import chinese_calendar

    from sanfuwu.workdays.models import CalendarYear

    year = date.today().year + 1
    try:
        chinese_calendar.is_workday(date(year, 1, 4))
    except NotImplementedError:
        CalendarYear.objects.get_or_create(year=year, defaults={"note": "测试假定：只有周末休息"})


def build_world() -> World:
    """The district below, built in the current transaction (the `world` fixture's, or a module's)."""
    _next_year_entered_when_unknown()
    d = region_create(name="杭州测试区", kind="district", parent=None)
    xiasha = region_create(name="下沙街道", kind="street", parent=d)
    touge = region_create(name="头格社区", kind="community", parent=xiasha)
    touge_grid = region_create(name="头格第1网格", kind="grid", parent=touge)
    baiyang = region_create(name="白杨街道", kind="street", parent=d)
    xinwei = region_create(name="新围村", kind="village", parent=baiyang)
    baiyang_grid = region_create(name="白杨第1网格", kind="grid", parent=baiyang)
    park = region_create(name="医药港小镇", kind="park", parent=d)
    park_grid = region_create(name="医药港第1网格", kind="grid", parent=park)
    jianshe = Department.objects.create(code="jianshe", name="建设局", region=d)

    def firm(name: str, code: str, region: Region, grid: Region | None) -> Target:
        return Target.objects.create(
            kind="enterprise", name=name, credit_code=make_code(code), industry="biomedicine",
            region=region, grid=grid,
        )  # fmt: skip

    return World(
        district=d, xiasha=xiasha, touge=touge, touge_grid=touge_grid, baiyang=baiyang, xinwei=xinwei,
        baiyang_grid=baiyang_grid, park=park, park_grid=park_grid, jianshe=jianshe,
        xiasha_firm=firm("下沙星辰制药有限公司", "330114MA2XHA001", touge, touge_grid),
        baiyang_firm=firm("白杨云帆电子有限公司", "330114MA2BYB002", baiyang, baiyang_grid),
        park_firm=firm("医药港康瑞生物科技有限公司", "330114MA2YYG003", park, park_grid),
    )  # fmt: skip


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def make_person(
    username: str, roles: list[str], *, region: Region | None = None, department: Department | None = None,
    staff: bool = False,
) -> Person:  # fmt: skip
    person = Person.objects.create_user(
        username=username,
        password=PASSWORD,
        name=username,
        region=region,
        department=department,
        is_staff=staff,
    )
    person_set_roles(person=person, roles=roles)
    return Person.objects.get(pk=person.pk)


@pytest.fixture
def leader(world: World) -> Person:
    return make_person("leader", [Role.LEADER], region=world.district)


@pytest.fixture
def admin_person(world: World) -> Person:
    return make_person("admin", [Role.ADMIN], region=world.district)


@pytest.fixture
def xiasha_dispatcher(world: World) -> Person:
    return make_person("xs_dispatcher", [Role.DISPATCHER], region=world.xiasha)


@pytest.fixture
def baiyang_dispatcher(world: World) -> Person:
    return make_person("by_dispatcher", [Role.DISPATCHER], region=world.baiyang)


@pytest.fixture
def grid_worker(world: World) -> Person:
    return make_person("gridder", [Role.VISITOR], region=world.touge_grid)


@pytest.fixture
def handler(world: World) -> Person:
    return make_person("handler", [Role.HANDLER], department=world.jianshe)


@pytest.fixture
def xiasha_staff(world: World) -> Person:
    """A street clerk trusted with the admin for targets and regions, but only of her street."""
    from django.contrib.auth.models import Permission

    person = make_person("xs_clerk", [Role.DISPATCHER], region=world.xiasha, staff=True)
    person.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["targets", "orgs"]))
    return Person.objects.get(pk=person.pk)


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture(autouse=True)
def chinese_between_tests() -> Iterator[None]:
    # A streamed response may leave its language active in the thread; no test should inherit it.
    yield
    translation.activate("zh-hans")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    # Argon2 is slow on purpose; the tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_at_once() -> Iterator[None]:
    """Under test a queued job runs in the caller, so its effect is visible when the call returns."""
    from sanfuwu.core.jobs import load_jobs, queue

    queue.immediate = True
    load_jobs()
    yield
