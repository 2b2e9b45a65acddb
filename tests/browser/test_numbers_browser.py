"""The numbers open what they count: a bar of the dashboard opens the issue list of exactly that
many issues, and a rate of the ranking opens its rows in place, on a desktop and a phone."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser

# Where to click a bar: its middle, from the chart's own coordinates.
BAR = """([id, series, index]) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const option = chart.getOption();
  const value = option.series[series].data[index];
  const [x, y] = chart.convertToPixel({ seriesIndex: series }, [value / 2, index]);
  const box = document.getElementById(id).getBoundingClientRect();
  return { x: box.left + x, y: box.top + y, value };
}"""


@pytest.mark.parametrize(("viewport", "tag"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_bar_opens_the_list_it_counts_and_a_rate_its_rows(browser, demo_server, artifacts, viewport, tag):
    errors: list[str] = []
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, demo_server, "leader")
    page.goto(f"{demo_server}/race/dashboard/")
    page.wait_for_selector("#chart-categories canvas")
    page.wait_for_timeout(1200)  # ECharts animates its first frame in
    bar = page.locator("#chart-categories")
    bar.scroll_into_view_if_needed()
    spot = page.evaluate(BAR, ["chart-categories", 0, 0])
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_url(re.compile(r"/issues/\?"))
    assert int(page.inner_text("#issue-count").replace(",", "")) == spot["value"]
    page.screenshot(path=artifacts / f"numbers-category-list-{tag}.png")

    page.goto(f"{demo_server}/race/?league=department")
    page.locator("#ranking a.drill[hx-get]").first.click()
    page.wait_for_selector("#drill-rows")
    fraction = page.inner_text("#drill-fraction")
    numerator, denominator = (int(n) for n in fraction.split("/"))
    rows = page.locator(".drill-row")
    assert rows.count() == min(denominator, 100)
    failing = page.locator(".drill-failing").count()
    # The failing rows come first.
    assert all("drill-failing" in (rows.nth(i).get_attribute("class") or "") for i in range(failing))
    page.screenshot(path=artifacts / f"numbers-ranking-drill-{tag}.png", full_page=True)
    context.close()
    assert errors == [] and numerator <= denominator
