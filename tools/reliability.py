"""`make reliability`: a mixed load on a served demo district, then the fault drills, written to
docs/reliability.md from one run.

    .venv/bin/python -m tools.reliability                       # 10 minutes at 8 operations a second
    RELIABILITY_MINUTES=1 RELIABILITY_RATE=8 .venv/bin/python -m tools.reliability

Builds a small demo district (SQLite, the embedded default, jobs in the web process) in a folder of
its own, serves it on a free loopback port, creates a read and a write API token, runs tools.load,
then tools.faults (a private PostgreSQL stopped under writes; a server killed mid-import).
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tools.faults import ROOT, SANFUWU, Server, free_port, killed_import, postgres_outage, run, say

OUT = ROOT / "docs" / "reliability.md"


def _token(env: dict[str, str], scope: str) -> str:
    found = re.search(
        r"sfw_[\w-]+", run([str(SANFUWU), "token", "create", "dispatcher", "--scope", scope], env)
    )
    assert found is not None
    return found.group()


def load(folder: Path, *, minutes: float, rate: float) -> dict[str, Any]:
    env = {
        **os.environ,
        "SANFUWU_VAR_DIR": str(folder / "var-load"),
        "DJANGO_SETTINGS_MODULE": "sanfuwu.settings",
    }
    env.pop("SANFUWU_DATABASE_URL", None)
    env.pop("SANFUWU_REDIS_URL", None)
    say("负载：建立演示区（小）……")
    run([str(SANFUWU), "demo", "--small"], env)
    read, write = _token(env, "read"), _token(env, "write")
    server = Server(env, free_port(), jobs=True)
    server.start()
    report = folder / "load.json"
    try:
        say(f"负载：{minutes:g} 分钟，每秒 {rate:g} 个操作……")
        subprocess.run([sys.executable, "-m", "tools.load", "--base", server.base, "--seconds", str(minutes * 60),
                        "--rate", str(rate), "--token-read", read, "--token-write", write, "--out", str(report)],
                       cwd=ROOT, env=env, check=False)  # fmt: skip
    finally:
        server.stop()
    result: dict[str, Any] = json.loads(report.read_text())
    result["server_errors_logged"] = sum(1 for line in server.output if "Traceback" in line)
    return result


def _ms(value: Any) -> str:
    return "–" if value is None else f"{value:.0f}"


def markdown(load_result: dict[str, Any], faults: dict[str, Any], started: datetime, seconds: float) -> str:
    overall = load_result["overall"]
    lines = [
        "# Reliability",
        "",
        f"One run of `make reliability`, {started:%Y-%m-%d %H:%M} UTC, {seconds / 60:.0f} minutes in all, on this "
        f"machine ({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}). The load ran "
        "against `sanfuwu serve` (the embedded default: SQLite, jobs in the web process) holding a small demo "
        "district, on loopback, generator and server sharing the two cores.",
        "",
        "## Mixed load",
        "",
        f"- Asked: **{load_result['rate_asked']:g} operations a second** for {load_result['seconds']:.0f} s "
        f"(open loop: scheduled evenly, whatever the answers take); achieved {load_result['achieved_rate']:.2f}/s, "
        f"{load_result['requests_sent']} requests ({load_result['requests_per_second']:.1f}/s).",
        f"- **Errors: {overall['errors']}** of {overall['count']} requests (any 5xx, connection error, timeout or "
        f"status the operation does not expect); server tracebacks logged: {load_result['server_errors_logged']}.",
        f"- Latency, all requests: p50 **{_ms(overall['p50'])} ms**, p95 **{_ms(overall['p95'])} ms**, "
        f"p99 **{_ms(overall['p99'])} ms**, max {_ms(overall['max'])} ms.",
        "",
        "| kind | requests | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, figures in sorted(load_result["kinds"].items()):
        lines.append(f"| {kind} | {figures['count']} | {figures['errors']} | {_ms(figures['p50'])} | "
                     f"{_ms(figures['p95'])} | {_ms(figures['p99'])} | {_ms(figures['max'])} |")  # fmt: skip
    if load_result.get("errors"):
        lines += ["", "First errors:", ""]
        lines += [f"- {e.get('kind')} {e.get('status')} {e.get('url')}: {str(e.get('body', ''))[:120]}"
                  for e in load_result["errors"][:10]]  # fmt: skip
    if load_result.get("notes"):
        lines += [
            "",
            "Notes from the generator: " + "; ".join(f"{k}: {v}" for k, v in load_result["notes"].items()),
        ]
    lines += [
        "",
        "The mix (tools/load.py): staff pages 55 % (home, lists, an issue, triage, targets, the race and its "
        "dashboard, visits, the bell), actions 15 % (a grid worker registers an issue through the form, the "
        "dispatcher dispatches a waiting one from triage, the handler signs for one), a dry-run import of a "
        "small workbook at most once a minute, the public channel 10 % (the form, tracking, four raises in "
        "the run: the channel takes five an hour from one address), the API 15 % (lists, details, creating "
        "issues with a write token; Open311 services and requests) and an enterprise's own pages 3 %.",
    ]
    pg = faults.get("postgres_outage")
    if pg:
        lines += [
            "",
            "## PostgreSQL stopped and started under writes",
            "",
            f"A private PostgreSQL cluster (tools/faults.py) behind `sanfuwu serve` with kept connections "
            f"(SANFUWU_DB_CONN_MAX_AGE=60, health checks on); four writers create issues through the API at "
            f"5 a second for 60 s; the database is stopped (`pg_ctl stop -m fast`) at {pg['down_at'] + 1:.0f} s "
            f"and started again at {pg['up_at']:.0f} s; the server is not restarted.",
            "",
            "| phase | requests | errors | statuses | refusal says so |",
            "|---|---:|---:|---|---|",
        ]
        for name, label in (("before", "before"), ("outage", "outage (±1 s)"), ("after", "after")):
            p = pg[name]
            lines.append(f"| {label} | {p['requests']} | {p['errors']} | {', '.join(map(str, p['statuses'])) or '–'} "
                         f"| {'yes' if p['clear'] else 'no'} |")  # fmt: skip
        lines += [
            "",
            f"- **Acknowledged writes (201 with a number): {pg['acknowledged']}; found in the database afterwards: "
            f"{pg['acknowledged_found']}.**",
            f"- Every refusal during the outage: 503 with Retry-After and the reason — "
            f"`{json.loads(pg['sample_refusal'])['detail'] if pg['sample_refusal'] else ''}`",
        ]
    killed = faults.get("killed_import")
    if killed:
        lines += [
            "",
            "## `kill -9` in the middle of a large import",
            "",
            f"The dispatcher checks a workbook of {killed['rows']:,} contact targets (只检查), confirms it, and the "
            f"web server (which runs the import in its own job threads) is killed with SIGKILL when the progress "
            f"bar reads {killed['killed_at_percent']} %.",
            "",
            f"- Targets before: {killed['targets_before']}; after the kill: {killed['targets_after_kill']}; after the "
            f"restart: {killed['targets_after_restart']} — **none of the import's rows remain**.",
            f"- The run after the kill: `{killed['run_after_kill'][0]}`; after the restart: "
            f"`{killed['run_after_restart'][0]}` — “{killed['run_after_restart'][1]}”",
            f"- The restarted server said: {' / '.join(killed['server_said']) or '–'}",
        ]
    lines += [
        "",
        "## In the test suite",
        "",
        "- `tests/trust/test_faults.py`: a subprocess writing an import is killed with SIGKILL half way; no row "
        "remains, the run is marked failed by the recovery a server or worker runs at its start, once.",
        "- `tests/trust/test_jobs_recover.py`: a `sanfuwu worker` on Redis killed with SIGKILL in the middle of an "
        "import job; the restarted worker queues the job again (JobInFlight) and marks the run failed, and the "
        "job run again changes nothing; a job whose worker died runs again and its effect happens once.",
        "- `tests/trust/test_backup.py`: `sanfuwu backup` / `sanfuwu restore` round trip, every table's rows and "
        "checksum and every uploaded file equal, on SQLite and PostgreSQL.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    minutes = float(os.environ.get("RELIABILITY_MINUTES", "10"))
    rate = float(os.environ.get("RELIABILITY_RATE", "8"))
    started, clock = datetime.now(UTC), time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sanfuwu-reliability-") as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o755)
        load_result = load(folder, minutes=minutes, rate=rate)
        say("故障演练：PostgreSQL 停机……")
        faults: dict[str, Any] = {"postgres_outage": postgres_outage(folder)}
        say("故障演练：导入中 kill -9……")
        faults["killed_import"] = killed_import(folder)
    text = markdown(load_result, faults, started, time.monotonic() - clock)
    OUT.write_text(text)
    (ROOT / "docs" / "reliability.json").write_text(
        json.dumps({"load": load_result, "faults": faults}, ensure_ascii=False, indent=1)
    )
    say(f"已写入 {OUT}")
    print(text)


if __name__ == "__main__":
    main()
