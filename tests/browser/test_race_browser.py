"""The leader's dashboard on the big screen and a phone, and a review meeting scored in a browser."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser

BIG_SCREEN = {"width": 1920, "height": 1080}
CHARTS = [
    "chart-sources",
    "chart-tiers",
    "chart-categories",
    "chart-departments",
    "chart-satisfaction",
    "chart-coverage",
]
# A canvas counts as drawn when enough of its pixels are not blank.
DRAWN = """(id) => {
  const canvas = document.querySelector('#' + id + ' canvas');
  if (!canvas || canvas.width === 0) return 0;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++;
  return inked;
}"""


@pytest.mark.parametrize(("viewport", "tag"), [(BIG_SCREEN, "1920"), (PHONE, "phone")])
def test_the_leader_sees_every_chart_drawn(browser, demo_server, artifacts, viewport, tag):
    errors: list[str] = []
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, demo_server, "leader")
    page.goto(f"{demo_server}/race/dashboard/")
    for chart in CHARTS:
        page.wait_for_selector(f"#{chart} canvas")
    page.wait_for_timeout(1200)  # ECharts animates its first frame in
    for chart in CHARTS:
        assert page.evaluate(DRAWN, chart) > 500, chart
    assert page.locator(".dashboard-ranking").count() == 2
    page.screenshot(path=artifacts / f"race-dashboard-{tag}.png", full_page=True)
    page.goto(f"{demo_server}/race/")
    assert page.locator(".ranking-row").count() == 4
    page.screenshot(path=artifacts / f"race-ranking-{tag}.png", full_page=True)
    context.close()
    assert errors == []


def test_evaluators_score_apart_until_the_leader_closes_the_meeting(browser, demo_server, artifacts):
    def page_for(username: str, viewport=PHONE):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        sign_in(page, demo_server, username)
        page.goto(f"{demo_server}/race/reviews/")
        page.locator(".review-link", has_text="现场测评会").click()
        page.wait_for_url(re.compile(r"/race/reviews/\d+/"))
        return context, page

    first, page = page_for("evaluator")
    inputs = page.locator("#score-form input[type=number]")
    for i in range(inputs.count()):
        maximum = int(inputs.nth(i).get_attribute("max") or "10")
        inputs.nth(i).fill(str(round(maximum * 0.9, 1)))
    inputs.nth(0).fill("99")  # over the 40 of 工作推进
    page.click("#submit-scores")
    assert "分数应在 0 到 40 之间" in page.content()
    inputs.nth(0).fill("37.5")
    page.screenshot(path=artifacts / "race-review-scoring-phone.png", full_page=True)
    page.click("#submit-scores")
    page.wait_for_selector(".alert-success")
    assert page.input_value("#score-form input[type=number] >> nth=0") == "37.5"
    url = page.url

    second, other = page_for("evaluator2")
    assert other.input_value("#score-form input[type=number] >> nth=0") == ""
    assert "37.5" not in other.content() and "1 / 5" in other.inner_text("#review-progress")

    third, leader = page_for("leader", viewport={"width": 1366, "height": 768})
    leader.once("dialog", lambda dialog: dialog.accept())
    leader.click("#close-review")
    leader.wait_for_selector("#review-results")
    assert "37.50" in leader.inner_text("#review-results")  # one evaluator: nothing trimmed
    leader.screenshot(path=artifacts / "race-review-results-desktop.png", full_page=True)

    other.goto(url)
    assert other.locator("#score-form").count() == 0 and other.locator("#review-results").count() == 1
    for context in (first, second, third):
        context.close()


def test_the_leader_downloads_the_bulletin_and_an_export(browser, demo_server, artifacts):
    import io

    from docx import Document
    from openpyxl import load_workbook

    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, demo_server, "leader")
    page.goto(f"{demo_server}/race/dashboard/")
    with page.expect_download() as download:
        page.click("#bulletin")
    path = download.value.path()
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "“三服务”工作通报" in text and "共收集问题" in text and "已经办" in text
    (artifacts / "bulletin.docx").write_bytes(path.read_bytes())
    page.goto(f"{demo_server}/race/")
    with page.expect_download() as download:
        page.click("#export")
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    assert sheet.cell(row=1, column=3).value == "单位" and sheet.max_row == 5
    context.close()
