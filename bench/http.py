"""Benchmark over HTTP: the pages people open every day, served the production way and loaded with
wrk, beside the framework's floor on the same server in the same run.

    SANFUWU_DATABASE_URL=sqlite:////tmp/b/db.sqlite3 BENCH_ISSUES=1000000 .venv/bin/python -m bench.http
    SANFUWU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanfuwu_http BENCH_ISSUES=1000000 \\
        .venv/bin/python -m bench.http

Builds (once per database) a district of BENCH_ISSUES issues with assignments and return visits
(`bench.ranking`), enterprises with pairings and a year of visits (`bench.visits_data`), the roll-ups
the hourly job keeps, and a queue of issues waiting for dispatch, then starts `sanfuwu serve` with
SANFUWU_BENCH_FLOOR set, signs each persona in by a session of its own, and runs wrk for
BENCH_HTTP_SECONDS (10) per page at concurrency BENCH_HTTP_C (4), intake at BENCH_HTTP_C_WRITE
(16). Every figure is also read against the floor: a login-required view inserting one row, and
one reading 25 issues, with the same middleware, session and server. Appends the table and its
JSON to docs/benchmarks.md (BENCH_HTTP_OUT, "-" for none). Needs wrk (apt-get install wrk).
Knobs: BENCH_HTTP_WORKERS (passed to `sanfuwu serve --workers` when above 1), BENCH_HTTP_ONLY
(comma-separated scenario names), BENCH_HTTP_PEER=1 (the peer django-helpdesk, same run).
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from bench import (
    ranking,  # first of ours: through bench.common it sets Django up
    visits_data,
)
from bench.common import bulk_insert
from bench.profile import met, profile, target_of
from sanfuwu.core.floor import floor_table_create
from sanfuwu.issues.models import Issue, Rating, Status, Tier
from sanfuwu.issues.tasks import issues_flag_overdue
from sanfuwu.orgs.models import Category, Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.scoring.rollup import rollup_recent

REPO = Path(__file__).resolve().parents[1]
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "10"))
CONC = int(os.environ.get("BENCH_HTTP_C", "4"))
CONC_WRITE = int(os.environ.get("BENCH_HTTP_C_WRITE", "16"))
WORKERS = int(os.environ.get("BENCH_HTTP_WORKERS", "1"))
ONLY = {s for s in os.environ.get("BENCH_HTTP_ONLY", "").split(",") if s}
OUT = os.environ.get("BENCH_HTTP_OUT", str(REPO / "docs" / "benchmarks.md"))
WAITING = float(os.environ.get("BENCH_WAITING_SHARE", "0.003"))  # share of issues waiting for dispatch
LUA = REPO / "bench" / "wrk_report.lua"
# BENCH_HTTP_PEER=1: after ours, the peer (django-helpdesk, ../shared/peer/helpdesk) on the same kind
# of database and as many tickets, and each of our pages read against the peer's nearest one.
PEER = os.environ.get("BENCH_HTTP_PEER", "") not in ("", "0")
PEER_DIR = Path(os.environ.get("BENCH_PEER_DIR", str(REPO.parent / "shared" / "peer" / "helpdesk")))
PEER_SCENARIOS = "p2_web_page p2_web_data floor p1_create_session"
# Our page → the peer's nearest: its insert floor, its ticket create through the API with a session,
# and the rows of its staff ticket list (its worklist: one queue's open tickets by due date, 25 rows).
PEER_OF = {"floor_insert": "floor", "intake_issue": "p1_create_session"}
PEER_LIST = "p2_web_data"
PROFILE = os.environ.get("BENCH_HTTP_PROFILE", "1") not in ("", "0")


@dataclass
class Scenario:
    name: str
    who: str
    path: str
    method: str = "GET"
    body: str = ""
    conc: int = CONC
    expect: int = 200
    floor: str = "floor_read"
    result: dict[str, object] = field(default_factory=dict)


def build() -> float:
    started = time.perf_counter()
    ranking.build()
    _aftercare_as_kept()
    visits_data.build()
    if not Issue.objects.filter(status=Status.REGISTERED).exists():
        _waiting_for_dispatch(int(Issue.objects.count() * WAITING) or 50)
        # What the hourly job would have done by now: every late running issue on the board.
        print(f"flagged {issues_flag_overdue():,} late issues", flush=True)
    # And the hourly job's roll-ups of the months the dashboard and the rankings read (every
    # month the first time, the recent ones after).
    rolled = time.perf_counter()
    months = rollup_recent()
    print(f"rolled up {len(months)} months in {time.perf_counter() - rolled:.1f} s", flush=True)
    floor_table_create()
    with connection.cursor() as cursor:
        # What autovacuum would have done by now on PostgreSQL: the statistics, and the visibility
        # map that lets a count read an index alone.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def _aftercare_as_kept() -> None:
    """Resolved issues as a kept after-care queue leaves them (`bench.ranking` leaves every one
    of them unanswered, a year of them): answered within three days, visited within a week, closed
    within two; only the last two weeks' stay resolved, spread over the three tabs."""
    now = timezone.now()
    resolved = Issue.objects.filter(status=Status.RESOLVED)
    done = {"feedback": "已答复", "rating": Rating.SATISFIED}
    resolved.filter(resolved_at__lt=now - timedelta(days=14)).update(
        status=Status.CLOSED, resolution="已办结", closed_at=F("resolved_at") + timedelta(days=10), **done
    )
    resolved.filter(resolved_at__lt=now - timedelta(days=7)).update(**done)
    resolved.filter(resolved_at__lt=now - timedelta(days=3), feedback="").update(feedback="已答复")


def _waiting_for_dispatch(n: int) -> None:
    """The dispatcher's queue: registered issues, not yet handed to a department."""
    rng = random.Random(7)
    grids = list(Region.objects.filter(kind=RegionKind.GRID))
    categories = list(Category.objects.all())
    person = Person.objects.get(username="dispatcher")
    now = timezone.now()
    bulk_insert(
        [
            Issue(
                number=f"WT-Q-{i:08d}",
                title="待梳理的基准问题",
                description="基准",
                source="visit",
                category=rng.choice(categories),
                region=rng.choice(grids),
                tier=Tier.DEADLINE,
                status=Status.REGISTERED,
                registered_at=now - timedelta(minutes=rng.randint(0, 30 * 24 * 60)),
                registered_by=person,
            )
            for i in range(n)
        ]
    )


def scenarios() -> list[Scenario]:
    some_issue = Issue.objects.filter(status=Status.IN_PROGRESS, lead_department__isnull=False).order_by(
        "-id"
    )
    issue = some_issue.first() or Issue.objects.order_by("-id").first()
    assert issue is not None
    xiasha = Region.objects.get(name="下沙街道")
    category = Category.objects.order_by("id").first()
    assert category is not None
    intake = urllib.parse.urlencode(
        {
            "title": "基准登记问题{n}", "description": "企业反映厂区门口道路破损，货车进出不便，希望尽快修复。",
            "source": "visit", "category": category.pk, "tier": Tier.DEADLINE, "region": issue.region_id,
        }
    )  # fmt: skip
    work = reverse("issues:work")
    after = reverse("issues:aftercare")
    listing = reverse("issues:list")
    return [
        Scenario("floor_insert", "dispatcher", "/floor/insert/", "POST", '{"n": "{n}"}', CONC_WRITE, 201),
        Scenario("floor_read", "dispatcher", "/floor/read/"),
        Scenario("work_pending", "handler", f"{work}?tab=pending"),
        Scenario("work_doing", "handler", f"{work}?tab=doing"),
        Scenario("work_due_soon", "handler", f"{work}?tab=due_soon"),
        Scenario("work_overdue", "handler", f"{work}?tab=overdue"),
        Scenario("work_dept_doing", "head", f"{work}?view=dept&tab=doing"),
        Scenario("triage", "dispatcher", reverse("issues:triage")),
        Scenario("aftercare_answer", "dispatcher", f"{after}?tab=answer"),
        Scenario("aftercare_visit", "dispatcher", f"{after}?tab=visit"),
        Scenario("street_list", "dispatcher_xiasha", listing),
        Scenario(
            "street_list_filtered", "dispatcher_xiasha", f"{listing}?status=in_progress&region={xiasha.pk}"
        ),
        Scenario("district_list", "leader", listing),
        Scenario("district_list_overdue", "leader", f"{listing}?live=overdue"),
        Scenario("issue_page", "leader", reverse("issues:detail", args=[issue.pk])),
        Scenario("visit_form", "visitor", reverse("visits:new")),
        Scenario("visit_list", "dispatcher_xiasha", reverse("visits:list")),
        Scenario("coverage", "dispatcher", reverse("visits:coverage")),
        Scenario("ranking", "leader", reverse("race:ranking")),
        Scenario("dashboard", "leader", reverse("race:dashboard")),
        *(
            Scenario(f"home_{who}", who, reverse("home"))
            for who in ("leader", "dispatcher", "handler", "head", "visitor", "supervisor", "evaluator")
        ),
        Scenario(
            "intake_issue",
            "dispatcher",
            reverse("issues:new"),
            "POST",
            intake,
            CONC_WRITE,
            302,
            "floor_insert",
        ),
    ]


def sign_in(username: str) -> tuple[str, str]:
    """A session for `username`, made as a login would make it, and a CSRF secret: cookies and
    headers for wrk, without sending a password through the load generator."""
    person = Person.objects.get(username=username)
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(person.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()
    store.create()
    csrf = get_random_string(32)
    cookie = f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return cookie, csrf


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SANFUWU_BENCH_FLOOR": "1"}
    if connection.vendor == "postgresql":
        # As the README runs PostgreSQL in production: connections kept between requests (a new
        # one per request costs a backend's start, more than most pages' queries).
        env.setdefault("SANFUWU_DB_CONN_MAX_AGE", "600")
    command = [str(REPO / ".venv" / "bin" / "sanfuwu"), "serve", "--port", str(port), "--no-jobs"]
    if WORKERS > 1:
        command += ["--workers", str(WORKERS)]
    server = subprocess.Popen(
        command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5)
            return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.3)
    raise RuntimeError("the server did not answer in 120 s")


def probe(base: str, s: Scenario, cookie: str, csrf: str) -> tuple[int, float]:
    """One request alone: its status and milliseconds (a wrong status stops the benchmark)."""
    body = s.body.replace("{n}", "probe").encode() if s.method == "POST" else None
    request = urllib.request.Request(
        base + s.path, data=body, method=s.method, headers=_headers(s, cookie, csrf)
    )

    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None  # a 302 is the answer we measure, not the page after it

    opener = urllib.request.build_opener(Keep)
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=600) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - started) * 1000


def _headers(s: Scenario, cookie: str, csrf: str) -> dict[str, str]:
    headers = {
        "Cookie": cookie,
        "X-CSRFToken": csrf,
        "Referer": "http://127.0.0.1/",
        "Accept-Language": "zh-hans",
    }
    if s.method == "POST":
        json_body = s.body.startswith("{")
        headers["Content-Type"] = "application/json" if json_body else "application/x-www-form-urlencoded"
    return headers


def run_wrk(base: str, s: Scenario, cookie: str, csrf: str, seconds: int, out: Path) -> dict[str, object]:
    env = {
        **os.environ, "WRK_METHOD": s.method, "WRK_BODY": s.body, "WRK_OUT": str(out),
        "WRK_HEADERS": "\n".join(f"{k}: {v}" for k, v in _headers(s, cookie, csrf).items()),
    }  # fmt: skip
    threads = min(s.conc, 2)
    subprocess.run(
        ["wrk", f"-t{threads}", f"-c{s.conc}", f"-d{seconds}s", "--timeout", "60s", "-s", str(LUA), base + s.path],
        env=env, capture_output=True, timeout=seconds + 120, check=False,
    )  # fmt: skip
    return json.loads(out.read_text()) if out.exists() and out.read_text().strip() else {}


def rss_mb(pid: int) -> list[float]:
    """Resident memory of the server and its children, MB each."""
    pids = [pid]
    for child in Path("/proc").glob("[0-9]*"):
        try:
            if int((child / "stat").read_text().split()[3]) == pid:
                pids.append(int(child.name))
        except (OSError, ValueError, IndexError):
            continue
    found = []
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    found.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return found


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    built_in = build()
    total = Issue.objects.count()
    chosen = [s for s in scenarios() if not ONLY or s.name in ONLY or s.name.startswith("floor")]
    sessions = {who: sign_in(who) for who in {s.who for s in chosen}}
    work = Path(tempfile.mkdtemp(prefix="sanfuwu-http-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(port, work / "serve.log")
    rss: list[float] = []
    try:
        for s in chosen:
            cookie, csrf = sessions[s.who]
            status, alone = probe(base, s, cookie, csrf)
            if status != s.expect:
                raise SystemExit(f"{s.name}: {s.path} answered {status}, not {s.expect}")
            run_wrk(base, s, cookie, csrf, 2, work / f"warm-{s.name}.json")
            s.result = {
                **run_wrk(base, s, cookie, csrf, SECONDS, work / f"{s.name}.json"),
                "alone_ms": round(alone, 1),
            }
            print(f"{s.name:<24} c={s.conc:<3} {_line(s.result)}", flush=True)
        rss = rss_mb(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    profiles = profile_misses(chosen) if PROFILE else {}
    peer: dict[str, dict[str, object]] = {}
    if PEER:
        try:
            peer = run_peer(total)
        except (subprocess.CalledProcessError, OSError, SystemExit) as error:
            print(f"the peer's run failed, reported without it: {error}", flush=True)
    report(chosen, total, built_in, rss, peer, profiles)


def profile_misses(chosen: list[Scenario]) -> dict[str, dict[str, object]]:
    """Each page that missed its target, profiled in process once the server has stopped."""
    floor = {s.name: s.result for s in chosen}.get("floor_insert", {})
    found = {}
    for s in chosen:
        row = dict(s.result)
        if s.name == "intake_issue" and row.get("rps") and floor.get("rps"):
            row["rps_to_floor"] = float(row["rps"]) / float(floor["rps"])  # type: ignore[arg-type]
        if met(s.name, row) is False:
            found[s.name] = profile(s.who, s.method, s.path, s.body).as_json()
            print(f"profiled {s.name}: {found[s.name]['ms']} ms in process", flush=True)
    return found


def run_peer(total: int) -> dict[str, dict[str, object]]:
    """The peer's harness on the database kind of this run: a fresh database of `total` tickets,
    then its scenarios; its rows by scenario name."""
    db = "postgres" if connection.vendor == "postgresql" else "sqlite"
    env = {**os.environ, "PEER_DBS": db, "PEER_SCENARIOS": PEER_SCENARIOS}
    started = time.time()
    subprocess.run([str(PEER_DIR / "run_all.sh"), str(total)], env=env, check=True)
    cache = Path(env.get("PEER_CACHE") or Path(tempfile.gettempdir()) / "sanfuwu-peer" / "helpdesk")
    runs = [p for p in (cache / "run").glob(f"bench-{db}-*.jsonl") if p.stat().st_mtime >= started]
    if not runs:
        raise SystemExit(f"the peer left no results in {cache / 'run'}")
    lines = max(runs, key=lambda p: p.stat().st_mtime).read_text().splitlines()
    return {row["scenario"]: row for row in (json.loads(line) for line in lines if line.strip())}


def _line(r: dict[str, Any]) -> str:
    if not r.get("requests"):
        return "no result"
    return (
        f"{r['rps']:>8.1f} req/s  p50 {r['p50_ms']:>7.1f}  p95 {r['p95_ms']:>7.1f}  p99 {r['p99_ms']:>7.1f} ms  "
        f"errors {int(r['err_status']) + int(r['err_timeout']) + int(r['err_connect'])}  alone {r['alone_ms']} ms"
    )


def _target_text(name: str) -> str:
    target = target_of(name)
    if target is None:
        return "–"
    kind, bound = target
    return f"≥ {bound} × floor" if kind == "ratio" else f"p95 ≤ {bound:.0f} ms"


def _met_text(value: object) -> str:
    return "–" if value is None else ("yes" if value else "**no**")


def json_compact(result: dict[str, Any]) -> str:
    """The run's figures, one row per line: readable in a diff, short in the document."""
    parts = [f'{{"meta": {json.dumps(result["meta"], ensure_ascii=False)},', ' "rows": [']
    rows = [json.dumps(row, ensure_ascii=False) for row in result["rows"]]
    parts.append(",\n".join(f"  {row}" for row in rows))
    parts.append("]}")
    return "\n".join(parts)


def _miss_text(row: dict[str, object]) -> str:
    """A miss named with its profile: the request's own time split into SQL and Python by part of
    the stack, the slowest query and its plan, and how much the load added on top."""
    p: dict[str, Any] = row["profile"]  # type: ignore[assignment]
    sql_share = p["sql_ms"] / p["ms"] if p["ms"] else 0.0
    parts = ", ".join(f"{name} {share:.0%}" for name, share in list(p["parts"].items())[:5])
    top = "; ".join(f"`{name}` {ms} ms" for name, ms in p["top"][:5])
    observed = (
        f"{row['rps_to_floor']} × the insert floor"
        if row["scenario"] == "intake_issue"
        else f"p95 {row.get('p95_ms')} ms"
    )
    load = float(row["p95_ms"]) / p["ms"] if p["ms"] and row.get("p95_ms") else 0.0  # type: ignore[arg-type]
    text = [
        f"- **{row['scenario']}** ({row['who']}): {observed} against {row['target']}. One request in process: "
        f"{p['ms']} ms, {p['queries']} queries taking {p['sql_ms']} ms ({sql_share:.0%}), the slowest "
        f"{p['slowest_sql_ms']} ms; so {max(p['ms'] - p['sql_ms'], 0):.1f} ms is Python. Under load the p95 is "
        f"{load:.1f} × that (c={row['conc']} sharing the server's processes and two cores with wrk and the database). "
        f"Python by part (cProfile, own time): {parts}. Heaviest functions: {top}.",
    ]
    if p.get("slowest_sql"):
        text.append(
            f"  <details><summary>slowest query and its plan</summary>\n\n  ```sql\n  {p['slowest_sql'][:1200]}\n  ```\n"
            f"  ```\n" + "\n".join(f"  {line}" for line in str(p.get("plan") or "(a write: not explained)").splitlines()[:40])
            + "\n  ```\n  </details>"
        )  # fmt: skip
    return "\n".join(text)


def _peer_of(name: str) -> str | None:
    if name in PEER_OF:
        return PEER_OF[name]
    return PEER_LIST if name.startswith(("work_", "street_list", "district_list", "triage")) else None


def report(
    chosen: list[Scenario],
    total: int,
    built_in: float,
    rss: list[float],
    peer: dict[str, dict[str, object]],
    profiles: dict[str, dict[str, object]],
) -> None:
    floors = {s.name: s.result for s in chosen if s.name.startswith("floor")}
    vendor = connection.vendor
    rows: list[dict[str, Any]] = []
    for s in chosen:
        r, f = s.result, floors.get(s.floor, {})
        ratio = (float(r["rps"]) / float(f["rps"])) if r.get("rps") and f.get("rps") else None  # type: ignore[arg-type]
        theirs = peer.get(_peer_of(s.name) or "", {})
        to_peer = float(r["rps"]) / float(theirs["rps"]) if r.get("rps") and theirs.get("rps") else None  # type: ignore[arg-type]
        rows.append({"scenario": s.name, "who": s.who, "path": s.path, "conc": s.conc, **r,
                     "floor": s.floor, "rps_to_floor": round(ratio, 3) if ratio else None,
                     "peer": _peer_of(s.name) if theirs else None,
                     "rps_to_peer": round(to_peer, 2) if to_peer else None})  # fmt: skip
        rows[-1]["target"] = _target_text(s.name)
        rows[-1]["met"] = met(s.name, rows[-1])
        if s.name in profiles:
            rows[-1]["profile"] = profiles[s.name]
    meta = {
        "database": vendor, "issues": total, "build_s": round(built_in, 1), "seconds": SECONDS, "workers": WORKERS,
        "server": "gunicorn" if WORKERS > 1 else "waitress", "cores": os.cpu_count(), "python": platform.python_version(),
        "rss_mb": [round(x) for x in rss], "at": timezone.now().isoformat(timespec="seconds"),
    }  # fmt: skip
    if OUT == "-":
        return
    if peer:
        meta["peer"] = {name: {k: row.get(k) for k in ("rps", "p50_ms", "p95_ms", "p99_ms", "requests", "probe_ms")}
                        for name, row in peer.items()}  # fmt: skip
    lines = [
        f"\n## {meta['at']} — {vendor}, {total:,} issues, {meta['server']} × {WORKERS}\n",
        f"Data built (or found) in {meta['build_s']} s; {SECONDS} s per scenario after a 2 s warm-up; "
        f"wrk on the same {meta['cores']}-core machine; server RSS {meta['rss_mb']} MB.\n",
        "| page | who | c | req/s | p50 ms | p95 ms | p99 ms | errors | alone ms | req/s ÷ floor | req/s ÷ peer | target | met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        errors = sum(int(row.get(k, 0) or 0) for k in ("err_status", "err_timeout", "err_connect"))
        peer_text = f"{row['rps_to_peer']} ({row['peer']})" if row["rps_to_peer"] else "–"
        lines.append(
            f"| {row['scenario']} | {row['who']} | {row['conc']} | {row.get('rps', '–')} | {row.get('p50_ms', '–')} | "
            f"{row.get('p95_ms', '–')} | {row.get('p99_ms', '–')} | {errors} | {row.get('alone_ms', '–')} | "
            f"{row['rps_to_floor'] if row['rps_to_floor'] is not None else '–'} | "
            f"{peer_text} | {row['target']} | {_met_text(row['met'])} |"
        )
    for name, theirs in peer.items():
        lines.append(
            f"| peer: {name} | helpdesk | – | {theirs.get('rps')} | {theirs.get('p50_ms')} | {theirs.get('p95_ms')} | "
            f"{theirs.get('p99_ms')} | – | {theirs.get('probe_ms')} | – | 1.0 | – | – |"
        )
    missed = [row for row in rows if row["met"] is False]
    lines.append(
        f"\nTargets met: {sum(1 for row in rows if row['met'])} of {sum(1 for row in rows if row['met'] is not None)}."
    )
    if missed and profiles:
        lines.append("\n### Where the misses' time goes (one request in process, after the run)\n")
        lines.extend(_miss_text(row) for row in missed if "profile" in row)
    lines.append("\n<details><summary>JSON</summary>\n\n```json")
    lines.append(json_compact({"meta": meta, "rows": rows}))
    lines.append("```\n</details>\n")
    path = Path(OUT)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(
            "# 性能基准（HTTP）\n\n由 `make bench-http` 生成，每次运行追加一节；说明见 bench/http.py。\n"
        )
    with path.open("a") as out:
        out.write("\n".join(lines) + "\n")
    print(
        f"\nappended to {path}; p50 of all pages: {statistics.median(float(r.get('p50_ms', 0)) for r in rows):.1f} ms"
    )


if __name__ == "__main__":
    main()
