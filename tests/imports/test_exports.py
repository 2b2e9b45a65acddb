"""Every list's Excel export: its filters, the reader's scope, and text that Excel never runs."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sanfuwu.issues.services import issue_register
from sanfuwu.orgs.models import Category
from sanfuwu.scoring.models import Indicator, League, Source
from sanfuwu.visits.models import Pairing
from sanfuwu.visits.services import visit_record
from tests.conftest import World, client_for, make_person
from tests.imports.helpers import header_of

pytestmark = pytest.mark.django_db


def rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    return [[c.value or "" for c in r] for r in sheet.iter_rows()]


@pytest.fixture
def data(world: World) -> dict[str, object]:
    road = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    xiasha_worker = make_person("x_worker", ["visitor"], region=world.touge_grid)
    baiyang_worker = make_person("b_worker", ["visitor"], region=world.baiyang_grid)
    formula = issue_register(actor=xiasha_worker, title="=HYPERLINK(\"http://evil\")", description="+1+1 求修路面",
                             source="visit", category=road, region=world.touge_grid)  # fmt: skip
    issue_register(actor=baiyang_worker, title="白杨路灯不亮", description="夜间路灯不亮", source="visit",
                   category=road, region=world.baiyang_grid)  # fmt: skip
    visit_record(actor=xiasha_worker, visited_at=timezone.now() - timedelta(hours=1), targets=[world.xiasha_firm],
                 notes="@SUM(A1) 走访企业了解情况")  # fmt: skip
    Pairing.objects.create(target=world.xiasha_firm, person=xiasha_worker, starts_on=timezone.localdate())
    Pairing.objects.create(target=world.baiyang_firm, person=baiyang_worker, starts_on=timezone.localdate())
    return {"formula": formula}


def test_it_exports_only_what_the_reader_sees_with_the_lists_filters(
    world: World, data, xiasha_dispatcher, leader
) -> None:
    mine = rows(client_for(xiasha_dispatcher).get(reverse("issues:export")))
    assert len(mine) == 2 and "白杨路灯不亮" not in str(mine)
    everything = rows(client_for(leader).get(reverse("issues:export")))
    assert len(everything) == 3
    filtered = rows(client_for(leader).get(reverse("issues:export"), {"q": "白杨路灯"}))
    assert len(filtered) == 2 and filtered[1][1] == "白杨路灯不亮"


def test_it_writes_formula_like_text_as_text(world: World, data, leader) -> None:
    response = client_for(leader).get(reverse("issues:export"))
    sheet = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    titles = [row[1] for row in sheet.iter_rows(min_row=2)]
    risky = next(c for c in titles if str(c.value).startswith("="))
    assert risky.data_type == "s" and risky.value == '=HYPERLINK("http://evil")'
    visits = load_workbook(
        io.BytesIO(client_for(leader).get(reverse("visits:export")).getvalue())
    ).worksheets[0]
    notes = visits.cell(row=2, column=header_of("visits").index("走访情况") + 1)
    assert notes.data_type == "s" and str(notes.value).startswith("@SUM")


def test_it_exports_visits_and_pairings_in_scope(
    world: World, data, xiasha_dispatcher, baiyang_dispatcher
) -> None:
    assert len(rows(client_for(xiasha_dispatcher).get(reverse("visits:export")))) == 2
    assert len(rows(client_for(baiyang_dispatcher).get(reverse("visits:export")))) == 1
    pairings = rows(client_for(xiasha_dispatcher).get(reverse("visits:pairings_export")))
    assert [r[0] for r in pairings[1:]] == [world.xiasha_firm.name]


def test_it_exports_the_ranking_it_shows(world: World, data, leader) -> None:
    Indicator.objects.create(
        league=League.TERRITORY, name="办结率", source=Source.RESOLUTION, weight=100, target=1, min_cases=1
    )
    sheet = rows(client_for(leader).get(reverse("race:export"), {"league": "territory"}))
    assert sheet[0][:4] == ["排名", "名次变化", "单位", "指数"] and "办结率" in sheet[0]
    assert {r[2] for r in sheet[1:]} == {"下沙街道", "白杨街道", "医药港小镇"}


def test_it_sends_strangers_to_the_login_page(world: World) -> None:
    for name in ("issues:export", "visits:export", "visits:pairings_export", "race:export"):
        assert Client().get(reverse(name)).status_code == 302
