"""Who may use the visit pages, across roles and units."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanfuwu.visits.campaigns import campaign_progress
from sanfuwu.visits.models import Campaign, CampaignGroup, CampaignTarget, Visit
from sanfuwu.visits.services import visit_record
from tests.conftest import client_for, make_person
from tests.visits.conftest import Crew, png

pytestmark = pytest.mark.django_db

PAGES = [
    "visits:list",
    "visits:new",
    "visits:target_search",
    "visits:coverage",
    "visits:pairings",
    "visits:campaigns",
]


def recorded(crew: Crew, **extra) -> Visit:
    visit, _ = visit_record(
        actor=crew.visitor, visited_at=timezone.now() - timedelta(hours=2), targets=[crew.world.xiasha_firm],
        notes="走访企业了解经营情况。", photos=[png()], **extra,
    )  # fmt: skip
    return visit


@pytest.mark.parametrize("name", PAGES)
def test_it_sends_strangers_to_the_login_page(crew: Crew, name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_sends_strangers_away_from_a_visit_its_photo_and_report(crew: Crew) -> None:
    visit = recorded(crew)
    for url in (
        visit.get_absolute_url(),
        reverse("visits:photo", args=[visit.pk, visit.photos.get().pk]),
        reverse("visits:report", args=[visit.pk]),
    ):
        assert Client().get(url).status_code == 302


def test_it_serves_a_research_report_only_within_scope(crew: Crew) -> None:
    report = SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    visit = recorded(crew, report=report)
    url = reverse("visits:report", args=[visit.pk])
    response = client_for(crew.xiasha).get(url)
    assert response.status_code == 200 and response.getvalue().startswith(b"%PDF")
    assert client_for(crew.baiyang).get(url).status_code == 404
    without = recorded(crew)
    assert client_for(crew.xiasha).get(reverse("visits:report", args=[without.pk])).status_code == 404


def test_it_keeps_the_target_search_to_recorders(crew: Crew) -> None:
    assert client_for(crew.handler).get(reverse("visits:target_search"), {"q": "下沙"}).status_code == 403
    assert client_for(crew.visitor).get(reverse("visits:target_search"), {"q": "下沙"}).status_code == 200


def test_it_takes_bulk_pairing_only_as_a_post(crew: Crew) -> None:
    assert client_for(crew.xiasha).get(reverse("visits:assign_grid")).status_code == 405


@pytest.fixture
def campaign(crew: Crew) -> Campaign:
    today = timezone.localdate()
    c = Campaign.objects.create(name="重点企业集中走访", starts_on=today - timedelta(days=10),
                                ends_on=today + timedelta(days=10), region=crew.world.district)  # fmt: skip
    group = CampaignGroup.objects.create(campaign=c, name="第1走访组", lead_department=crew.world.jianshe)
    group.members.add(crew.leader)
    CampaignTarget.objects.create(campaign=c, group=group, target=crew.world.xiasha_firm)
    CampaignTarget.objects.create(campaign=c, group=group, target=crew.world.baiyang_firm)
    return c


def test_it_shows_a_campaign_to_leaders_its_departments_and_members_only(
    crew: Crew, campaign: Campaign
) -> None:
    url = campaign.get_absolute_url()
    assert client_for(crew.leader).get(url).status_code == 200
    assert client_for(crew.handler).get(url).status_code == 200  # 建设局 leads a group
    member = make_person("c_member", ["visitor"], region=crew.world.park_grid)
    CampaignGroup.objects.get().members.add(member)
    assert client_for(member).get(url).status_code == 200
    # A district campaign is not a street's: its dispatcher neither lists nor opens it.
    assert client_for(crew.xiasha).get(url).status_code == 404
    assert "重点企业集中走访" not in client_for(crew.xiasha).get(reverse("visits:campaigns")).content.decode()
    assert client_for(crew.leader).get(reverse("visits:campaign", args=[campaign.pk + 99])).status_code == 404


def test_it_counts_campaign_progress_by_the_group_or_its_lead_department(
    crew: Crew, campaign: Campaign
) -> None:
    # The grid worker alone does not count for the group; with 建设局 along, the visit does.
    recorded(crew)
    (group,) = campaign_progress(campaign)
    assert (group.assigned, group.visited) == (2, 0)
    recorded(crew, departments=[crew.world.jianshe])
    (group,) = campaign_progress(campaign)
    assert (group.assigned, group.visited) == (2, 1)
    page = client_for(crew.leader).get(campaign.get_absolute_url()).content.decode()
    assert "1 / 2" in page


def test_it_reports_coverage_for_a_quarter_and_a_year(crew: Crew) -> None:
    response = client_for(crew.leader).get(
        reverse("visits:coverage"), {"month": "2025-05", "span": "quarter"}
    )
    assert "2025-04-01 — 2025-06-30" in response.content.decode()
    response = client_for(crew.leader).get(reverse("visits:coverage"), {"month": "2025-05", "span": "year"})
    assert "2025-01-01 — 2025-12-31" in response.content.decode()


def test_it_offers_recording_a_visit_only_to_those_who_may(crew: Crew) -> None:
    new = reverse("visits:new")
    target_page = reverse("targets:detail", args=[crew.world.xiasha_firm.pk])
    for url in (reverse("visits:list"), target_page):
        assert new not in client_for(crew.handler).get(url).content.decode(), url
        assert new in client_for(crew.visitor).get(url).content.decode(), url


def test_it_marks_the_navigation_entry_of_the_page(crew: Crew) -> None:
    page = client_for(crew.visitor).get(reverse("visits:coverage")).content.decode()
    active = page.split('class="nav-item active"')[1][:300] if 'class="nav-item active"' in page else ""
    assert reverse("visits:coverage") in active
