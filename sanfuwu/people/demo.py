"""About eighty demo people across every role and unit, with the well-known logins; every
department has a head and two handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password

from sanfuwu.core.demo_names import mobile, unique_person_names
from sanfuwu.core.demokit import DemoContext
from sanfuwu.orgs.models import Department, Region, RegionKind
from sanfuwu.people.models import Person, Role, StandIn
from sanfuwu.people.services import person_set_roles

TOP_PINYIN = {"下沙街道": "xiasha", "白杨街道": "baiyang", "河庄街道": "hezhuang", "医药港小镇": "yiyaogang"}
HANDLER_DEPARTMENTS = [
    "guotu", "chengguan", "gongan", "shichang", "shefa", "weijian", "jiaoyu", "shengtai", "renshe", "rencai",
]  # fmt: skip
MORE_HANDLER_DEPARTMENTS = ["guihua", "caizheng", "jingfa", "shangwu", "shuiwu", "shenpi"]


@dataclass
class Seat:
    username: str
    role: str
    title: str
    region: Region | None = None
    department: Department | None = None
    also: tuple[str, ...] = ()  # further roles: a department's head also handles


def _seats(district: Region) -> list[Seat]:
    tops = list(Region.objects.filter(parent=district).order_by("sort_order", "id"))
    grids = list(Region.objects.filter(kind=RegionKind.GRID).order_by("path"))
    xiasha_grid = next(
        g for g in grids if g.path.startswith(next(t for t in tops if t.name == "下沙街道").path)
    )
    depts = {d.code: d for d in Department.objects.all()}
    seats = [
        Seat("admin", Role.ADMIN, "系统管理员", region=district),
        Seat("leader", Role.LEADER, "区委副书记", region=district),
        Seat("leader2", Role.LEADER, "管委会副主任", region=district),
        Seat("leader3", Role.LEADER, "区纪委副书记", region=district),
        Seat("dispatcher", Role.DISPATCHER, "区三服务协调中心调度员", region=district),
        Seat("handler", Role.HANDLER, "建设局承办人", department=depts["jianshe"]),
        Seat("visitor", Role.VISITOR, f"{xiasha_grid.name}网格员", region=xiasha_grid),
        Seat("supervisor", Role.SUPERVISOR, "区督查室督查员", region=district),
        Seat("supervisor2", Role.SUPERVISOR, "区督查室督查员", region=district),
        Seat("evaluator", Role.EVALUATOR, "测评组成员", region=district),
    ]
    seats += [Seat(f"evaluator{n}", Role.EVALUATOR, "测评组成员", region=district) for n in range(2, 6)]
    for top in tops:
        seats.append(
            Seat(
                f"dispatcher_{TOP_PINYIN.get(top.name, top.pk)}",
                Role.DISPATCHER,
                f"{top.name}三服务办调度员",
                region=top,
            )
        )
    for code in HANDLER_DEPARTMENTS:
        dept = depts[code]
        seats.append(Seat(f"handler_{code}", Role.HANDLER, f"{dept.name}承办人", department=dept))
    other_grids = [g for g in grids if g != xiasha_grid]
    for n, grid in enumerate(other_grids[::3] + other_grids[1::3][:7], start=1):
        seats.append(Seat(f"grid{n:02d}", Role.VISITOR, f"{grid.name}网格员", region=grid))
    # Every other department too: an issue is signed for and resolved by its own department's
    # handler, so a department with issues needs one.
    for code in MORE_HANDLER_DEPARTMENTS:
        dept = depts[code]
        seats.append(Seat(f"handler_{code}", Role.HANDLER, f"{dept.name}承办人", department=dept))
    # Every department works as a team: a head (负责人) who assigns the signed-for issues, and a
    # second handler beside the first. Added last, so the first handler keeps playing the stories.
    for code in ["jianshe", *HANDLER_DEPARTMENTS, *MORE_HANDLER_DEPARTMENTS]:
        dept = depts[code]
        suffix = "" if code == "jianshe" else f"_{code}"
        seats.append(
            Seat(f"head{suffix}", Role.HEAD, f"{dept.name}负责人", department=dept, also=(Role.HANDLER,))
        )
        seats.append(Seat(f"handler2{suffix}", Role.HANDLER, f"{dept.name}经办人", department=dept))
    return seats


def build(ctx: DemoContext) -> None:
    district: Region = ctx.shared["district"]
    rng = ctx.rng("people")
    seats = _seats(district)
    names = unique_person_names(rng, len(seats))
    password = make_password(settings.SANFUWU_DEMO_PASSWORD)  # one hash: argon2 is slow on purpose
    for seat, name in zip(seats, names, strict=True):
        person, _ = Person.objects.update_or_create(
            username=seat.username,
            defaults={
                "name": name,
                "phone": mobile(rng),
                "title": seat.title,
                "region": seat.region,
                "department": seat.department,
                "password": password,
                "is_active": True,
            },
        )
        person_set_roles(person=person, roles=[seat.role, *seat.also])
    _stand_in(ctx)
    ctx.say(f"  人员：{len(seats)} 人")


def _stand_in(ctx: DemoContext) -> None:
    """One stand-in running this week: 建设局's well-known handler is away and its second handler
    covers for them (AB角), so their issues show under handler2's 我的 marked 代."""
    away = Person.objects.filter(username="handler").first()
    cover = Person.objects.filter(username="handler2").first()
    head = Person.objects.filter(username="head").first()
    if away is None or cover is None or head is None or StandIn.objects.filter(absent=away).exists():
        return
    StandIn.objects.create(
        absent=away, stand_in=cover, set_by=head,
        starts_on=ctx.today - timedelta(days=1), ends_on=ctx.today + timedelta(days=6),
    )  # fmt: skip
