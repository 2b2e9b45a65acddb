"""接口令牌 in a browser: a dispatcher makes a token, copies it once, calls the API with it, and
revokes it; the API docs open from the product's own files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("viewport", "tag"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_dispatcher_makes_uses_and_revokes_a_token(
    browser: Any, demo_server: str, artifacts: Path, viewport: dict[str, int], tag: str
) -> None:
    errors: list[str] = []
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, demo_server, "dispatcher")
    page.goto(f"{demo_server}/tokens/")
    page.fill("#id_name", f"12345 热线平台对接（{tag}）")
    page.select_option("#id_scope", "read")
    page.click("#token-create")
    raw = page.locator("#token-raw").input_value()
    assert raw.startswith("sfw_")
    page.screenshot(path=artifacts / f"tokens-made-{tag}.png", full_page=True)
    answer = context.request.get(
        f"{demo_server}/api/issues?limit=2", headers={"Authorization": f"Bearer {raw}"}
    )
    assert answer.status == 200 and len(answer.json()["items"]) == 2
    page.reload()
    assert raw not in page.content()
    page.locator(f'[data-token="{raw[:12]}"] button').click()
    assert "已撤销" in page.locator(f'[data-token="{raw[:12]}"]').inner_text()
    page.screenshot(path=artifacts / f"tokens-revoked-{tag}.png", full_page=True)
    refused = context.request.get(f"{demo_server}/api/issues", headers={"Authorization": f"Bearer {raw}"})
    assert refused.status == 401
    page.goto(f"{demo_server}/api/docs")
    page.locator(".swagger-ui .information-container").wait_for()
    page.screenshot(path=artifacts / f"api-docs-{tag}.png")
    context.close()
    assert errors == []
