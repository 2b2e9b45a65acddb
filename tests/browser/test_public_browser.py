"""网上诉求 in a browser, on a phone: a resident raises a problem without an account, follows it with
the code, reads the answer and rates it 不满意 — the department gets it back — and 满意 after the
second answer; staff work it in between as they always do."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_issue_loop_browser import act
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser

WORDS = "网上诉求测试：白杨街道新围村村口的路灯一到晚上就闪烁，已经半个月了，希望尽快修好。"


def raise_on_phone(page: Any, base: str, shots: Path) -> str:
    page.goto(f"{base}/public/")
    page.select_option("#id_category", label="道路交通")
    page.fill("#id_description", WORDS)
    page.fill("#id_address", "白杨街道新围村村口")
    page.fill("#id_raiser_name", "陈先生")
    page.fill("#id_raiser_phone", "13700001234")
    question = page.locator("#check-question").inner_text()
    a, b = (int(n) for n in re.findall(r"\d+", question))
    page.fill("#id_answer", str(a + b))
    page.screenshot(path=shots / "public-raise-phone.png", full_page=True)
    page.wait_for_timeout(3200)  # a person takes longer than this to fill the form in
    page.click("#submit")
    page.wait_for_url(re.compile(r"/public/t/[A-Z0-9]+/\?new=1$"))
    code = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", code)
    assert "已受理" in page.locator("#progress-words").inner_text()
    page.screenshot(path=shots / "public-raised-phone.png", full_page=True)
    return code


def follow(page: Any, base: str, code: str) -> None:
    page.goto(f"{base}/public/track/")
    page.fill("#id_code", code.lower())
    page.click("#track-submit")
    page.wait_for_url(re.compile(r"/public/t/[A-Z0-9]+/$"))


def staff_page(browser: Any, base: str, username: str, errors: list[str]) -> tuple[Any, Any]:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, username)
    return context, page


def rate(page: Any, rating: str, note: str = "") -> None:
    form = page.locator("#rate-form")
    form.locator(f'input[value="{rating}"]').check()
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.locator("#rate-submit").click()
    page.wait_for_url(re.compile(r"\?rated=1$"))


def test_a_resident_raises_follows_and_rates_on_a_phone(
    browser: Any, demo_server: str, artifacts: Path
) -> None:
    errors: list[str] = []
    resident_context = browser.new_context(viewport=PHONE, locale="zh-CN")
    resident = resident_context.new_page()
    resident.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    resident.on("pageerror", lambda exc: errors.append(str(exc)))
    code = raise_on_phone(resident, demo_server, artifacts)

    # The dispatcher finds it at the end of the triage queue (oldest first) and hands it over.
    context, page = staff_page(browser, demo_server, "dispatcher", errors)
    page.goto(f"{demo_server}/issues/triage/")
    waiting = int(page.locator("#issue-count").inner_text())
    page.goto(f"{demo_server}/issues/triage/?page={(waiting + 24) // 25}")
    item = page.locator(".triage-item", has_text="新围村村口的路灯").first
    issue_url = demo_server + item.locator("a.issue-link").get_attribute("href")
    page.goto(issue_url)
    assert "网上诉求" in page.content()
    act(page, "dispatch", fill={"workdays": "5"}, select={"lead_department": "建设局", "tier": "限期办"})
    context.close()

    follow(resident, demo_server, code)
    assert "已交由建设局办理" in resident.locator("#progress-words").inner_text()

    def handle_and_answer(resolution: str) -> None:
        context, page = staff_page(browser, demo_server, "handler", errors)
        page.goto(issue_url)
        if page.locator('[data-action-button="accept"]').count():
            act(page, "accept")
        photo: dict[str, object] = {
            "name": "现场.png",
            "mimeType": "image/png",
            "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        }
        act(page, "resolve", fill={"resolution": resolution}, files={"evidence": [photo]})
        context.close()
        context, page = staff_page(browser, demo_server, "dispatcher", errors)
        page.goto(issue_url)
        act(page, "feedback")
        context.close()

    handle_and_answer("已更换新围村村口路灯的镇流器。")
    resident.reload()
    assert "已答复，请您评价办理结果" in resident.locator("#progress-words").inner_text()
    assert resident.locator("#answer").is_visible()
    resident.screenshot(path=artifacts / "public-answer-phone.png", full_page=True)
    rate(resident, "unsatisfied", "晚上还是在闪，没有修好。")
    assert "重新办理" in resident.locator("#progress-words").inner_text()
    resident.screenshot(path=artifacts / "public-reopened-phone.png", full_page=True)

    context, page = staff_page(browser, demo_server, "handler", errors)
    page.goto(issue_url)
    assert page.locator("#issue-status").inner_text().startswith("办理中")
    context.close()

    handle_and_answer("已整体更换路灯灯具和线路，连续三晚巡查照明正常。")
    resident.reload()
    rate(resident, "satisfied")
    assert "感谢您的评价" in resident.locator("#progress-words").inner_text()
    resident.screenshot(path=artifacts / "public-rated-phone.png", full_page=True)
    page_text = resident.content()
    assert "陈先生" not in page_text and "13700001234" not in page_text

    context, page = staff_page(browser, demo_server, "dispatcher", errors)
    page.goto(issue_url)
    steps = page.locator("#timeline [data-action]").evaluate_all("els => els.map(e => e.dataset.action)")
    assert steps.count("rate") == 2 and steps[0] == "register"
    page.goto(f"{demo_server}/public/refusals/")
    page.screenshot(path=artifacts / "public-refusals-desktop.png", full_page=True)
    context.close()

    resident_context.close()
    desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    desktop.goto(f"{demo_server}/public/")
    desktop.screenshot(path=artifacts / "public-raise-desktop.png", full_page=True)
    desktop.goto(f"{demo_server}/public/track/")
    desktop.screenshot(path=artifacts / "public-track-desktop.png")
    assert errors == []
