"""The dashboard and the bulletin give the same numbers for the same unit and month: void issues
count in neither, and each of the dashboard's totals opens a list of exactly that many issues."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from html import unescape
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document

from sanfuwu.core.demokit import demo_build
from sanfuwu.core.periods import day_range, span_bounds
from sanfuwu.issues.models import Issue, Status
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.reports.figures import bulletin_figures
from sanfuwu.scoring.models import MonthlyRollup
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
TODAY = date(2025, 11, 14)
MONTH = "2025-10"


def dashboard_of(client: Client, region: Region | None) -> tuple[dict[str, Any], str]:
    query = {"month": MONTH, "span": "month", **({"region": str(region.pk)} if region else {})}
    html = client.get(reverse("race:dashboard"), query).content.decode()
    data = json.loads(
        unescape(html.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    )
    return data, html


def listed(client: Client, url: str) -> int:
    html = client.get(unescape(url)).content.decode()
    return int(re.search(r'id="issue-count">([\d,]+)<', html).group(1).replace(",", ""))  # type: ignore[union-attr]


def bars_open_their_lists(client: Client, data: dict[str, Any]) -> None:
    """Every bar of the charts opens the issue list it counts: as many issues as the bar says."""
    links = data["links"]
    month = -1  # the charts' last month, the one asked for
    for series, urls in zip(data["sources"] + data["tiers"], links["sources"] + links["tiers"], strict=True):
        assert len(urls) == len(data["months"])
        if series["data"][month]:
            assert listed(client, urls[month]) == series["data"][month], series["name"]
    for category, url in zip(data["categories"], links["categories"], strict=True):
        assert listed(client, url) == category["value"], category["name"]
    departments = data["departments"]
    assert len(departments["names"]) == len(links["overdue"]) == len(links["supervised"]) > 10
    for name, overdue, supervised, late_url, board_url in zip(
        departments["names"],
        departments["overdue"],
        departments["supervised"],
        links["overdue"],
        links["supervised"],
        strict=True,
    ):
        assert (listed(client, late_url), listed(client, board_url)) == (overdue, supervised), name
    assert len(links["satisfaction"]) == len(data["satisfaction"])
    assert len(links["coverage"]) == len(data["coverage"]["names"]) > 0
    assert all(
        client.get(unescape(url)).status_code == 200
        for url in links["coverage"][:3] + links["satisfaction"][-1:]
    )


def test_the_dashboard_and_the_bulletin_agree_for_every_unit_of_a_month(db: None, tmp_path) -> None:
    demo_build(seed=2025, today=TODAY, out=io.StringIO(), small=True)
    start, end = span_bounds("month", MONTH, TODAY)
    since, until = day_range(start, end)
    # The month holds void issues: neither the dashboard nor the bulletin may count them.
    assert Issue.objects.filter(
        status=Status.VOID, registered_at__gte=since, registered_at__lt=until
    ).exists()
    leader = Person.objects.get(username="leader")
    client = client_for(leader)
    district = Region.objects.get(kind=RegionKind.DISTRICT)
    units: list[Region | None] = [None, *Region.objects.filter(kind__in=[RegionKind.STREET, RegionKind.PARK])]
    assert len(units) == 5
    for counted_from in ("roll-ups", "issues"):
        for region in units:
            data, html = dashboard_of(client, region)
            figures = bulletin_figures(region or district, start, end)
            unit = (region or district).name, counted_from
            totals = data["totals"]
            assert totals["registered"] == figures.collected, unit
            assert totals["resolved"] == figures.resolved, unit
            assert (totals["overdue"], totals["supervised"]) == (
                figures.overdue_count,
                figures.supervised_count,
            ), unit
            # The month is the charts' last: the tiers of the bulletin are the chart's last column.
            assert {t["name"]: t["data"][-1] for t in data["tiers"]} == {
                t.label: t.total for t in figures.tiers
            }, unit
            categories = {c["name"]: c["value"] for c in data["categories"]}
            assert all(categories[name] == n for name, n, _examples in figures.categories), unit
            if counted_from == "roll-ups":
                assert 'id="counted-at"' in html
                # Each total opens a list of exactly that many issues.
                for key in ("registered", "resolved", "overdue", "supervised"):
                    link = html.split(f'id="list-{key}" href="')[1].split('"')[0]
                    assert listed(client, link) == totals[key], (unit, key)
                if region is None:
                    bars_open_their_lists(client, data)
        # Then again counted from the issues themselves, as before the hourly job has run.
        MonthlyRollup.objects.update(dashboard_at=None)

    # The bulletin says it in the office's words, once each, without doubled punctuation.
    out = tmp_path / "bulletin.docx"
    call_command("bulletin", "--period", MONTH, str(out), stdout=io.StringIO())
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    figures = bulletin_figures(district, start, end)
    assert f"共收集问题{figures.collected}件，已办结{figures.resolved}件，办结率" in text
    assert "已解决" not in text and "解决率" not in text.replace("办结率", "")
    assert not re.search(r"[。，、；：！？]{2}", text), re.findall(r".{8}[。，、；：！？]{2}.{4}", text)
    # 共性问题 by what they are about, each named once, each raised in at least K places.
    common = re.findall(r"\d+\. (\S+?)（(\S+?)）：反映(\d+)件，涉及(\d+)个地点", text)
    assert len(common) >= 2
    assert len({(topic, category) for topic, category, _n, _k in common}) == len(common)
    assert all(int(k) >= 3 and int(n) >= int(k) for _t, _c, n, k in common)
