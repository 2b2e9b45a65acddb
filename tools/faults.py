"""Faults, for real, against served copies of the product (part of `make reliability`):

1. PostgreSQL stopped and started under a steady write load through the API: answers during the
   outage are clear 503s, every acknowledged write is in the database afterwards, and the server
   recovers without a restart. Runs a private PostgreSQL cluster of its own (initdb in a
   temporary folder, port 54329), so the machine's own server is never touched.
2. `kill -9` of the web server while it writes a large import (the embedded queue runs the import
   in the server's process): none of its rows remain, and the restarted server marks the run failed.

    .venv/bin/python -m tools.faults --out /tmp/faults.json
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SANFUWU = ROOT / ".venv" / "bin" / "sanfuwu"
PASSWORD = os.environ.get("SANFUWU_DEMO_PASSWORD", "sanfuwu2025")
PG_PORT = 54329


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(args: list[str], env: dict[str, str], **kwargs: Any) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def shell(env: dict[str, str], code: str) -> Any:
    """Runs Python in the product's environment and returns the JSON it prints last."""
    out = run([str(SANFUWU), "shell", "-c", code], env)
    return json.loads(out.strip().splitlines()[-1])


class Cluster:
    """A PostgreSQL of our own, stopped and started at will."""

    def __init__(self, folder: Path) -> None:
        self.data = folder / "pgdata"
        self.log = folder / "pg.log"
        bindir = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        candidates = [Path(bindir)] if bindir else []
        candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
        self.bin = next(p for p in candidates if (p / "initdb").exists())
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # initdb refuses to run as root
            shutil.chown(folder, "postgres", "postgres")

    def _as_owner(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args

    def init(self) -> None:
        if (self.data / "PG_VERSION").exists():
            return
        subprocess.run(self._as_owner([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                                       "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, capture_output=True)  # fmt: skip

    def start(self) -> None:
        options = f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}"
        subprocess.run(self._as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                                       "-o", options, "-w", "start"]), check=True, capture_output=True)  # fmt: skip

    def stop(self) -> None:
        subprocess.run(self._as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                                       "stop"]), check=True, capture_output=True)  # fmt: skip

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{PG_PORT}/{name}"

    def createdb(self, name: str) -> None:
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-c",
                        f"CREATE DATABASE {name}"], check=True, capture_output=True)  # fmt: skip


class Server:
    def __init__(self, env: dict[str, str], port: int, *, jobs: bool) -> None:
        self.env, self.port, self.jobs = env, port, jobs
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def start(self) -> None:
        args = [str(SANFUWU), "serve", "--port", str(self.port)] + ([] if self.jobs else ["--no-jobs"])
        self.process = subprocess.Popen(args, env=self.env, cwd=ROOT, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
        threading.Thread(target=self._drain, args=(self.process,), daemon=True).start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/login/", timeout=5)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise RuntimeError("the server did not start:\n" + "".join(self.output[-40:]))

    def _drain(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.output.append(line)

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def _post_json(url: str, token: str, body: dict[str, Any]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()
    except (urllib.error.URLError, ConnectionError, OSError) as failed:
        return 0, str(failed)


def _says_database(body: str) -> bool:
    try:
        return "数据库暂时无法连接" in json.loads(body).get("detail", "")
    except (ValueError, AttributeError):
        return False


def postgres_outage(folder: Path, *, seconds: int = 60, outage: tuple[int, int] = (20, 35), rate: float = 5.0
                    ) -> dict[str, Any]:  # fmt: skip
    cluster = Cluster(folder / "pg")
    cluster.init()
    cluster.start()
    env = {**os.environ, "SANFUWU_DATABASE_URL": cluster.url("sanfuwu_fault"), "SANFUWU_VAR_DIR": str(folder / "var-pg"),
           "SANFUWU_DB_CONN_MAX_AGE": "60", "DJANGO_SETTINGS_MODULE": "sanfuwu.settings"}  # fmt: skip
    cluster.createdb("sanfuwu_fault")
    say("  PostgreSQL 故障：建立演示区（小）……")
    run([str(SANFUWU), "demo", "--small"], env)
    token = re.search(
        r"sfw_[\w-]+", run([str(SANFUWU), "token", "create", "dispatcher", "--scope", "write"], env)
    )
    assert token is not None
    ids = shell(env, "import json; from sanfuwu.people.models import Person; from sanfuwu.orgs.models import Category; "
                "p = Person.objects.get(username='dispatcher'); "
                "print(json.dumps({'category': Category.objects.order_by('id').first().pk, 'region': p.region_id}))")  # fmt: skip
    server = Server(env, free_port(), jobs=False)
    server.start()
    try:
        return _write_through_outage(env, folder, cluster, server, token.group(), ids, seconds=seconds,
                                     outage=outage, rate=rate)  # fmt: skip
    finally:
        server.stop()
        subprocess.run(cluster._as_owner([str(cluster.bin / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate",
                                          "stop"]), capture_output=True)  # fmt: skip


def _write_through_outage(env: dict[str, str], folder: Path, cluster: Cluster, server: Server, token: str,
                          ids: dict[str, int], *, seconds: int, outage: tuple[int, int], rate: float
                          ) -> dict[str, Any]:  # fmt: skip
    records: list[dict[str, Any]] = []
    lock = threading.Lock()
    started = time.monotonic()
    stop = threading.Event()

    def writer(offset: float) -> None:
        n = 0
        while not stop.is_set():
            due = started + offset + n * (4 / rate)
            n += 1
            time.sleep(max(0.0, due - time.monotonic()))
            if time.monotonic() - started > seconds:
                return
            sent = time.monotonic() - started
            status, body = _post_json(server.base + "/api/issues", token, {
                "title": f"故障演练 {sent:.2f}", "description": "数据库停机演练中的登记。", "source": "hotline",
                "category": ids["category"], "region": ids["region"]})  # fmt: skip
            number = json.loads(body).get("number") if status == 201 else None
            with lock:
                records.append({"t": round(sent, 2), "status": status, "number": number, "body": body[:200]})

    threads = [threading.Thread(target=writer, args=(i / rate,)) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, started + outage[0] - time.monotonic()))
    say("  PostgreSQL 故障：停止数据库……")
    # Requests already inside the server when the database goes are part of the outage too.
    down_at = time.monotonic() - started - 1.0
    cluster.stop()
    time.sleep(max(0.0, started + outage[1] - time.monotonic()))
    cluster.start()
    up_at = time.monotonic() - started
    say("  PostgreSQL 故障：数据库已重新启动，服务未重启。")
    for thread in threads:
        thread.join()
    stop.set()
    acknowledged = [r["number"] for r in records if r["number"]]
    Path(folder / "acknowledged.json").write_text(json.dumps(acknowledged))
    found = shell(env, "import json; from sanfuwu.issues.models import Issue; "
                  f"wanted = json.load(open({str(folder / 'acknowledged.json')!r})); "
                  "print(json.dumps(Issue.objects.filter(number__in=wanted).count()))")  # fmt: skip

    def phase(r: dict[str, Any]) -> str:
        return "before" if r["t"] < down_at else "outage" if r["t"] < up_at + 1 else "after"

    summary: dict[str, Any] = {"down_at": round(down_at, 1), "up_at": round(up_at, 1), "requests": len(records),
                               "acknowledged": len(acknowledged), "acknowledged_found": found}  # fmt: skip
    for name in ("before", "outage", "after"):
        rows = [r for r in records if phase(r) == name]
        failed = [r for r in rows if r["status"] != 201]
        summary[name] = {"requests": len(rows), "errors": len(failed),
                         "statuses": sorted({r["status"] for r in failed}),
                         "clear": all(_says_database(r["body"]) for r in failed)}  # fmt: skip
    summary["sample_refusal"] = next((r["body"] for r in records if r["status"] == 503), "")
    return summary


class Browser:
    """A signed-in person, as the pages see them: a session cookie and the CSRF token."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/login/")
        self.post(
            "/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": _token(page)}
        )

    def get(self, path: str, headers: dict[str, str] | None = None) -> str:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as answer:
                return str(answer.read().decode())
        except urllib.error.HTTPError as refused:
            raise RuntimeError(f"GET {path}: {refused.code} {refused.read().decode()[:3000]}") from None

    def post(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None
    ) -> str:
        boundary = "----sanfuwu" + str(time.monotonic_ns())
        body = io.BytesIO()
        for key, value in fields.items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            )
        for key, (name, data) in (files or {}).items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{name}"\r\n'
                       f"Content-Type: application/octet-stream\r\n\r\n".encode())  # fmt: skip
            body.write(data + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(self.base + path, data=body.getvalue(), method="POST", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": self.base + path})  # fmt: skip
        with self.opener.open(request, timeout=120) as answer:
            return str(answer.geturl())


def _token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _targets_workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("联系对象")
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
    for n in range(rows):
        sheet.append([f"断电演练社区{n:05d}", "社区", "", "", "下沙街道", "", "否", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def killed_import(folder: Path, *, rows: int = 30_000) -> dict[str, Any]:
    env = {
        **os.environ,
        "SANFUWU_VAR_DIR": str(folder / "var-sqlite"),
        "DJANGO_SETTINGS_MODULE": "sanfuwu.settings",
    }
    env.pop("SANFUWU_DATABASE_URL", None)
    env.pop("SANFUWU_REDIS_URL", None)
    if not (folder / "var-sqlite" / "sanfuwu.sqlite3").exists():
        say("  导入中断电：建立演示区（小）……")
        run([str(SANFUWU), "demo", "--small"], env)
    count = (
        "import json; from sanfuwu.targets.models import Target; print(json.dumps(Target.objects.count()))"
    )
    before = shell(env, count)
    server = Server(env, free_port(), jobs=True)
    server.start()
    try:
        return _kill_while_importing(env, folder, server, rows=rows, before=before, count=count)
    finally:
        server.stop()


def _kill_while_importing(env: dict[str, str], folder: Path, server: Server, *, rows: int, before: int,
                          count: str) -> dict[str, Any]:  # fmt: skip
    person = Browser(server.base, "dispatcher")
    page = person.get("/imports/")
    data = _targets_workbook(rows)
    checked_at = person.post("/imports/", {"csrfmiddlewaretoken": _token(page), "kind": "targets", "dry_run": "on"},
                             {"file": ("大批联系对象.xlsx", data)})  # fmt: skip
    run_id = int(re.search(r"/imports/runs/(\d+)/", checked_at).group(1))  # type: ignore[union-attr]
    deadline = time.monotonic() + 300
    while (
        "已确认导入" not in (run_page := person.get(f"/imports/runs/{run_id}/"))
        and "检查通过" not in run_page
    ):
        assert time.monotonic() < deadline, "the check did not finish"
        time.sleep(1)
    writing_at = person.post(f"/imports/runs/{run_id}/confirm/", {"csrfmiddlewaretoken": _token(run_page)})
    writing = int(re.search(r"/imports/runs/(\d+)/", writing_at).group(1))  # type: ignore[union-attr]
    percent = 0
    while percent < 30:
        try:
            progress = person.get(f"/imports/runs/{writing}/progress/", {"HX-Request": "true"})
        except RuntimeError:
            print("".join(server.output[-80:]))
            raise
        found = re.search(r'aria-valuenow="(\d+)"', progress)
        percent = int(found.group(1)) if found else 0
        assert time.monotonic() < deadline, "the import did not start writing"
        time.sleep(0.3)
    say(f"  导入中断电：写入到 {percent}% 时 kill -9 服务进程……")
    server.kill()
    after_kill = shell(env, count)
    state = ("import json; from sanfuwu.imports.models import ImportRun; "
             f"r = ImportRun.objects.get(pk={writing}); print(json.dumps([r.state, r.message]))")  # fmt: skip
    state_after_kill = shell(env, state)
    restarted = Server(env, free_port(), jobs=True)
    restarted.start()
    try:
        time.sleep(2)
        state_after_restart = shell(env, state)
        after_restart = shell(env, count)
    finally:
        restarted.stop()
    return {"rows": rows, "killed_at_percent": percent, "targets_before": before, "targets_after_kill": after_kill,
            "targets_after_restart": after_restart, "run_after_kill": state_after_kill,
            "run_after_restart": state_after_restart,
            "server_said": [line.strip() for line in restarted.output if "中断" in line]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", default="-")
    parser.add_argument("--only", choices=["postgres", "import"], default=None)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="sanfuwu-faults-") as tmp:
        folder = Path(os.environ.get("FAULTS_DIR", tmp))
        folder.mkdir(exist_ok=True)
        os.chmod(folder, 0o755)
        if args.only in (None, "postgres"):
            results["postgres_outage"] = postgres_outage(folder)
        if args.only in (None, "import"):
            results["killed_import"] = killed_import(folder)
    text = json.dumps(results, ensure_ascii=False, indent=1)
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text)
        say(f"故障演练结果已写入 {args.out}")


if __name__ == "__main__":
    main()
