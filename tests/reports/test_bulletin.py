"""The bulletin states the seed's figures in the seed's words, laid out as an official document."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from sanfuwu.issues.models import Issue, Status, Tier
from sanfuwu.orgs.models import Category
from sanfuwu.reports.bulletin import bulletin_document
from sanfuwu.reports.figures import bulletin_figures
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")
numbers = count(1)


@pytest.fixture
def seed_004(world: World) -> None:
    """Seed 004's month: 35 已经办; 27 立刻办 of which 25 done; 16 限期办 of which 9 done."""
    road = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    at = datetime.combine(date(2025, 10, 15), time(10), BEIJING)

    def make(tier: str, status: str, n: int) -> None:
        for _ in range(n):
            done = status == Status.RESOLVED
            Issue.objects.create(
                number=f"WT-S-{next(numbers):05d}", title="企业门前道路破损", description="测试", source="visit",
                category=road, region=world.touge_grid, tier=tier, status=status, registered_at=at,
                lead_department=None if tier == Tier.DONE else world.jianshe, resolved_at=at if done else None,
                dispatched_at=None if tier == Tier.DONE else at,
                resolution="已办结" if done else "",
            )  # fmt: skip

    make(Tier.DONE, Status.RESOLVED, 35)
    make(Tier.IMMEDIATE, Status.RESOLVED, 25)
    make(Tier.IMMEDIATE, Status.IN_PROGRESS, 2)
    make(Tier.DEADLINE, Status.RESOLVED, 9)
    make(Tier.DEADLINE, Status.IN_PROGRESS, 7)


def text_of(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def test_it_states_the_seeds_figures_in_the_seeds_words(world: World, seed_004: None) -> None:
    figures = bulletin_figures(world.xiasha, date(2025, 10, 1), date(2025, 10, 31))
    assert (figures.collected, figures.resolved) == (78, 69)
    text = text_of(bulletin_document(figures, None, issuer="下沙街道“三服务”工作领导小组办公室"))
    # 35 + 25 + 9 = 69 of 78 → 88.5 %.
    assert "共收集问题78件，已解决69件，解决率88.5%" in text
    assert "已经办35件；立刻办27件，已完成25件；限期办16件，已完成9件" in text
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
