"""The browser tests drive Debian's Chromium against the product started the way the README
starts it, `make demo`, on a free port and a database of their own."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("SANFUWU_CHROMIUM", "/usr/bin/chromium")
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _own_database(env: dict[str, str], tmp: Path) -> tuple[str, str | None]:
    """SQLite in a temporary folder, or a fresh PostgreSQL database when the suite runs on one."""
    url = os.environ.get("SANFUWU_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp / 'browser.sqlite3'}", None
    import psycopg

    server, _, name = url.rpartition("/")
    db_name = f"{name}_browser"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}"')
        conn.execute(f'CREATE DATABASE "{db_name}"')
    return f"{server}/{db_name}", f"{server}/postgres|{db_name}"


def _drop(handle: str | None) -> None:
    if handle is None:
        return
    import psycopg

    admin_url, db_name = handle.split("|")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "SANFUWU_VAR_DIR": str(tmp)}
    env["SANFUWU_DATABASE_URL"], handle = _own_database(env, tmp)
    port = _free_port()
    log = (tmp / "make-demo.log").open("w")
    # The README's command itself, so that what a newcomer types is what the test proves.
    server = subprocess.Popen(
        ["make", "--no-print-directory", "demo", f"PORT={port}"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp / "make-demo.log").read_text()) from None
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        log.close()
        _drop(handle)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def open_action(page: Any, action: str) -> Any:
    """Open an action's accordion and wait until Bootstrap has finished opening it: during the
    opening the form is laid out but clipped, so a click aimed at its button may land elsewhere."""
    page.click(f'[data-action-button="{action}"]')
    page.locator(f"#act-{action}.collapse.show").wait_for(state="attached")
    form = page.locator(f'[data-action-form="{action}"]')
    form.wait_for(state="visible")
    return form


def submit_expecting(page: Any, button: Any, url: re.Pattern[str], *, shot: Path | None = None) -> Any:
    """Click a form's button and return the response to `url`. The button must be visible and
    enabled first; if it is not, the page is saved and the failure says which, rather than a bare
    "no response" from the wait that started before the click."""
    from playwright.sync_api import expect

    try:
        expect(button).to_be_visible(timeout=10_000)
        expect(button).to_be_enabled(timeout=10_000)
        button.scroll_into_view_if_needed(timeout=10_000)
    except Exception:
        if shot is not None:
            page.screenshot(path=shot, full_page=True)
            shot.with_suffix(".html").write_text(page.content())
        raise
    with page.expect_response(url) as response:
        button.click()
    return response.value
