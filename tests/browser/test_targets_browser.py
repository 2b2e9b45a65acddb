import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

PASSWORD = "sanfuwu2025"


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize(("viewport", "tag"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_dispatcher_finds_an_enterprise_by_grid(browser, demo_server, artifacts, viewport, tag):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    sign_in(page, demo_server, "dispatcher")
    page.screenshot(path=artifacts / f"home-dispatcher-{tag}.png", full_page=True)
    if viewport is PHONE:
        page.click(".navbar-toggler")
    page.get_by_role("link", name="联系对象").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#result-count").inner_text() == "269"
    assert page.locator('[data-kind="enterprise"] .badge').inner_text() == "269"
    page.screenshot(path=artifacts / f"targets-list-{tag}.png", full_page=True)

    page.select_option("#id_grid", label="头格社区第1网格")
    page.wait_for_function("() => location.search.includes('grid=')")
    page.wait_for_load_state("networkidle")
    count = int(page.locator("#result-count").inner_text())
    assert 0 < count < 269
    rows = page.locator("#results a.target-link:visible")
    assert rows.count() == min(count, 25)
    assert "头格社区第1网格" in page.locator("#results").inner_text()
    page.screenshot(path=artifacts / f"targets-grid-{tag}.png", full_page=True)

    name = rows.first.inner_text().split("\n")[0].strip()
    rows.first.click()
    page.wait_for_url(re.compile(r"/targets/\d+/$"))
    assert name.replace("重点", "").strip() in page.locator(".page-title").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{18}", page.locator("#credit-code").inner_text().strip())
    page.screenshot(path=artifacts / f"target-detail-{tag}.png", full_page=True)
    assert errors == []
    context.close()


def test_the_phone_layout_never_scrolls_sideways(browser, demo_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, demo_server, "visitor")
    for path in ["/", "/targets/", "/targets/new/"]:
        page.goto(demo_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], path
    context.close()


def test_english_can_be_chosen_and_chinese_is_the_default(browser, demo_server, artifacts):
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    page = context.new_page()
    page.goto(f"{demo_server}/login/")
    assert "工作人员登录" in page.content()  # an English browser still gets Chinese first
    page.click("button[value=en]")
    page.wait_for_load_state("networkidle")
    assert "Sign in" in page.content() or "Log in" in page.content()
    page.screenshot(path=artifacts / "login-english-desktop.png")
    context.close()


def test_a_leader_finds_a_handler_in_the_directory(browser, demo_server, artifacts):
    for viewport, tag in [(DESKTOP, "desktop"), (PHONE, "phone")]:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        sign_in(page, demo_server, "leader")
        page.goto(f"{demo_server}/people/?role=handler")
        assert int(page.locator("#people-count").inner_text()) >= 10
        assert "建设局" in page.content()
        page.screenshot(path=artifacts / f"people-{tag}.png", full_page=True)
        context.close()
