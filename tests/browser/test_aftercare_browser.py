"""办结后续 in a browser, as the dispatcher works it at a desk and on a phone: two resolved issues
answered from a template (previewed and one answer edited), each visited back inline, and both
struck off in one batch."""

import re
from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/aftercare/shots")


def waiting(page, tab: str) -> int:
    return int(re.sub(r"\D", "", page.locator(f'[data-count="{tab}"]').inner_text()))


@pytest.mark.parametrize(("viewport", "tag"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_dispatcher_answers_visits_and_closes_from_the_queue(browser, demo_server, viewport, tag):
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, demo_server, "dispatcher")
    page.goto(f"{demo_server}/issues/aftercare/?tab=answer")
    to_answer, to_close = waiting(page, "answer"), waiting(page, "close")
    in_menu = int(page.locator("#nav-count-issues-aftercare").text_content())
    page.screenshot(path=SHOTS / f"aftercare-answer-{tag}.png")

    # Two rows nothing will stop from closing: no open checklist item, not solved on the spot.
    ids = page.locator(".aftercare-row:not(:has([data-open-items])):not(:has(.aftercare-spot))").evaluate_all(
        "rows => rows.slice(0, 2).map(r => r.dataset.issue)"
    )
    assert len(ids) == 2, "the demo has resolved issues waiting for their answer"
    numbers = [page.locator(f"#aftercare-row-{pk} .font-monospace").first.inner_text() for pk in ids]
    for pk in ids:
        page.check(f'input[name="issue"][value="{pk}"]')
    page.select_option("#id_template", label="现场核实处理")
    assert "现场核实" in page.input_value("#id_text")
    with page.expect_response(re.compile(r"/aftercare/preview/")) as preview:
        page.click("#answer-preview")
    assert preview.value.status == 200, preview.value.text()
    page.locator("#answer-previews").wait_for()
    first = page.locator(f'textarea[name="answer_{ids[0]}"]')
    assert "{" not in first.input_value() and "现场核实" in first.input_value()
    first.fill(first.input_value() + "已电话联系企业负责人。")
    page.locator("#answer-panel").screenshot(path=SHOTS / f"aftercare-preview-{tag}.png")
    with page.expect_response(re.compile(r"/aftercare/answer/")) as answer:
        page.click("#answer-send")
    assert answer.value.status == 200, answer.value.text()
    page.locator("#aftercare-outcomes").wait_for()
    assert page.locator('#aftercare-outcomes [data-done="1"]').count() == 2
    assert waiting(page, "answer") == to_answer - 2
    page.screenshot(path=SHOTS / f"aftercare-answered-{tag}.png")

    # The return visit, one row at a time.
    for pk, number, rating in zip(ids, numbers, ["satisfied", "basic"], strict=True):
        page.goto(f"{demo_server}/issues/aftercare/?tab=visit&q={number}")
        row = page.locator(f"#aftercare-row-{pk}")
        row.locator(f'input[name="rating"][value="{rating}"]').check()
        row.locator('input[name="note"]').fill("企业负责人对处理结果表示认可")
        if rating == "basic":
            page.screenshot(path=SHOTS / f"aftercare-visit-{tag}.png", full_page=True)
        with page.expect_response(re.compile(r"/aftercare/\d+/rate/")) as rate:
            row.locator("button[type=submit]").click()
        assert rate.value.status == 200, rate.value.text()
        page.locator(f"#aftercare-row-{pk} [data-row-result]").wait_for()
        assert "转入待销号" in page.locator(f"#aftercare-row-{pk} [data-row-result]").inner_text()
    assert waiting(page, "close") == to_close + 2  # counted again after each visit

    # Both struck off in one batch.
    page.goto(f"{demo_server}/issues/aftercare/?tab=close&q={'+'.join(numbers)}")
    for pk in ids:
        page.check(f'input[name="issue"][value="{pk}"]')
    with page.expect_response(re.compile(r"/aftercare/close/")) as close:
        page.click("#close-selected")
    assert close.value.status == 200, close.value.text()
    page.locator("#aftercare-outcomes").wait_for()
    assert page.locator('#aftercare-outcomes [data-done="1"]').count() == 2
    assert waiting(page, "close") == to_close
    assert int(page.locator("#nav-count-issues-aftercare").text_content()) == in_menu - 2  # the menu too
    page.screenshot(path=SHOTS / f"aftercare-closed-{tag}.png", full_page=True)
    page.goto(f"{demo_server}/issues/{ids[0]}/")
    assert page.locator("#issue-status").inner_text().startswith("已销号")

    # An 已经办 case whose raiser was told on the spot: answered, visited and closed in one step.
    page.goto(f"{demo_server}/issues/aftercare/?tab=answer")
    spot = page.locator(".aftercare-row:has(details.aftercare-spot)").first
    spot.locator("summary").click()
    spot.locator('input[name="rating"][value="satisfied"]').check()
    spot.screenshot(path=SHOTS / f"aftercare-spot-{tag}.png")
    pk = spot.get_attribute("data-issue")
    with page.expect_response(re.compile(r"/aftercare/\d+/spot/")) as one_step:
        spot.locator("button[type=submit]").click()
    assert one_step.value.status == 200, one_step.value.text()
    assert "并销号" in page.locator(f"#aftercare-row-{pk} [data-row-result]").inner_text()
    context.close()
    assert errors == []


def test_a_grid_worker_closes_a_case_told_on_the_spot_as_they_register_it(browser, demo_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    sign_in(page, demo_server, "visitor")
    page.goto(f"{demo_server}/issues/new/")
    page.fill("#id_title", "厂区门口路灯不亮")
    page.fill("#id_description", "企业负责人反映：厂区门口路灯不亮，夜间下班员工出行不便。")
    page.select_option("#id_category", label="道路交通")
    page.select_option("#id_tier", label="已经办")
    page.select_option("#id_target", index=1)
    page.fill("#id_resolution", "网格员当场联系路灯所抢修，已恢复照明。")
    page.check("#id_told_on_spot")
    page.check('input[name="spot_rating"][value="satisfied"]')
    page.screenshot(path=SHOTS / "register-told-on-spot-phone.png", full_page=True)
    page.click("#submit")
    page.wait_for_url(re.compile(r"/issues/\d+/$"))
    assert page.locator("#issue-status").inner_text().startswith("已销号")
    steps = page.locator("#timeline [data-action]").evaluate_all("els => els.map(e => e.dataset.action)")
    assert steps == ["register", "feedback", "rate", "close"]
    page.screenshot(path=SHOTS / "register-told-on-spot-closed-phone.png", full_page=True)
    context.close()
