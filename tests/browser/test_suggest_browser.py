"""Suggestions where issues are written down and sorted: a grid worker's visit notes split into
problems with their categories, a suggested category taken with one click, and the dispatcher's
queue offering the likeliest lead department."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser

NOTES = (
    "3月5日走访华信电子有限公司。企业反映了两个问题：一是厂区门口公交站太远，员工通勤不便；"
    "二是出口退税到账慢。现场答复将梳理上报。"
)


def test_a_grid_worker_splits_visit_notes_and_takes_a_suggested_category(browser, demo_server, artifacts):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, demo_server, "visitor")
    page.goto(f"{demo_server}/visits/new/")
    page.evaluate("localStorage.clear()")
    page.fill("[name=notes]", NOTES)
    page.click("#split-notes")
    rows = page.locator("[data-split-row]")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("[data-split-text]")).to_have_value("厂区门口公交站太远，员工通勤不便")
    expect(rows.nth(1).locator("[data-split-category] option:checked")).to_have_text("税费政策")
    page.locator("[data-split]").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "visit-split-phone.png", full_page=True)
    page.click("[data-split-add]")
    problems = page.locator("#problems .problem")
    expect(problems).to_have_count(2)
    expect(problems.nth(1).locator("textarea[name$=description]")).to_have_value("出口退税到账慢")
    expect(problems.nth(1).locator("select[name$=category] option:checked")).to_have_text("税费政策")

    # A problem typed by hand: the suggestions follow the words, one click takes the first.
    page.click("#add-problem")
    third = problems.nth(2)
    third.locator("textarea[name$=description]").fill("小区3号楼电梯这周又困人了，维保公司电话打不通")
    chip = third.locator("[data-suggest-category]").first
    expect(chip).to_contain_text("电梯安全")
    chip.click()
    expect(third.locator("select[name$=category] option:checked")).to_have_text("电梯安全")
    third.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "visit-suggest-phone.png", full_page=True)
    assert errors == []
    context.close()


@pytest.mark.parametrize(("viewport", "tag"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_dispatcher_takes_a_suggested_lead_department(browser, demo_server, artifacts, viewport, tag):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, demo_server, "dispatcher")
    page.goto(f"{demo_server}/issues/triage/")
    advice = page.locator("[data-advice]").first
    expect(advice).to_be_visible()
    pick = advice.locator("[data-suggest-lead]").last
    wanted = pick.get_attribute("data-suggest-lead")
    select = page.locator(f"#{pick.get_attribute('data-for')}")
    pick.click()
    expect(select).to_have_value(wanted or "")
    page.screenshot(path=artifacts / f"triage-advice-{tag}.png", full_page=False)
    assert errors == []
    context.close()
