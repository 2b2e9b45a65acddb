"""The bulletin states the seed's figures in the seed's words, laid out as an official document."""

from __future__ import annotations

import io
from datetime import date, datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from sanfuwu.orgs.models import Category
from sanfuwu.people.models import Person
from sanfuwu.reports.bulletin import bulletin_document
from sanfuwu.reports.figures import bulletin_figures
from tests.conftest import World, client_for, make_person
from tests.imports.helpers import run_rows

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")
numbers = count(1)


def ledger_row(n: int, tier: str, status: str) -> dict[str, object]:
    """One line of a street's problem ledger for October 2025, as a clerk keeps it in Excel."""
    row: dict[str, object] = {
        "编号": f"XS-2025-{n:04d}", "标题": "企业门前道路破损", "问题描述": "企业反映门前道路破损，货车进出困难。",
        "来源": "走访", "事项分类": "道路交通", "办理类型": tier, "所属区域": "头格第1网格", "状态": status,
        "登记时间": "2025-10-15 10:00",
    }  # fmt: skip
    if tier == "已经办":
        row.update({"办理结果": "现场协调施工单位修补。"})
        return row
    row.update({"主办部门": "建设局", "交办时间": "2025-10-15 11:00", "签收时间": "2025-10-15 14:00",
                "办理期限": "2025-10-17" if tier == "立刻办" else "2025-10-31"})  # fmt: skip
    if status in ("已办结", "已销号"):
        row.update({"办结时间": "2025-10-16 16:00", "办理结果": "已修补破损路面。"})
    if status == "已销号":
        row.update({"答复内容": "您反映的路面破损已修复。", "回访评价": "满意", "回访时间": "2025-10-17 09:00",
                    "销号时间": "2025-10-17 10:00"})  # fmt: skip
    return row


@pytest.fixture
def seed_004(world: World, admin_person: Person) -> None:
    """Seed 004's month, imported from a ledger workbook: 35 已经办; 27 立刻办 of which 25 done;
    16 限期办 of which 9 done (some of the done ones struck off, some only resolved)."""
    Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    plan = [("已经办", "已办结", 35), ("立刻办", "已办结", 20), ("立刻办", "已销号", 5), ("立刻办", "办理中", 2),
            ("限期办", "已办结", 5), ("限期办", "已销号", 4), ("限期办", "办理中", 7)]  # fmt: skip
    numbers = count(1)
    rows = [ledger_row(next(numbers), tier, status) for tier, status, n in plan for _ in range(n)]
    outcome = run_rows("issues", rows, admin_person)
    assert outcome.errors == [] and outcome.created == 78


def text_of(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def test_it_states_the_seeds_figures_in_the_seeds_words(world: World, seed_004: None) -> None:
    figures = bulletin_figures(world.xiasha, date(2025, 10, 1), date(2025, 10, 31))
    assert (figures.collected, figures.resolved) == (78, 69)
    text = text_of(bulletin_document(figures, None, issuer="下沙街道“三服务”工作领导小组办公室"))
    # 35 + 25 + 9 = 69 of 78 → 88.5 %.
    assert "共收集问题78件，已办结69件，办结率88.5%" in text
    assert "已经办35件；立刻办27件，已办结25件；限期办16件，已办结9件" in text
    assert "下沙街道“三服务”工作通报" in text and "（2025年10月）" in text


def test_it_is_laid_out_as_an_official_document(world: World, seed_004: None) -> None:
    data = bulletin_document(
        bulletin_figures(world.district, date(2025, 10, 1), date(2025, 10, 31)), None, issuer="办公室"
    )
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    fonts = set()
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            properties = run._element.rPr
            if properties is not None and properties.rFonts is not None:
                fonts.add(properties.rFonts.get(qn("w:eastAsia")))
    assert {"仿宋_GB2312", "黑体", "方正小标宋简体"} <= fonts
    footer = section.footer.paragraphs[0]._element.xml
    assert "PAGE" in footer and "fldChar" in footer
    # The department table: 建设局 was given 34 issues.
    table = document.tables[0]
    assert table.rows[0].cells[0].text == "部门" and table.rows[1].cells[0].text == "建设局"


def test_the_dashboard_hands_the_bulletin_to_overseers_only(
    world: World, seed_004: None, leader, handler, xiasha_dispatcher
) -> None:
    url = reverse("race:bulletin")
    response = client_for(leader).get(url, {"month": "2025-10"})
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert "杭州测试区“三服务”工作通报" in text_of(response.getvalue())
    assert client_for(handler).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    # A street's dispatcher gets their street, even when asking for another.
    asked = client_for(xiasha_dispatcher).get(url, {"month": "2025-10", "region": str(world.baiyang.pk)})
    assert "下沙街道“三服务”工作通报" in text_of(asked.getvalue())


def test_the_command_line_writes_a_bulletin(world: World, seed_004: None, tmp_path) -> None:
    out = tmp_path / "通报.docx"
    call_command("bulletin", str(out), "--unit", "下沙街道", "--period", "2025-10", stdout=io.StringIO())
    assert "已经办35件" in text_of(out.read_bytes())


def test_a_weekly_bulletin_covers_monday_to_sunday(world: World, seed_004: None, leader, tmp_path) -> None:
    # 2025-10-15 lies in ISO week 42 (13 to 19 October); the week before has nothing.
    text = text_of(client_for(leader).get(reverse("race:bulletin"), {"week": "2025-W42"}).getvalue())
    assert "2025年第42周（10月13日至10月19日）" in text and "共收集问题78件，已办结69件" in text
    out = tmp_path / "周报.docx"
    call_command("bulletin", str(out), "--unit", "下沙街道", "--period", "2025-W41", stdout=io.StringIO())
    assert "共收集问题0件" in text_of(out.read_bytes())
    with pytest.raises(CommandError, match="YYYY-Www"):
        call_command("bulletin", str(out), "--period", "2025-W60", stdout=io.StringIO())
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("bulletin", str(out), "--period", "2025-13", stdout=io.StringIO())


def test_the_department_table_counts_handovers_accepted_in_time_on_time_and_satisfied(
    world: World, seed_004: None
) -> None:
    document = Document(io.BytesIO(bulletin_document(
        bulletin_figures(world.xiasha, date(2025, 10, 1), date(2025, 10, 31)), None, issuer="办公室"
    )))  # fmt: skip
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "部门",
        "交办",
        "按时签收",
        "期限内应办结",
        "按期办结",
        "满意率",
    ]
    # 43 handed to 建设局 on Wednesday 15 October, all accepted the same afternoon; all due in October,
    # the 34 resolved on the 16th on time; nine return visits, all 满意.
    assert [c.text for c in table.rows[1].cells] == ["建设局", "43", "43", "43", "34", "100.0%"]


def test_a_weekly_bulletin_tells_the_months_visits_so_far(world: World, grid_worker) -> None:
    from sanfuwu.visits.models import Pairing
    from sanfuwu.visits.services import visit_record

    baiyang_worker = make_person("by_worker", ["visitor"], region=world.baiyang_grid)
    Pairing.objects.create(target=world.xiasha_firm, person=grid_worker, starts_on=date(2025, 9, 1))
    Pairing.objects.create(target=world.baiyang_firm, person=baiyang_worker, starts_on=date(2025, 9, 1))
    visit_record(actor=grid_worker, visited_at=datetime(2025, 10, 15, 10, tzinfo=BEIJING),
                 targets=[world.xiasha_firm], notes="了解企业生产经营情况")  # fmt: skip
    figures = bulletin_figures(world.district, date(2025, 10, 13), date(2025, 10, 19))
    data = bulletin_document(figures, None, issuer="办公室")
    text = text_of(data)
    assert "10月1日至10月19日，本月应走访包联对象2个，已走访1个，尚有1个未走访，完成50.0%。" in text
    assert "本月尚未走访" in text
    still_to_visit = Document(io.BytesIO(data)).tables[-1]
    assert [c.text for c in still_to_visit.rows[1].cells][:2] == [world.baiyang_firm.name, "by_worker"]


def test_common_problems_are_named_once_whatever_the_place_they_were_raised_in() -> None:
    from sanfuwu.reports.figures import distinct_problems

    places = ["医药港小镇", "云滨社区", "下沙街道"]
    titles = [
        ("医药港小镇小区夜间停车位严重不足", None),
        ("云滨社区小区夜间停车位严重不足。", None),
        ("外包员工社保断缴纠纷", None),
        ("外包员工社保断缴纠纷", None),
        ("浙江昌澜科技有限公司员工工伤认定进展慢", "浙江昌澜科技有限公司"),
        ("下沙街道小区夜间停车位严重不足！", None),
        ("地下车库停车费上涨过快", None),
    ]
    found = distinct_problems(titles, places)
    # The most raised first, each once, without the place or the enterprise or closing marks.
    assert found == [("小区夜间停车位严重不足", 3), ("外包员工社保断缴纠纷", 2), ("员工工伤认定进展慢", 1)]
    # What another category already named is not named again.
    assert distinct_problems(titles, places, named=["小区夜间停车位严重不足"])[0] == (
        "外包员工社保断缴纠纷",
        2,
    )


def test_the_bulletin_never_doubles_punctuation() -> None:
    from sanfuwu.reports.bulletin import tidy

    assert tidy("如：道路破损。；井盖缺失。。") == "如：道路破损；井盖缺失。"
    assert tidy("（共30件）。") == "（共30件）。"
