"""The issue export reads newest first in chunks by keyset; a chunk that ends inside a minute
shared by several issues neither drops nor repeats any of them."""

from __future__ import annotations

import pytest

from sanfuwu.issues.models import Issue
from sanfuwu.orgs.models import Category
from sanfuwu.people.models import Person
from sanfuwu.portal import exporting
from tests.conftest import World
from tests.imports.helpers import exported, run_rows

pytestmark = pytest.mark.django_db


def test_chunks_that_end_inside_a_shared_minute_keep_every_issue_once_in_order(
    world: World, admin_person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    minutes = ["2025-10-08 09:30"] * 5 + ["2025-10-08 09:31"] * 2 + ["2025-10-07 16:00"] * 4
    rows: list[dict[str, object]] = [
        {"编号": f"WT-2025-{n:06d}", "标题": f"问题{n}", "问题描述": "路面破损", "来源": "走访", "事项分类": "道路交通",
         "办理类型": "限期办", "所属区域": "头格第1网格", "状态": "已登记", "登记时间": at}
        for n, at in enumerate(minutes, start=1)
    ]  # fmt: skip
    assert run_rows("issues", rows, admin_person).written
    monkeypatch.setattr(exporting, "CHUNK", 3)
    numbers = [row[0] for row in exported("issues", admin_person)[1:]]
    expected = [i.number for i in Issue.objects.order_by("-registered_at", "-number")]
    assert numbers == expected and len(numbers) == len(set(numbers)) == 11
