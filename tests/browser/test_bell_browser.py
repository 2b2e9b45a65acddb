"""The bell in a browser: a dispatch makes the handler's bell count go up, the notice leads to the
issue and is read on the way, at a desk and on a phone."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser


def bell_count(page: Any, bell: str) -> int:
    return int(page.locator(f"#{bell}").get_attribute("data-count") or 0)


def dispatch_one_to_jianshe(browser: Any, base: str) -> str:
    """As the dispatcher: hand the first waiting issue to 建设局; its number."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    sign_in(page, base, "dispatcher")
    page.goto(f"{base}/issues/triage/")
    row = page.locator("#triage-list .triage-item[data-status='registered']").first
    number = row.locator(".text-secondary.small").first.inner_text().split("·")[0].strip()
    form = row.locator("[data-triage-form]")
    form.locator("select[name=lead_department]").select_option(label="建设局")
    with page.expect_response(lambda r: "/dispatch/" in r.url) as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 200, answer.value.text()
    context.close()
    return number


@pytest.mark.parametrize(
    ("viewport", "tag", "bell"), [(DESKTOP, "desktop", "sfw-bell"), (PHONE, "phone", "sfw-bell-phone")]
)
def test_a_dispatch_rings_the_handlers_bell_and_the_notice_leads_to_the_issue(
    browser: Any, demo_server: str, artifacts: Path, viewport: dict[str, int], tag: str, bell: str
) -> None:
    shots = Path(os.environ.get("SANFUWU_SHOTS", artifacts))
    shots.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, demo_server, "head")
    before = bell_count(page, bell)

    number = dispatch_one_to_jianshe(browser, demo_server)

    page.reload()
    assert page.locator(f"#{bell}").is_visible()
    assert bell_count(page, bell) == before + 1
    assert page.locator(f"#{bell} .sfw-bell-count").inner_text() == str(before + 1)
    page.screenshot(path=shots / f"bell-{tag}.png")

    page.locator(f"#{bell}").click()
    page.wait_for_url(f"{demo_server}/inbox/")
    notice = page.locator("#notices .notice-link[data-unread]").first
    assert number in notice.inner_text() and "交办到本部门" in notice.inner_text()
    page.screenshot(path=shots / f"inbox-{tag}.png", full_page=tag == "desktop")
    notice.click()
    page.wait_for_url(f"{demo_server}/issues/*/")
    assert number in page.content()
    assert bell_count(page, bell) == before
    page.goto(f"{demo_server}/inbox/?show=read")
    assert number in page.locator("#notices").inner_text()
    page.goto(f"{demo_server}/inbox/settings/")
    page.screenshot(path=shots / f"inbox-settings-{tag}.png", full_page=tag == "desktop")
    context.close()
    assert errors == []
