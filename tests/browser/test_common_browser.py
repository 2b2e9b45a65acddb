"""The leader reads the district's common problems on its map, raises one to 专题协调 and follows
it through the meeting, a department's task and the close-out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("viewport", "tag"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_leader_raises_a_common_problem_and_closes_it_out(browser, demo_server, artifacts, viewport, tag):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # The refused decision below is a page answered 400 on purpose; the browser logs it as a failed load.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text) if msg.type == "error" and "status of 400" not in msg.text else None
        ),
    )
    sign_in(page, demo_server, "leader")
    page.goto(f"{demo_server}/common/")
    expect(page.locator(".common-problem").first).to_be_visible()
    expect(page.locator("#common-map canvas")).to_have_count(1)
    page.screenshot(path=artifacts / f"common-{tag}.png", full_page=False)

    # One not yet raised: its map and list, then raised to 专题协调.
    problem = page.locator(".common-problem:has([data-raise])").nth(1 if tag == "phone" else 0)
    key = problem.get_attribute("data-problem") or ""
    problem.get_by_role("link", name="地图与问题清单").click()
    expect(page.locator("#members tbody tr").first).to_be_visible()
    expect(page.locator(f'.common-problem[data-problem="{key}"]')).to_have_class(re.compile("border-primary"))
    page.locator(f'.common-problem[data-problem="{key}"]').scroll_into_view_if_needed()
    page.screenshot(path=artifacts / f"common-chosen-{tag}.png", full_page=False)
    chosen = page.locator(f'.common-problem[data-problem="{key}"]')
    chosen.locator("input[name=title]").fill(f"专题协调（{tag}）")
    chosen.get_by_role("button", name="提请专题协调").click()
    expect(page.locator("#coordination-status")).to_have_text("待协调")

    # The meeting refused without its decision, then recorded.
    page.fill("#meeting_date", "")
    page.click("#decide-form button[type=submit]")
    expect(page.locator('[data-field-error="decision"]')).to_be_visible()
    page.fill("#meeting_date", page.evaluate("new Date(Date.now() - 864e5).toISOString().slice(0, 10)"))
    page.fill("#decision-text", "主办部门牵头两周内拿出整改方案。")
    page.click("#decide-form button[type=submit]")
    expect(page.locator("#coordination-status")).to_have_text("推进中")
    page.select_option("#task-department", index=1)
    page.fill("#task-text", "摸排并整改")
    page.fill("#task-workdays", "5")
    page.click("#task-form button[type=submit]")
    expect(page.locator("[data-task]")).to_have_count(1)
    expect(page.locator("#close-form button[type=submit]")).to_be_disabled()
    page.fill("[data-task-done] input[name=note]", "已整改完毕")
    page.click("[data-task-done] button[type=submit]")
    page.fill("#summary", "任务已全部完成。")
    page.click("#close-form button[type=submit]")
    expect(page.locator("#coordination-status")).to_have_text("已办结")
    page.screenshot(path=artifacts / f"coordination-closed-{tag}.png", full_page=True)
    assert errors == []
    context.close()


def test_the_dashboard_draws_the_district(browser, demo_server, artifacts):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    sign_in(page, demo_server, "leader")
    page.goto(f"{demo_server}/race/dashboard/")
    expect(page.locator("#map-grids canvas")).to_have_count(1)
    expect(page.locator("#map-firms canvas")).to_have_count(1)
    expect(page.locator("#dashboard-coordinations")).to_be_visible()
    page.locator("#map-grids").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "dashboard-maps-desktop.png", full_page=False)
    context.close()
