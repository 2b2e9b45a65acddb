"""Made-up but plausible Chinese names and phone numbers for demo data."""

from __future__ import annotations

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
    "霞", "平", "刚", "桂英", "建华", "建国", "文斌", "晓东", "海燕", "志强", "丽华", "国平", "红梅", "卫东",
    "晓燕", "立新", "亚平", "振华", "春梅", "子豪", "雨桐", "浩然", "思远", "梓涵", "一鸣", "佳怡", "宇航",
    "欣怡", "俊杰", "晨曦", "嘉伟", "婷婷", "慧敏", "鹏飞", "永康", "建军", "丹丹", "晓峰", "凯", "琳", "斌",
)  # fmt: skip


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def unique_person_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = person_name(rng)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def mobile(rng: random.Random) -> str:
    return rng.choice(
        ["135", "136", "137", "138", "139", "150", "151", "158", "159", "187", "188", "177"]
    ) + "".join(rng.choice("0123456789") for _ in range(8))
