"""`sanfuwu serve --workers N`, run as a district's server runs it: the console command against a
database of its own, seen from outside through HTTP and /proc. Its processes share the requests,
its pages name the static files by their hash, which are served for ten years, the job queue
runs in one process only, and a TERM stops them all."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from sanfuwu.core.staticfiles import CollectedStaticFilesStorage

ROOT = Path(__file__).resolve().parents[2]
JOBS_THREAD = "sanfuwu-jobs"
pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the processes from /proc")


@dataclass
class Site:
    serve: subprocess.Popen[bytes]
    port: int
    log: Path

    def get(self, path: str, **headers: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", path, headers=headers)
        return connection.getresponse()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment of a migrated database and a var/ of their own."""
    root = tmp_path_factory.mktemp("serve-workers")
    env = {
        **os.environ,
        "SANFUWU_VAR_DIR": str(root / "var"),
        "SANFUWU_DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("SANFUWU_REDIS_URL", None)  # the queue in var/, run by serve itself
    migrated = subprocess.run(
        [*_sanfuwu(), "migrate", "-v", "0"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert migrated.returncode == 0, migrated.stderr
    yield env
    shutil.rmtree(root / "var" / "static", ignore_errors=True)  # 60 MB of collected files


@pytest.fixture(scope="module")
def site(home: dict[str, str]) -> Iterator[Site]:
    running = _start(home)
    yield running
    _stop(running)


def test_it_answers_the_login_page_from_more_than_one_worker(site: Site) -> None:
    _, workers = _tree(site)
    assert len(workers) == 2, workers
    served_by: set[int | None] = set()
    for _ in range(10):  # rounds of simultaneous connections, until two workers have taken some
        with ThreadPoolExecutor(8) as pool:
            connections = list(pool.map(lambda _: _login_kept_alive(site.port), range(8)))
        # Each connection is still open, kept alive by the worker that answered it.
        served_by |= {_holder(site.port, c.sock.getsockname()[1], workers) for c in connections}
        for connection in connections:
            connection.close()
        if len(served_by - {None}) >= 2:
            break
    assert served_by - {None} == set(workers), served_by


def test_it_serves_static_files_under_their_hash_for_ten_years(site: Site) -> None:
    page = site.get("/login/").read().decode()
    hashed = re.search(r"/static/vendor/tabler/css/tabler\.min\.[0-9a-f]{12}\.css", page)
    assert hashed, "the login page names tabler's CSS without a hash: is STORAGES set in settings?"
    answer = site.get(hashed.group(0), **{"Accept-Encoding": "gzip"})
    body = answer.read()
    assert answer.status == 200
    assert answer.getheader("Cache-Control") == "max-age=315360000, public, immutable"
    assert answer.getheader("Content-Encoding") == "gzip" and body[:2] == b"\x1f\x8b"
    # The plain name is still served (a source map's, say), but only for a minute.
    plain = site.get("/static/vendor/tabler/css/tabler.min.css")
    plain.read()
    assert plain.status == 200 and plain.getheader("Cache-Control") == "max-age=60, public"


def test_it_runs_the_job_queue_in_one_process_only(site: Site) -> None:
    master, workers = _tree(site)
    jobs_threads = {pid: _thread_names(pid).count(JOBS_THREAD) for pid in [site.serve.pid, master, *workers]}
    # The scheduler and two workers, in `sanfuwu serve` itself; none in gunicorn's processes.
    assert jobs_threads == {site.serve.pid: 3, master: 0, **dict.fromkeys(workers, 0)}


def test_it_stops_every_process_on_term_within_seconds(home: dict[str, str]) -> None:
    running = _start(home)
    master, workers = _tree(running)
    started = time.monotonic()
    running.serve.send_signal(signal.SIGTERM)
    code = running.serve.wait(timeout=15)
    took = time.monotonic() - started
    log = running.log.read_text()
    assert code == 0, log
    assert took < 5, took
    assert not [pid for pid in [master, *workers] if _alive(pid)]
    assert "Traceback" not in log
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", running.port), timeout=1).close()


def test_it_refuses_workers_on_an_outside_address_without_public(home: dict[str, str]) -> None:
    done = subprocess.run(
        [*_sanfuwu(), "serve", "--workers", "2", "--host", "0.0.0.0", "--port", str(_free_port())],
        env=home,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "0.0.0.0 不是本机地址；确需对外服务请加 --public。" in done.stderr
    assert "Traceback" not in done.stderr


def test_it_names_the_plain_files_in_every_other_process(tmp_path: Path) -> None:
    # A collection left in var/ by `serve --workers` must not pin the embedded server, the tests or
    # a developer to files as they were then: only the process that collected names them by hash.
    manifest = {"paths": {"portal/sanfuwu.css": "portal/sanfuwu.0123456789ab.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    storage = CollectedStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("portal/sanfuwu.css") == "/static/portal/sanfuwu.css"
    storage.hashed = True
    assert storage.url("portal/sanfuwu.css") == "/static/portal/sanfuwu.0123456789ab.css"
    assert storage.url("portal/added-since.js") == "/static/portal/added-since.js"


def _sanfuwu() -> list[str]:
    return [sys.executable, "-m", "sanfuwu"]


def _start(env: dict[str, str]) -> Site:
    port = _free_port()
    log = Path(env["SANFUWU_VAR_DIR"]).parent / f"serve-{port}.log"
    with log.open("wb") as out:
        serve = subprocess.Popen(
            [*_sanfuwu(), "serve", "--workers", "2", "--threads", "2", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = Site(serve, port, log)
    deadline = time.monotonic() + 90  # the first start collects the static files: 10–20 s
    while time.monotonic() < deadline:
        if serve.poll() is not None:
            pytest.fail(f"serve ended with {serve.returncode}:\n{log.read_text()}")
        try:
            answer = running.get("/login/")
            answer.read()
            if answer.status == 200 and len(_tree(running)[1]) == 2:
                return running
        except OSError:
            pass
        time.sleep(0.2)
    _stop(running)
    pytest.fail(f"serve did not answer within 90 s:\n{log.read_text()}")


def _stop(running: Site) -> None:
    tree = [running.serve.pid]
    if running.serve.poll() is None:
        master = _children(running.serve.pid)
        tree += master + [w for m in master for w in _children(m)]
        running.serve.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            running.serve.wait(timeout=15)
    for pid in tree:  # whatever did not stop, by the ids this test started
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    running.serve.wait(timeout=5)


def _tree(running: Site) -> tuple[int, list[int]]:
    """gunicorn's master (the one child of `sanfuwu serve`) and its workers."""
    masters = _children(running.serve.pid)
    assert len(masters) == 1, masters
    return masters[0], sorted(_children(masters[0]))


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _thread_names(pid: int) -> list[str]:
    return [comm.read_text().strip() for comm in Path(f"/proc/{pid}/task").glob("*/comm")]


def _login_kept_alive(port: int) -> http.client.HTTPConnection:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/login/")
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 200 and not answer.will_close
    return connection


def _holder(port: int, client_port: int, workers: list[int]) -> int | None:
    """The worker whose file descriptors hold the server's end of a connection from client_port."""
    wanted = f"0100007F:{port:04X} 0100007F:{client_port:04X}"
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if f"{fields[1]} {fields[2]}" == wanted:
            inode = fields[9]
    if inode is None:
        return None
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
