"""269 enterprises in 24 grids (the seeds' figure), 3 universities, the communities and
villages themselves, and a few talents and projects."""

from __future__ import annotations

import random

from sanfuwu.core.demo_names import mobile, person_name
from sanfuwu.core.demokit import DemoContext
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.targets.credit_code import ALPHABET, credit_code_check_char
from sanfuwu.targets.models import Industry, Target, TargetKind

ENTERPRISES = 269
KEY_ENTERPRISES = 160

BRAND_CHARS = (
    "华康瑞博宏鼎润泰恒信德新永立海昌盛远嘉科达源锐启明正诚捷迈睿晟航聚合安联天星越峰致景驰英澜图凯晶辰"
)
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    Industry.BIOMEDICINE: ("生物医药", "生物科技", "制药", "医疗器械", "基因科技", "药业"),
    Industry.ELECTRONICS: ("电子", "微电子", "光电科技", "半导体", "智能科技", "电子科技"),
    Industry.MACHINERY: ("机械", "精密机械", "自动化设备", "智能装备", "机电", "重工"),
    Industry.AUTOMOTIVE: ("汽车零部件", "汽配", "新能源汽车科技"),
    Industry.MATERIALS: ("新材料", "高分子材料", "复合材料"),
    Industry.SOFTWARE: ("信息技术", "网络科技", "软件", "数据科技"),
    Industry.LOGISTICS: ("物流", "供应链管理", "仓储服务", "国际货运代理"),
    Industry.FOOD: ("食品", "饮料", "乳业"),
    Industry.TEXTILE: ("纺织", "服饰", "印染"),
    Industry.CHEMICALS: ("化工", "精细化工", "涂料"),
}
INDUSTRY_SHARE = {
    Industry.BIOMEDICINE: 22, Industry.ELECTRONICS: 18, Industry.MACHINERY: 16, Industry.AUTOMOTIVE: 6,
    Industry.MATERIALS: 8, Industry.SOFTWARE: 8, Industry.LOGISTICS: 8, Industry.FOOD: 5,
    Industry.TEXTILE: 4, Industry.CHEMICALS: 5,
}  # fmt: skip
ROADS = (
    "1号大街", "3号大街", "6号大街", "12号大街", "18号大街", "25号大街", "文渊路", "学林街", "海达南路",
    "福城路", "金沙大道", "幸福南路", "江东大道", "青六中路", "下沙路", "学源街", "银海街", "围垦街",
)  # fmt: skip
UNIVERSITIES = ("钱塘理工大学", "浙东电子科技大学", "江滨医药职业技术学院")
TALENTS = (
    "海外高层次人才（生物医药）",
    "省级领军人才（集成电路）",
    "青年拔尖人才（智能制造）",
    "高技能人才（精密加工）",
)
PROJECTS = (
    "医药港小镇生物医药产业园二期项目",
    "下沙智能制造产业园项目",
    "河庄街道安置房建设项目",
    "白杨街道人才公寓项目",
)


def demo_credit_code(rng: random.Random, *, prefix: str = "91330114") -> str:
    body = prefix + "MA2" + "".join(rng.choice(ALPHABET) for _ in range(17 - len(prefix) - 3))
    return body + credit_code_check_char(body)


def _enterprise_name(rng: random.Random, industry: str, used: set[str]) -> str:
    while True:
        brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
        city = rng.choice(("杭州", "杭州", "浙江", ""))
        form = "股份有限公司" if rng.random() < 0.12 else "有限公司"
        name = f"{city}{brand}{rng.choice(INDUSTRY_WORDS[industry])}{form}"
        if brand[0] != brand[1] and name not in used:
            used.add(name)
            return name


def _grid_weights(grids: list[Region]) -> list[float]:
    # The park is where the factories are: its grids hold most enterprises.
    park_paths = [r.path for r in Region.objects.filter(kind=RegionKind.PARK)]
    return [3.0 if any(g.path.startswith(p) for p in park_paths) else 1.0 for g in grids]


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("targets")
    grids = list(Region.objects.filter(kind=RegionKind.GRID).select_related("parent").order_by("path"))
    weights = _grid_weights(grids)
    industries = list(INDUSTRY_SHARE)
    shares = list(INDUSTRY_SHARE.values())
    used_names: set[str] = set()
    codes: set[str] = set()
    # Every grid gets at least one enterprise; the rest follow the weights.
    placement = grids + rng.choices(grids, weights=weights, k=ENTERPRISES - len(grids))
    key_indexes = set(rng.sample(range(ENTERPRISES), KEY_ENTERPRISES))
    for i, grid in enumerate(placement):
        industry = rng.choices(industries, weights=shares)[0]
        code = demo_credit_code(rng)
        while code in codes:
            code = demo_credit_code(rng)
        codes.add(code)
        assert grid.parent is not None
        Target.objects.update_or_create(
            credit_code=code,
            defaults={
                "kind": TargetKind.ENTERPRISE,
                "name": _enterprise_name(rng, industry, used_names),
                "industry": industry,
                "address": f"杭州市钱塘区{rng.choice(ROADS)}{rng.randint(1, 999)}号",
                "region": grid.parent,
                "grid": grid,
                "is_key": i in key_indexes,
                "contact_name": person_name(rng),
                "contact_phone": mobile(rng),
            },
        )
    baiyang = Region.objects.get(name="白杨街道")
    for name in UNIVERSITIES:
        _other(TargetKind.UNIVERSITY, name, baiyang, rng, code=demo_credit_code(rng, prefix="12330000"))
    for unit in Region.objects.filter(kind__in=[RegionKind.COMMUNITY, RegionKind.VILLAGE]):
        _other(unit.kind, unit.name, unit, rng)
    park = Region.objects.filter(kind=RegionKind.PARK).first() or baiyang
    for title in TALENTS:
        _other(TargetKind.TALENT, f"{person_name(rng)}·{title}", park, rng)
    tops = list(Region.objects.filter(kind__in=[RegionKind.STREET, RegionKind.PARK]))
    for name in PROJECTS:
        region = next((t for t in tops if name.startswith(t.name[:2])), park)
        _other(TargetKind.PROJECT, name, region, rng)
    ctx.say(
        f"  联系对象：{Target.objects.count()} 个，其中企业 {Target.objects.filter(kind=TargetKind.ENTERPRISE).count()} 家"
    )


def _other(kind: str, name: str, region: Region, rng: random.Random, code: str | None = None) -> None:
    contact, phone = person_name(rng), mobile(rng)
    if Target.objects.filter(kind=kind, name=name).exists():
        return
    Target.objects.create(
        kind=kind, name=name, region=region, credit_code=code, contact_name=contact, contact_phone=phone
    )
