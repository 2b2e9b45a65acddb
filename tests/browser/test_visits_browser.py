"""A grid worker records a visit on a phone: a target of their pairing, two problems and a photo.
The problems reach the dispatcher's triage queue linked to the visit, and the visit counts in
coverage. Leaders see the campaign and the blind spots."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser


def tiny_png(path: Path) -> Path:
    """A real 8×8 PNG, so the visit page can show it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\x2a\x7a\xd0" * 8 for _ in range(8))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
    path.write_bytes(png + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def test_a_grid_worker_records_a_visit_on_a_phone(browser, demo_server, artifacts, tmp_path):
    errors: list[str] = []

    def page_for(username: str, viewport: dict[str, int]):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, demo_server, username)
        return context, page

    context, page = page_for("visitor", PHONE)
    page.goto(f"{demo_server}/visits/coverage/")
    before = page.inner_text("#coverage-counts")
    visits_before = int(page.inner_text("#fig-visits"))
    pending_before = page.locator("#pending .pending-target").all_inner_texts()
    page.screenshot(path=artifacts / "visits-coverage-visitor-phone.png", full_page=True)
    # One of the worker's own pairings, still to visit this month if there is one.
    page.goto(f"{demo_server}/visits/pairings/")
    rows = page.locator(".pairing-row")
    names = rows.locator("td:first-child").all_inner_texts()
    pick = next((i for i, name in enumerate(names) if name in pending_before), 0)
    target_name = names[pick]
    rows.nth(pick).locator("a.btn").click()
    page.wait_for_url(re.compile(r"/visits/new/\?target="))
    assert page.locator("#target-chosen input:checked").count() == 1
    assert target_name in page.inner_text("#target-chosen")

    page.fill("#id_notes", "与企业负责人座谈，了解生产经营和用工情况，企业反映两个问题。")
    page.fill("#id_met", "总经理 王某")
    # The network drops before sending: what was typed is still there when the page comes back.
    page.reload()
    page.locator("#draft-restored").wait_for(state="visible")
    assert "企业反映两个问题" in page.input_value("#id_notes")
    assert target_name in page.inner_text("#target-chosen")

    page.click("#add-problem")
    page.fill("#id_problems-0-description", "企业门前道路破损严重，货车进出困难，希望尽快修复。")
    page.select_option("#id_problems-0-category", label="道路交通")
    page.click("#add-problem")
    page.fill("#id_problems-1-description", "企业新招员工较多，希望协调附近公租房或人才公寓。")
    page.select_option("#id_problems-1-category", label="人才服务")
    page.set_input_files("#id_photos", tiny_png(tmp_path / "现场.png"))
    page.screenshot(path=artifacts / "visits-form-phone.png", full_page=True)
    page.click("#submit")
    page.wait_for_url(re.compile(r"/visits/\d+/\?recorded=1"))
    visit_url = page.url.split("?")[0]
    assert page.locator("#visit-issues .list-group-item").count() == 2
    # The photo loads lazily: bring it into view and wait for it to be decoded.
    page.locator("img.visit-photo").scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('img.visit-photo').complete")
    assert page.locator("img.visit-photo").evaluate("img => img.naturalWidth") == 8
    page.screenshot(path=artifacts / "visits-detail-phone.png", full_page=True)
    # The draft is gone once the visit is recorded.
    page.goto(f"{demo_server}/visits/new/")
    assert page.input_value("#id_notes") == ""

    page.goto(f"{demo_server}/visits/coverage/")
    after = page.inner_text("#coverage-counts")
    met_before, counted_before = (int(n) for n in before.split(" / "))
    met_after, counted_after = (int(n) for n in after.split(" / "))
    was_pending = target_name in pending_before
    assert (met_after, counted_after) == (met_before + was_pending, counted_before + was_pending)
    assert int(page.inner_text("#fig-visits")) == visits_before + 1
    assert target_name not in page.inner_text("#pending")
    assert target_name not in page.inner_text("#blind-spots")
    context.close()

    # The street's dispatcher finds both problems in the triage queue, linked to the visit.
    context, page = page_for("dispatcher_xiasha", DESKTOP)
    page.goto(f"{demo_server}/issues/triage/")
    assert "企业门前道路破损严重" in page.content() and "希望协调附近公租房" in page.content()
    links = page.locator(f'a.triage-visit[href="{visit_url.removeprefix(demo_server)}"]')
    assert links.count() == 2
    page.screenshot(path=artifacts / "visits-triage-desktop.png", full_page=False)
    context.close()
    assert errors == []


@pytest.mark.parametrize(("viewport", "tag"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_leader_sees_the_campaign_and_the_blind_spots(browser, demo_server, artifacts, viewport, tag):
    errors: list[str] = []
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, demo_server, "leader")
    page.goto(f"{demo_server}/visits/campaigns/")
    page.click(".campaign-link")
    assert page.locator(".campaign-group").count() == 10
    visited, assigned = (int(n) for n in page.inner_text("#campaign-visited").split(" / "))
    assert assigned == 160 and 0 < visited <= 160
    page.screenshot(path=artifacts / f"visits-campaign-{tag}.png", full_page=True)
    page.goto(f"{demo_server}/visits/coverage/")
    last_month = page.evaluate(
        "() => { const d = new Date(); d.setDate(0); return d.toISOString().slice(0, 7); }"
    )
    page.fill("#month", last_month)
    page.select_option("#id_region", label="白杨街道")
    page.click("#coverage-filter button[type=submit]")
    page.wait_for_url(re.compile(r"region="))
    assert page.locator("#rollup tbody tr").count() >= 1
    page.screenshot(path=artifacts / f"visits-blind-spots-{tag}.png", full_page=True)
    context.close()
    assert errors == []
