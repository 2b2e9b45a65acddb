"""Excel in a browser: a dispatcher takes the issue ledger out, checks it back in as a large file
that runs in the background while the page shows its progress, and a clerk gets a refused file
back with its bad cells marked; the pages at desktop and phone size."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_targets_browser import sign_in

pytestmark = pytest.mark.browser


def test_the_dispatcher_exports_the_ledger_and_checks_it_back_in_the_background(
    browser, demo_server, artifacts
):
    errors: list[str] = []
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, demo_server, "dispatcher")
    page.goto(f"{demo_server}/issues/")
    with page.expect_download() as download:
        page.click("#export")
    ledger = download.value.path().read_bytes()
    rows = sum(1 for _ in load_workbook(io.BytesIO(ledger), read_only=True).worksheets[0].iter_rows())
    assert len(ledger) > 512 * 1024  # large enough to go to the background job
    page.click("#import")
    page.select_option("#id_kind", "issues")
    page.set_input_files("#id_file", files=[{"name": "问题台账.xlsx", "mimeType": "application/octet-stream",
                                              "buffer": ledger}])  # fmt: skip
    page.screenshot(path=artifacts / "import-page-desktop.png", full_page=True)
    page.click("#run-import")
    # The run page follows the job: the bar while it runs, the result once it is over.
    page.wait_for_selector("#import-progress, #import-checked", timeout=30_000)
    page.screenshot(path=artifacts / "import-progress-desktop.png", full_page=True)
    page.wait_for_selector("#import-checked", timeout=240_000)
    text = page.inner_text("#import-run")
    # Every row is an issue already there: a ledger imported twice is imported once.
    assert f"跳过 {rows - 1} 条" in text and "将新增 0 条" in text, text
    page.screenshot(path=artifacts / "import-checked-desktop.png", full_page=True)
    context.close()
    assert errors == []


def test_a_refused_file_comes_back_marked_on_a_phone(browser, demo_server, artifacts):
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "名称",
            "类型",
            "统一社会信用代码",
            "行业",
            "所属区域",
            "网格",
            "重点企业",
            "地址",
            "联系人",
            "联系电话",
        ]
    )
    sheet.append(["杭州新办生物科技有限公司", "企业", "91330114MA2XHA001X", "生物医药", "下沙街道"])
    sheet.append(["新办社区服务站", "工厂", "", "", "下沙街道"])
    data = io.BytesIO()
    book.save(data)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, demo_server, "dispatcher_xiasha")
    page.goto(f"{demo_server}/imports/?kind=targets")
    page.screenshot(path=artifacts / "import-page-phone.png", full_page=True)
    page.set_input_files("#id_file", files=[{"name": "企业.xlsx", "mimeType": "application/octet-stream",
                                              "buffer": data.getvalue()}])  # fmt: skip
    page.uncheck("#id_dry_run")
    page.click("#run-import")
    page.wait_for_selector("#import-refused")
    assert page.locator("#import-errors tbody tr").count() == 2
    page.screenshot(path=artifacts / "import-refused-phone.png", full_page=True)
    with page.expect_download() as download:
        page.click("#error-report")
    marked = load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    assert (
        marked.cell(row=2, column=3).comment is not None and marked.cell(row=3, column=2).comment is not None
    )
    page.goto(f"{demo_server}/targets/?q=新办")
    assert "杭州新办生物科技有限公司" not in page.content()
    context.close()
