"""待梳理 in a browser, at a desk and on a phone: the dispatcher narrows the queue, sees the due date
a deadline gives (and why an impossible one cannot be), and dispatches two ticked rows at once."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser

DUE = re.compile(r"到期日：\d{4}年\d{1,2}月\d{1,2}日（周[一二三四五六日]）")


def rows(page: Any) -> list[str]:
    return page.locator("#triage-list .triage-item").evaluate_all("els => els.map(e => e.id)")


def wait_for_rows(page: Any, test: str) -> None:
    page.wait_for_function(
        f"() => {{ const r = [...document.querySelectorAll('#triage-list .triage-item')]; return {test}; }}"
    )


def shoot(page: Any, path: Path, near: str) -> None:
    """The whole page at a desk; on a phone the screen around `near`, where the eye is."""
    if page.viewport_size["width"] >= 768:
        page.screenshot(path=path, full_page=True)
        return
    # Instantly: Bootstrap scrolls smoothly, and a screenshot mid-scroll shows the wrong place.
    page.locator(near).first.evaluate("e => e.scrollIntoView({block: 'start', behavior: 'instant'})")
    page.evaluate("window.scrollBy({top: -16, behavior: 'instant'})")
    page.screenshot(path=path)


def open_more_filters(page: Any) -> None:
    toggle = page.locator('[data-bs-target="#triage-more"]')
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
        page.locator("#triage-more.show").wait_for()


def triage_as_dispatcher(page: Any, base: str, shots: Path, tag: str) -> None:
    page.goto(f"{base}/issues/triage/")
    total = int(page.locator("#issue-count").inner_text())
    assert total >= 3, total

    # Search by number: the list narrows to that issue alone, without reloading the page.
    first = rows(page)[0]
    number = page.locator(f"#{first} .text-secondary.small").first.inner_text().split("·")[0].strip()
    page.fill("#id_q", number)
    wait_for_rows(page, f"r.length === 1 && r[0].id === '{first}'")
    assert "筛选出" in page.locator("#triage-counts").inner_text()
    shoot(page, shots / f"triage-search-{tag}.png", "#triage-filter")
    page.fill("#id_q", "")
    wait_for_rows(page, f"r.length === Math.min({total}, 25)")

    # Filter by how long the issues waited: those that came in today.
    open_more_filters(page)
    page.select_option("#id_age", "today")
    page.wait_for_url(re.compile(r"age=today"))
    wait_for_rows(page, "r.length > 0 && r.every(e => e.querySelector('[data-waited=\"0\"]'))")
    today = rows(page)
    assert len(today) >= 2, today

    # The deadline in working days: an impossible one says why at the field, a good one its due date.
    row = page.locator(f"#{today[0]}")
    row.locator('select[name="tier"]').select_option("immediate")
    row.locator('input[name="workdays"]').fill("9")
    row.locator('[data-field-error="workdays"]').wait_for()
    assert "办理时限应为 1 至 5 个工作日。" in row.locator('[data-field-error="workdays"]').inner_text()
    row.locator('input[name="workdays"]').fill("3")
    row.locator("[data-due]").wait_for()
    assert DUE.search(row.locator("[id^=due-]").inner_text()), row.locator("[id^=due-]").inner_text()
    shoot(page, shots / f"triage-due-{tag}.png", f"#{today[0]}")

    # Tick two rows and dispatch them together, with a co-department.
    picked = today[:2]
    before = int(page.locator('#triage-counts [data-count="total"]').inner_text())
    for row_id in picked:
        page.locator(f"#{row_id} .triage-pick").check()
    assert page.locator("#picked-count").inner_text() == "2"
    batch = page.locator("#triage-batch")
    batch.wait_for(state="visible")
    batch.locator('select[name="lead_department"]').select_option(label="建设局")
    batch.locator(".sfw-co [data-bs-toggle]").click()
    batch.locator('.sfw-co-menu input[data-name="城市管理局"]').check()
    batch.locator(".sfw-co [data-bs-toggle]").click()
    batch.locator('select[name="tier"]').select_option("deadline")
    batch.locator('input[name="workdays"]').fill("5")
    batch.locator("[data-due]").wait_for()
    shoot(page, shots / f"triage-batch-form-{tag}.png", "#triage-card")
    with page.expect_response(re.compile(r"/triage/batch/")) as answer:
        batch.locator("#batch-submit").click()
    assert answer.value.status == 200, answer.value.text()
    page.locator("#batch-result").wait_for()
    outcomes = page.locator("#batch-result [data-outcome]").evaluate_all(
        "els => els.map(e => e.dataset.outcome)"
    )
    assert outcomes == ["ok", "ok"], outcomes
    wait_for_rows(page, f"r.every(e => !{picked!r}.includes(e.id))")
    page.wait_for_function(
        f"() => document.querySelector('#triage-counts [data-count=\"total\"]').textContent.trim() === '{before - 2}'"
    )
    assert page.locator("#picked-count").inner_text() == "0"
    shoot(page, shots / f"triage-batch-done-{tag}.png", "#batch-result")


@pytest.mark.parametrize(("viewport", "tag"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_dispatcher_filters_previews_a_due_date_and_dispatches_two_rows_at_once(
    browser: Any, demo_server: str, artifacts: Path, viewport: dict[str, int], tag: str
) -> None:
    shots = Path(os.environ.get("SANFUWU_SHOTS", artifacts))
    shots.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, demo_server, "dispatcher")
    triage_as_dispatcher(page, demo_server, shots, tag)
    context.close()
    assert errors == []
