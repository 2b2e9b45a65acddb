"""The issue lists count at most a capped number of rows: exact below the cap, "N+" above it."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanfuwu.core.paging import CappedPaginator, capped_count
from sanfuwu.issues.models import Issue, Status
from sanfuwu.people.models import Role
from tests.conftest import client_for
from tests.issues.conftest import Cast, issue_in, new_issue

CAP = 4
PAGE_SIZE = 2


@pytest.fixture
def small_cap(settings):
    settings.SANFUWU_COUNT_CAP = CAP
    settings.SANFUWU_PAGE_SIZE = PAGE_SIZE


def shown_count(html: str) -> str:
    match = re.search(r'id="issue-count">([^<]*)</strong>', html)
    assert match, "no issue count on the page"
    return match.group(1)


def page_links(html: str) -> set[int]:
    """The pages the pager links to."""
    pager = html.split('class="pagination', 1)[1].split("</ul>", 1)[0] if 'class="pagination' in html else ""
    return {int(n) for n in re.findall(r"[?&]page=(\d+)", pager)}


def test_it_counts_exactly_up_to_the_cap_and_says_plus_beyond_it(cast: Cast):
    for _ in range(CAP):
        new_issue(cast)
    assert capped_count(Issue.objects.all(), CAP) == (CAP, False)
    new_issue(cast)
    assert capped_count(Issue.objects.all(), CAP) == (CAP, True)
    paginator = CappedPaginator(Issue.objects.order_by("id"), PAGE_SIZE, cap=CAP)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (CAP, True, CAP // PAGE_SIZE)
    assert CappedPaginator(Issue.objects.order_by("id"), PAGE_SIZE, cap=10).count == CAP + 1


def test_it_shows_the_exact_count_and_pages_below_the_cap(cast: Cast, small_cap):
    for _ in range(CAP):
        new_issue(cast)
    html = client_for(cast.people[Role.LEADER]).get(reverse("issues:list")).content.decode()
    assert shown_count(html) == str(CAP)
    assert "第 1 / 2 页" in html and page_links(html) == {2}
    assert 'id="issue-count-capped"' not in html


def test_it_shows_the_cap_with_a_plus_and_no_page_beyond_it(cast: Cast, small_cap):
    issues = [new_issue(cast) for _ in range(CAP + 3)]  # four pages of two, the cap covers two
    client = client_for(cast.people[Role.LEADER])
    first = client.get(reverse("issues:list")).content.decode()
    assert shown_count(first) == f"{CAP}+"
    assert 'id="issue-count-capped"' in first
    assert "第 1 / 2 页" in first and page_links(first) == {2}
    newest_first = sorted(issues, key=lambda i: (i.registered_at, i.pk), reverse=True)
    second = client.get(reverse("issues:list"), {"page": 2}).content.decode()
    assert "第 2 / 2 页" in second and page_links(second) == {1}
    assert newest_first[2].number in second and newest_first[3].number in second
    assert newest_first[0].number not in second
    # A page past the cap is the last page within it, as Django does for any page past the end.
    beyond = client.get(reverse("issues:list"), {"page": 4}).content.decode()
    assert "第 2 / 2 页" in beyond and newest_first[6].number not in beyond


def test_it_keeps_the_filters_in_the_page_links_when_capped(cast: Cast, small_cap):
    for _ in range(CAP + 1):
        new_issue(cast)
    html = client_for(cast.people[Role.LEADER]).get(reverse("issues:list"), {"status": "registered"}).content
    assert "?status=registered&page=2" in html.decode()
    assert shown_count(html.decode()) == f"{CAP}+"


def test_it_never_counts_more_than_the_cap_plus_one_rows(cast: Cast, small_cap):
    for _ in range(CAP + 2):
        new_issue(cast)
    with CaptureQueriesContext(connection) as queries:
        client_for(cast.people[Role.LEADER]).get(reverse("issues:list"))
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the list counts nothing"
    assert all(f"LIMIT {CAP + 1}" in sql for sql in counts), counts


def test_it_says_plus_in_english_too(cast: Cast, small_cap):
    for _ in range(CAP + 1):
        new_issue(cast)
    client = client_for(cast.people[Role.LEADER])
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("issues:list")).content.decode()
    assert f'<strong id="issue-count">{CAP}+</strong> issues' in html
    assert "Only the newest" in html


def test_it_caps_my_issues(cast: Cast, small_cap):
    for _ in range(CAP + 1):
        new_issue(cast)
    html = client_for(cast.people[Role.VISITOR]).get(reverse("issues:mine")).content.decode()
    assert shown_count(html) == f"{CAP}+" and page_links(html) == {2}


def test_it_caps_the_triage_queue(cast: Cast, small_cap):
    for _ in range(CAP + 1):
        new_issue(cast)
    html = client_for(cast.people[Role.DISPATCHER]).get(reverse("issues:triage")).content.decode()
    assert shown_count(html) == f"{CAP}+"
    assert "第 1 / 2 页" in html and page_links(html) == {2}


def test_it_caps_the_worklist_and_its_tabs(cast: Cast, small_cap):
    for _ in range(CAP + 1):
        issue_in(Status.ASSIGNED, cast)
    issue_in(Status.IN_PROGRESS, cast)
    html = client_for(cast.people[Role.HANDLER]).get(reverse("issues:work")).content.decode()
    assert shown_count(html) == f"{CAP}+"
    badges = dict(re.findall(r'data-tab="(\w+)">[^<]*<span class="[^"]*">([^<]*)</span>', html))
    assert badges["pending"] == f"{CAP}+" and badges["doing"] == "1" and badges["overdue"] == "0"
    second = client_for(cast.people[Role.HANDLER]).get(reverse("issues:work"), {"page": 2}).content.decode()
    assert "第 2 / 2 页" in second


def test_tab_badges_stop_at_999_however_far_the_lists_count(settings):
    from sanfuwu.core.paging import badge_cap

    settings.SANFUWU_COUNT_CAP = 10_000
    assert badge_cap() == 999
    settings.SANFUWU_COUNT_CAP = CAP
    assert badge_cap() == CAP
