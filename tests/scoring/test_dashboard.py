"""The dashboard counts what the bulletin and the ranking count — never a void issue — for the
reader's own unit, and every figure links to the list of exactly those issues."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from sanfuwu.issues.models import Assignment, Issue, Status, Tier
from sanfuwu.orgs.models import Category, Department, Region
from sanfuwu.people.models import Person
from sanfuwu.scoring.rollup import rollup_month
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def make(
    number: str, region: Region, department: Department | None, status: str, category: Category
) -> Issue:
    issue = Issue.objects.create(
        number=number, title=number, description="测试", source="hotline", category=category, region=region,
        tier=Tier.IMMEDIATE, status=status, lead_department=department,
        registered_at=datetime.combine(date(2025, 10, 9), time(10), BEIJING),
        void_reason="重复登记" if status == Status.VOID else "",
    )  # fmt: skip
    if department is not None:  # handed over: the department's people see it
        Assignment.objects.create(
            issue=issue, department=department, is_lead=True, dispatched_at=issue.registered_at
        )
    return issue


@pytest.fixture
def october(world: World) -> Department:
    road = Category.objects.create(code="road", name="道路交通", default_department=world.jianshe)
    police = Department.objects.create(code="gongan", name="公安分局", region=world.district)
    make("WT-V-1", world.touge_grid, world.jianshe, Status.IN_PROGRESS, road)
    make("WT-V-2", world.touge_grid, world.jianshe, Status.RESOLVED, road)
    make("WT-V-3", world.baiyang_grid, police, Status.IN_PROGRESS, road)
    make("WT-V-4", world.touge_grid, None, Status.VOID, road)  # registered twice by mistake
    return police


def dashboard(client: Client, **query: str) -> tuple[dict[str, Any], str]:
    html = client.get(reverse("race:dashboard"), {"month": "2025-10", **query}).content.decode()
    raw = html.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0]
    return json.loads(unescape(raw)), html


def count_behind(client: Client, url: str) -> int:
    html = client.get(unescape(url)).content.decode()
    return int(re.search(r'id="issue-count">(\d+)<', html).group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize("rolled_up", [False, True])
def test_a_void_issue_counts_nowhere_and_each_figure_opens_its_list(
    world: World, october: Department, leader: Person, rolled_up: bool
) -> None:
    if rolled_up:  # the half year the charts show, as the hourly job keeps it
        for month in range(5, 11):
            rollup_month(date(2025, month, 1))
    client = client_for(leader)
    data, html = dashboard(client)
    assert data["totals"]["registered"] == 3 and data["totals"]["resolved"] == 1
    assert data["categories"] == [{"id": data["categories"][0]["id"], "name": "道路交通", "value": 3}]
    assert data["sources"][2]["key"] == "hotline" and data["sources"][2]["data"][-1] == 3
    assert ('id="counted-at"' in html) == rolled_up
    link = html.split('id="list-registered" href="')[1].split('"')[0]
    assert count_behind(client, link) == 3
    assert count_behind(client, data["links"]["sources"][2][-1]) == 3
    assert count_behind(client, data["links"]["categories"][0]) == 3
    # One street: its own issues only, the void one still left out.
    street, _html = dashboard(client, region=str(world.xiasha.pk))
    assert street["totals"]["registered"] == 2


def test_a_department_head_sees_the_issues_their_department_leads(
    world: World, october: Department, handler: Person
) -> None:
    client = client_for(handler)
    data, _html = dashboard(client)
    assert data["totals"]["registered"] == 2 and data["departments"]["names"] == ["建设局"]
    assert count_behind(client, data["links"]["categories"][0]) == 2


def test_a_satisfaction_point_opens_the_issues_return_visited_that_month(
    world: World, october: Department, leader: Person
) -> None:
    from sanfuwu.issues.models import IssueEvent

    rated = Issue.objects.get(number="WT-V-2")
    IssueEvent.objects.create(
        issue=rated, seq=9, action="rate", at=datetime.combine(date(2025, 10, 20), time(9), BEIJING),
        to_status=Status.RESOLVED, changes={"rating": "satisfied"},
    )  # fmt: skip
    client = client_for(leader)
    data, _html = dashboard(client)
    assert data["satisfaction"][-1] == 100.0 and data["satisfaction_counts"][-1] == [1, 1]
    html = client.get(unescape(data["links"]["satisfaction"][-1])).content.decode()
    assert "WT-V-2" in html and "WT-V-1" not in html and 'id="issue-count">1<' in html
