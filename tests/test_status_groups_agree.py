"""One group, one number: the home page, the dashboard, the bulletin, the export and the issue list
count the overdue, the supervised-and-open and the resolved issues of the demo district alike, and
each number's link opens a list of exactly that length."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from sanfuwu.core.demokit import demo_build
from sanfuwu.issues.models import Issue, Status
from sanfuwu.orgs.models import Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.reports.figures import bulletin_figures
from tests.conftest import client_for
from tests.imports.helpers import exported

pytestmark = pytest.mark.django_db

OCTOBER = {"date_from": "2025-10-01", "date_to": "2025-10-31"}


def list_count(client: Client, url: str) -> int:
    page = client.get(url).content.decode()
    found = re.search(r'id="issue-count">(\d+)<', page)
    assert found, url
    return int(found.group(1))


def home_cards(client: Client) -> dict[str, tuple[int, str]]:
    """The issue cards of the home page: label → (number, link)."""
    page = client.get(reverse("home")).content.decode()
    found = re.findall(
        r'href="([^"]*)" data-card="[\w-]+">.*?sfw-stat-value">(\d+)</div><div class="text-secondary text-nowrap">([^<]+)<',
        page,
        re.S,
    )
    return {label: (int(n), html.unescape(url)) for url, n, label in found}


def dashboard_totals(client: Client) -> dict[str, tuple[int, str]]:
    page = client.get(reverse("race:dashboard"), {"month": "2025-10"}).content.decode()
    found = re.findall(r'id="list-(\w+)" href="([^"]*)">(\d+)</a>', page)
    return {key: (int(n), html.unescape(url)) for key, url, n in found}


def exported_count(leader: Person, **params: str) -> int:
    return len(exported("issues", leader, **params)) - 1  # the header


def test_it_gives_the_same_count_for_a_group_on_every_page_and_file() -> None:
    demo_build(seed=2025, today=date(2025, 11, 1), out=io.StringIO(), small=True)
    district = Region.objects.get(kind=RegionKind.DISTRICT)
    # Supervised while still waiting for a dispatcher, which the home page counted and the dashboard
    # and the bulletin did not; and supervised but resolved already, which none may count.
    for status in (Status.REGISTERED, Status.RESOLVED):
        issue = Issue.objects.filter(status=status).order_by("id").first()
        assert issue is not None, status
        Issue.objects.filter(pk=issue.pk).update(supervised=True, supervision_level="general")
    leader = Person.objects.get(username="leader")
    client = client_for(leader)

    cards, totals = home_cards(client), dashboard_totals(client)
    figures = bulletin_figures(district, date(2025, 10, 1), date(2025, 10, 31))
    overdue = {
        "home": cards["已超期"][0],
        "dashboard": totals["overdue"][0],
        "bulletin": figures.overdue_count,
        "export": exported_count(leader, group="overdue"),
        "list": list_count(client, reverse("issues:list") + "?group=overdue"),
        "old link": list_count(client, reverse("issues:list") + "?overdue=on"),
        "home's link": list_count(client, cards["已超期"][1]),
        "dashboard's link": list_count(client, totals["overdue"][1]),
    }
    supervised = {
        "home": cards["督办中"][0],
        "dashboard": totals["supervised"][0],
        "bulletin": figures.supervised_count,
        "export": exported_count(leader, group="supervised"),
        "list": list_count(client, reverse("issues:list") + "?group=supervised"),
        "old link": list_count(client, reverse("issues:list") + "?supervised=on"),
        "home's link": list_count(client, cards["督办中"][1]),
        "dashboard's link": list_count(client, totals["supervised"][1]),
    }
    resolved = {
        "dashboard": totals["resolved"][0],
        "bulletin": figures.resolved,
        "export": exported_count(leader, group="done", **OCTOBER),
        "list": list_count(
            client, reverse("issues:list") + "?group=done&date_from=2025-10-01&date_to=2025-10-31"
        ),
        "dashboard's link": list_count(client, totals["resolved"][1]),
    }
    for name, counts in (("overdue", overdue), ("supervised", supervised), ("resolved", resolved)):
        assert len(set(counts.values())) == 1, (name, counts)
    open_supervised = Issue.objects.filter(supervised=True).exclude(
        status__in=[Status.RESOLVED, Status.CLOSED, Status.VOID]
    )
    assert supervised["home"] == open_supervised.count()
    assert open_supervised.filter(status=Status.REGISTERED).exists()
    assert overdue["home"] > 0 and resolved["bulletin"] > 0
