"""服务企业 in a browser: the demo enterprise's contact signs in on a phone, sees its own issues and
visits and the policies explained to it, and raises a new problem that reaches the dispatcher."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_targets_browser import PASSWORD, sign_in

pytestmark = pytest.mark.browser


def enterprise_sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", "qiye")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/company/")


def test_an_enterprise_sees_its_own_and_raises_a_problem(
    browser: Any, demo_server: str, artifacts: Path
) -> None:
    errors: list[str] = []
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    enterprise_sign_in(page, demo_server)
    assert page.locator("#company-issues [data-issue]").count() > 0
    assert page.locator("#company-visits [data-visit]").count() > 0
    page.screenshot(path=artifacts / "company-home-phone.png", full_page=True)
    page.locator("#company-issues [data-issue]").first.click()
    page.wait_for_url(re.compile(r"/company/issues/\d+/$"))
    assert page.locator("#progress-words").inner_text()
    page.screenshot(path=artifacts / "company-issue-phone.png", full_page=True)

    assert context.request.get(f"{demo_server}/issues/").status == 404, "nothing of the office's"

    page.goto(f"{demo_server}/company/raise/")
    page.select_option("#id_category", label="道路交通")
    page.fill(
        "#id_description",
        "企业测试：厂区北门外的人行道被施工围挡占用，员工上下班只能走机动车道，存在安全隐患。",
    )
    page.screenshot(path=artifacts / "company-raise-phone.png", full_page=True)
    page.click("#submit")
    page.wait_for_url(re.compile(r"/company/issues/\d+/$"))
    number = page.locator(".card-actions").first.inner_text().strip()
    assert "已受理" in page.locator("#progress-words").inner_text()
    context.close()

    staff = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    desk = staff.new_page()
    sign_in(desk, demo_server, "dispatcher")
    desk.goto(f"{demo_server}/issues/?q={number}")
    assert number in desk.content() and "人行道被施工围挡占用" in desk.content()
    desk.goto(f"{demo_server}/targets/")
    staff.close()

    wide = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = wide.new_page()
    enterprise_sign_in(page, demo_server)
    page.screenshot(path=artifacts / "company-home-desktop.png", full_page=True)
    wide.close()
    assert errors == []
