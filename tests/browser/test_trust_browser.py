"""Trust, in a browser: hostile text typed into an issue runs nowhere it is shown; an account an
administrator made must change its password first; wrong passwords lock the login, and say so."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__xss=1</script>"
IMAGE = '<img src=x onerror="window.__xss=1">'


def _watch(page, errors: list[str]) -> None:
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))


def test_hostile_text_in_an_issue_runs_on_no_page(browser, demo_server, artifacts):
    errors: list[str] = []
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    _watch(page, errors)
    sign_in(page, demo_server, "visitor")
    page.goto(f"{demo_server}/issues/new/")
    page.fill("#id_title", "井盖破损" + IMAGE[:40])
    page.fill("#id_description", f"企业反映井盖破损。{SCRIPT}{IMAGE}")
    page.select_option("#id_category", label="道路交通")
    page.select_option("#id_target", index=1)
    page.fill("#id_raiser_name", "王" + IMAGE[:20])
    page.fill("#id_raiser_phone", "13812345678")
    page.click("#submit")
    page.wait_for_url(re.compile(r"/issues/\d+/$"))
    issue_url = page.url
    assert page.evaluate("window.__xss") is None
    assert SCRIPT in page.locator("body").inner_text(), "shown as the words typed"
    page.screenshot(path=artifacts / "trust-hostile-issue-phone.png", full_page=True)
    context.close()

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    _watch(page, errors)
    sign_in(page, demo_server, "dispatcher")
    for url in (
        issue_url,
        f"{demo_server}/issues/?q=window.__xss",
        f"{demo_server}/issues/triage/?q=井盖破损",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None, url
    page.screenshot(path=artifacts / "trust-hostile-list-desktop.png", full_page=True)
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e or "__xss" in e], errors


def test_a_new_account_changes_its_password_first_and_wrong_passwords_lock_it(
    browser, demo_server, artifacts
):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, demo_server, "admin")
    page.goto(f"{demo_server}/admin/people/person/add/")
    page.fill("#id_username", "xinren")
    page.fill("#id_name", "新入职调度员")
    page.select_option("#id_region", index=1)
    page.fill("#id_password1", "Initial-pass-2026")
    page.fill("#id_password2", "Initial-pass-2026")
    page.select_option("#id_role_grants-0-role", "dispatcher")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r"/admin/people/person/\d+/change/"))
    page.goto(f"{demo_server}/admin/audit/auditentry/?model=people.person")
    assert "新入职调度员" in page.locator("#result_list").inner_text()
    page.screenshot(path=artifacts / "trust-audit-desktop.png", full_page=True)
    with page.expect_download() as download:
        page.click("#export-audit")
    assert download.value.suggested_filename.startswith("审计记录-")
    context.close()

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{demo_server}/login/")
    page.fill("#id_username", "XinRen")  # any case
    page.fill("#id_password", "Initial-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{demo_server}/password/")
    assert page.locator("#must-change").is_visible()
    page.goto(f"{demo_server}/issues/")
    assert page.url == f"{demo_server}/password/", "nothing else before the password is changed"
    page.fill("#id_old_password", "Initial-pass-2026")
    page.fill("#id_new_password1", "xinren")
    page.fill("#id_new_password2", "xinren")
    page.click("#change-password")
    reasons = " ".join(page.locator(".invalid-feedback").all_inner_texts())
    assert "密码长度太短" in reasons and "太相似" in reasons, reasons
    page.screenshot(path=artifacts / "trust-password-change-phone.png", full_page=True)
    page.fill("#id_old_password", "Initial-pass-2026")
    page.fill("#id_new_password1", "Qiantang-river-2026")
    page.fill("#id_new_password2", "Qiantang-river-2026")
    page.click("#change-password")
    page.wait_for_url(f"{demo_server}/")
    assert "密码已修改" in page.content()
    context.close()

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    for _ in range(5):
        page.goto(f"{demo_server}/login/")
        page.fill("#id_username", "xinren")
        page.fill("#id_password", "guess-wrong")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    notice = page.locator(".alert-danger").inner_text()
    assert "该账号已临时锁定" in notice and "分钟后再试" in notice
    page.fill("#id_username", "xinren")
    page.fill("#id_password", "Qiantang-river-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "该账号已临时锁定" in page.locator(".alert-danger").inner_text(), "the right password waits too"
    page.screenshot(path=artifacts / "trust-lockout-phone.png", full_page=True)
    context.close()
