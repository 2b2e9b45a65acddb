"""Work inside a department in a browser: the head assigns a signed-for issue from the 本部门
worklist, the handler finds it under 我的 and resolves it with a photo of the work — once with the
head at a desk and the handler on a phone, once the other way round."""

from __future__ import annotations

import re
import struct
import zlib

import pytest

from tests.browser.conftest import DESKTOP, PHONE, open_action, submit_expecting
from tests.browser.test_issue_loop_browser import version, wait_for_next_version
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser


def photo_png(width: int = 64, height: int = 48) -> bytes:
    """A real (tiny) PNG, so the browser can show it as a browser would a phone's photo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([40, 120, 200]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("head_view", "handler_view", "tag"), [(DESKTOP, PHONE, "a"), (PHONE, DESKTOP, "b")])
def test_the_head_assigns_and_the_handler_resolves_with_a_photo(
    browser, demo_server, artifacts, head_view, handler_view, tag
):
    errors: list[str] = []

    def page_for(username: str, viewport: dict[str, int]):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, demo_server, username)
        return context, page

    size = lambda view: "phone" if view == PHONE else "desktop"  # noqa: E731

    # Who "handler" is, by name, as the head will pick them.
    context, page = page_for("handler", handler_view)
    name = page.locator("a.nav-link:has(.sfw-avatar)").first.get_attribute("title")
    assert name
    context.close()

    # The head of 建设局 opens the department's worklist: 本部门, with who handles each issue.
    context, page = page_for("head", head_view)
    page.goto(f"{demo_server}/issues/work/?tab=doing")
    assert page.locator('[data-view="dept"][aria-current="page"]').count() == 1
    rows = page.locator("tr.work-row:has([data-assign-form])")
    assert rows.count() > 0
    row = None
    for n in range(rows.count()):
        candidate = rows.nth(n)
        chosen = candidate.locator("select[name=handler] option:checked").inner_text().strip()
        if chosen != name:
            row = candidate
            break
    assert row is not None, "every issue on the first page is already the handler's"
    issue_id = row.get_attribute("data-issue")
    row.scroll_into_view_if_needed()
    row.locator("select[name=handler]").select_option(label=name)
    with page.expect_response(re.compile(rf"/issues/work/{issue_id}/assign/")) as response:
        row.locator("button[type=submit]").click()
    assert response.value.status == 200, response.value.text()
    swapped = page.locator(f"#work-{issue_id}")
    swapped.locator("[data-row-message]").wait_for()
    assert f"已分派给 {name}" in swapped.inner_text()
    page.screenshot(path=artifacts / f"dept-{tag}-head-assigned-{size(head_view)}.png", full_page=False)
    context.close()

    # The handler finds it under 我的 and resolves it, with a photo of the work done.
    context, page = page_for("handler", handler_view)
    page.goto(f"{demo_server}/issues/work/?tab=doing")
    assert page.locator('[data-view="mine"][aria-current="page"]').count() == 1
    mine = page.locator(f"#work-{issue_id}")
    assert mine.count() == 1
    mine.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / f"dept-{tag}-handler-mine-{size(handler_view)}.png", full_page=False)
    mine.locator("a.issue-link").click()
    page.wait_for_url(re.compile(rf"/issues/{issue_id}/$"))
    assert page.locator("#issue-handler").inner_text().strip() == name
    before, status = version(page), page.locator("#issue-status").inner_text()
    form = open_action(page, "resolve")
    # Without a photo, the refusal is at the file field.
    form.locator('[name="resolution"]').fill("已更换破损井盖，并对周边路面进行了修补，现场已恢复通行。")
    refused = submit_expecting(
        page, form.locator("button[type=submit]"), re.compile(r"/act/resolve/"),
        shot=artifacts / f"dept-{tag}-resolve-unclickable.png",
    )  # fmt: skip
    assert refused.status == 400
    # The panel comes back with the reason at the file field (drawn on the page by the product's
    # one mechanism for refusals, which swaps a 400 into the panel).
    assert 'data-field-error="evidence"' in refused.text() and "佐证材料" in refused.text()
    page.locator('[data-field-error="evidence"]').wait_for()  # swapped in, so the next fill lands in it
    assert page.locator("#issue-status").inner_text() == status and version(page) == before
    form = page.locator('[data-action-form="resolve"]')
    form.locator('[name="resolution"]').fill("已更换破损井盖，并对周边路面进行了修补，现场已恢复通行。")
    form.locator('input[name="evidence"]').set_input_files(
        [{"name": "现场照片.png", "mimeType": "image/png", "buffer": photo_png()}]
    )
    form.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / f"dept-{tag}-resolve-form-{size(handler_view)}.png", full_page=False)
    done = submit_expecting(
        page, form.locator("button[type=submit]"), re.compile(r"/act/resolve/"),
        shot=artifacts / f"dept-{tag}-resolve-again-unclickable.png",
    )  # fmt: skip
    assert done.status == 200, done.text()
    wait_for_next_version(page, before)
    assert page.locator("#issue-status").inner_text().startswith("已办结")
    assert "现场照片.png" in page.locator("#attachments").inner_text()
    page.screenshot(path=artifacts / f"dept-{tag}-resolved-{size(handler_view)}.png", full_page=True)
    context.close()
    # The one refusal asked for on purpose (a resolve without a photo) is a 400 the browser logs.
    unexpected = [e for e in errors if "400" not in e]
    assert unexpected == [], errors
