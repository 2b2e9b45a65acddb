"""The whole closed loop in a browser, as the people who do it: a grid worker on a phone
registers, the dispatcher dispatches, the handler accepts and resolves, the dispatcher answers,
records the return visit and strikes it off."""

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE, open_action, submit_expecting
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser


def version(page) -> int:
    return int(page.locator("[data-version]").first.get_attribute("data-version"))


def wait_for_next_version(page, before: int) -> None:
    # htmx swaps the panel after the response: wait for the new state, not just the response.
    page.wait_for_function(
        f"() => Number(document.querySelector('[data-version]').dataset.version) > {before}"
    )


def act(
    page, action: str, fill: dict[str, str] | None = None, select: dict[str, str] | None = None,
    files: dict[str, list[dict[str, object]]] | None = None,
) -> None:  # fmt: skip
    before = version(page)
    form = open_action(page, action)
    for name, value in (fill or {}).items():
        form.locator(f'[name="{name}"]').fill(value)
    for name, uploads in (files or {}).items():
        form.locator(f'input[name="{name}"]').set_input_files(uploads)
    for name, label in (select or {}).items():
        form.locator(f'select[name="{name}"]').select_option(label=label)
    response = submit_expecting(page, form.locator("button[type=submit]"), re.compile(rf"/act/{action}/"))
    assert response.status == 200, response.text()
    wait_for_next_version(page, before)


def test_the_closed_loop_as_its_people(browser, demo_server, artifacts):
    errors: list[str] = []

    def page_for(username: str, viewport: dict[str, int]):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, demo_server, username)
        return context, page

    # A grid worker, on a phone in the enterprise's yard.
    context, page = page_for("visitor", PHONE)
    page.goto(f"{demo_server}/issues/new/")
    page.fill("#id_title", "厂区门口雨水井盖破损")
    page.fill(
        "#id_description", "企业负责人反映：厂区门口雨水井盖破损下陷，货车进出有安全隐患，希望尽快更换。"
    )
    page.select_option("#id_category", label="道路交通")
    page.select_option("#id_target", index=1)
    page.fill("#id_raiser_name", "王经理")
    page.fill("#id_raiser_phone", "13812345678")
    page.screenshot(path=artifacts / "issue-register-phone.png", full_page=True)
    page.click("#submit")
    page.wait_for_url(re.compile(r"/issues/\d+/$"))
    issue_url = page.url
    number = page.locator(".page-pretitle").inner_text().split("·")[0].strip()
    assert number.startswith("WT-")
    context.close()

    # The dispatcher finds it in the triage queue and dispatches it.
    context, page = page_for("dispatcher", DESKTOP)
    page.goto(f"{demo_server}/issues/triage/")
    waiting = int(page.locator("#issue-count").inner_text())
    page.goto(f"{demo_server}/issues/triage/?page={(waiting + 24) // 25}")  # oldest first: the newest is last
    assert "厂区门口雨水井盖破损" in page.content()
    page.screenshot(path=artifacts / "triage-desktop.png", full_page=True)
    page.goto(issue_url)
    act(
        page,
        "dispatch",
        fill={"workdays": "5", "note": "请尽快更换井盖。"},
        select={"lead_department": "建设局", "tier": "限期办"},
    )
    assert page.locator("#issue-status").inner_text().startswith("已交办")
    context.close()

    # The handler accepts and resolves.
    context, page = page_for("handler", DESKTOP)
    page.goto(f"{demo_server}/issues/work/?tab=pending")
    assert "厂区门口雨水井盖破损" in page.content()
    page.goto(issue_url)
    act(page, "accept")
    photo: dict[str, object] = {
        "name": "现场.png",
        "mimeType": "image/png",
        "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    }
    act(page, "resolve", fill={"resolution": "已更换为球墨铸铁防沉降井盖，并对周边路面进行了修补。"},
        files={"evidence": [photo]})  # fmt: skip
    context.close()

    # The dispatcher answers, records the return visit and strikes it off.
    context, page = page_for("dispatcher", DESKTOP)
    page.goto(issue_url)
    act(page, "feedback")  # the suggested answer from the response template
    before = version(page)
    rate = open_action(page, "rate")
    rate.locator('input[value="satisfied"]').check()
    submit_expecting(page, rate.locator("button[type=submit]"), re.compile(r"/act/rate/"))
    wait_for_next_version(page, before)
    act(page, "close")
    assert page.locator("#issue-status").inner_text().startswith("已销号")
    steps = page.locator("#timeline [data-action]").evaluate_all("els => els.map(e => e.dataset.action)")
    assert steps == ["register", "dispatch", "accept", "resolve", "feedback", "rate", "close"]
    page.screenshot(path=artifacts / "issue-closed-desktop.png", full_page=True)
    context.close()

    context, page = page_for("dispatcher", PHONE)
    page.goto(issue_url)
    page.screenshot(path=artifacts / "issue-closed-phone.png", full_page=True)
    context.close()
    assert errors == []
