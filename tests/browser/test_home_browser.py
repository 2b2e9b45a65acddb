"""Each role's home in a browser, on a desktop and a phone: the section that starts the day is
there, its numbers open lists of that length, and the grid worker's 记录走访 sits under the thumb."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import PHONE
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
PERSONAS = ["visitor", "handler", "dispatcher", "evaluator", "leader", "supervisor"]
# The card each persona's day starts with, whose number the list behind it must repeat.
FIRST_CARD = {
    "handler": "work-overdue",
    "dispatcher": "triage-waiting",
    "leader": "overdue",
    "supervisor": "board-supervised",
    "visitor": "mine",
}


@pytest.fixture
def server(request: pytest.FixtureRequest) -> str:
    """The product to drive: one already serving (SANFUWU_HOME_SERVER=http://127.0.0.1:PORT, a demo
    district built by `sanfuwu demo`), or the suite's own `make demo`."""
    given = os.environ.get("SANFUWU_HOME_SERVER")
    return given.rstrip("/") if given else str(request.getfixturevalue("demo_server"))


@pytest.fixture
def shots(artifacts: Path) -> Path:
    folder = Path(os.environ.get("SANFUWU_SHOTS", artifacts))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize(("viewport", "tag"), [(DESKTOP, "desktop"), (PHONE, "phone")])
@pytest.mark.parametrize("username", PERSONAS)
def test_each_role_starts_the_day_on_its_home(browser, server, shots, username, viewport, tag):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, server, username)
    # The demo's logins are named for their role.
    assert page.locator("section.sfw-home-section").first.get_attribute("id") == f"home-{username}"
    page.screenshot(path=shots / f"home-{username}-{tag}.png", full_page=True)
    if username == "visitor":
        button = page.locator("#record-visit-thumb" if tag == "phone" else "#record-visit")
        assert button.is_visible()
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44
        if tag == "phone":
            # Fixed at the bottom of the screen, in the thumb's reach, before any scrolling.
            assert box["y"] + box["height"] <= viewport["height"] and box["y"] > viewport["height"] * 0.8
            page.mouse.wheel(0, 2000)
            assert button.is_visible()
            page.screenshot(path=shots / f"home-{username}-{tag}-scrolled.png")
    if username == "evaluator":
        page.locator(".score-button").first.click()
        page.wait_for_url(re.compile(r"/race/reviews/\d+/"))
        assert page.locator("#score-form").count() == 1
    if username in FIRST_CARD:
        card = page.locator(f'[data-card="{FIRST_CARD[username]}"]')
        number = int(card.locator(".sfw-stat-value").inner_text().rstrip("+").replace(",", ""))
        card.click()
        page.wait_for_load_state()
        assert int(page.locator("#issue-count").inner_text().rstrip("+").replace(",", "")) == number
    context.close()
    assert errors == []
