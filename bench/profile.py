"""Where a page's time goes, in process: one request through Django's test client with every query
timed, the slowest one's plan (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite), and
the Python time by part of the stack from cProfile. bench.http writes it beside each page that
misses its target, so a miss is named with its profile and not only its figure."""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from django.db import connection
from django.test import Client

from sanfuwu.people.models import Person

PROFILED_RUNS = 3  # requests under cProfile, so that one collection of garbage does not make the picture
# Python time by where it is spent, first match wins; paths as cProfile names the files.
PARTS = [
    ("templates", ("django/template/", "django/templatetags/", "/templatetags/")),
    ("forms", ("django/forms/",)),
    ("ORM (queries built, rows turned into objects)", ("django/db/models/", "django/db/backends/base/")),
    (
        "database driver and server wait",
        ("django/db/backends/", "psycopg", "sqlite3", "of 'sqlite3.", "of 'psycopg"),
    ),
    (
        "translation and formatting",
        ("django/utils/translation", "gettext", "django/utils/formats", "django/utils/dateformat"),
    ),
    (
        "middleware, sessions, auth",
        (
            "django/contrib/sessions",
            "django/contrib/auth",
            "django/middleware",
            "django/contrib/messages",
            "django_htmx",
        ),
    ),
    ("our code", ("sanfuwu/",)),
]


def target_of(name: str) -> tuple[str, float] | None:
    """Issue 13's target for a page: p95 in ms at c=4, or for intake its req/s against the insert
    floor's."""
    if name.startswith("floor"):
        return None
    if name == "intake_issue":
        return ("ratio", 0.5)
    if name.startswith("work_") or name == "triage":
        return ("p95", 50.0)
    if name == "dashboard":
        return ("p95", 300.0)
    return ("p95", 100.0)


def met(name: str, row: dict[str, object]) -> bool | None:
    target = target_of(name)
    if target is None or not row.get("requests"):
        return None
    kind, bound = target
    if kind == "ratio":
        return row.get("rps_to_floor") is not None and float(row["rps_to_floor"]) >= bound  # type: ignore[arg-type]
    return float(row["p95_ms"]) <= bound  # type: ignore[arg-type]


@dataclass
class Query:
    sql: str
    params: Any
    ms: float


@dataclass
class Profile:
    ms: float  # median of three plain requests, no profiler
    queries: list[Query] = field(default_factory=list)
    parts: dict[str, float] = field(default_factory=dict)  # share of the profiled request's time
    top: list[tuple[str, float]] = field(
        default_factory=list
    )  # function, own ms per request under the profiler
    plan: str = ""

    @property
    def sql_ms(self) -> float:
        return sum(q.ms for q in self.queries)

    def as_json(self) -> dict[str, object]:
        slowest = max(self.queries, key=lambda q: q.ms, default=None)
        return {
            "ms": round(self.ms, 1), "queries": len(self.queries), "sql_ms": round(self.sql_ms, 1),
            "slowest_sql_ms": round(slowest.ms, 1) if slowest else None,
            "slowest_sql": slowest.sql[:2000] if slowest else None, "plan": self.plan,
            "parts": {k: round(v, 3) for k, v in self.parts.items()},
            "top": [[name, round(ms, 1)] for name, ms in self.top],
        }  # fmt: skip


def client_for(username: str) -> Client:
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(Person.objects.get(username=username))
    return client


def request_of(client: Client, method: str, path: str, body: str) -> Callable[[], object]:
    if method == "GET":
        return lambda: client.get(path)
    data = dict(parse_qsl(body.replace("{n}", "profile")))
    return lambda: client.post(path, data)


def profile(username: str, method: str, path: str, body: str = "") -> Profile:
    send = request_of(client_for(username), method, path, body)
    send()  # the first request fills per-process caches, as a served worker's first one would
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        send()
        samples.append((time.perf_counter() - started) * 1000)
    found = Profile(ms=statistics.median(samples))

    def timer(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            found.queries.append(Query(sql, params, (time.perf_counter() - started) * 1000))

    with connection.execute_wrapper(timer):
        send()
    slowest = max(found.queries, key=lambda q: q.ms, default=None)
    if slowest and slowest.sql.lstrip().upper().startswith("SELECT"):
        found.plan = explain(slowest)
    profiler = cProfile.Profile()
    for _ in range(PROFILED_RUNS):
        profiler.enable()
        send()
        profiler.disable()
    found.parts, found.top = _python_parts(pstats.Stats(profiler).stats)  # type: ignore[attr-defined]
    return found


def explain(query: Query) -> str:
    """The plan of a read: executed with timings on PostgreSQL, the chosen plan on SQLite (which
    has no EXPLAIN ANALYZE)."""
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + query.sql, query.params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return "\n".join(row[0] for row in rows)
    return "\n".join(" ".join(str(c) for c in row[1:]) for row in rows)


def _python_parts(table: dict[Any, Any]) -> tuple[dict[str, float], list[tuple[str, float]]]:
    """Own time by part of the stack. Time in a function of no part (a builtin such as getattr,
    Django's lazy-string glue, the copy module) goes to the parts of its callers, in proportion to
    what each caller spent in it, so that "other" is only what no part leads to. `table` is
    pstats' own: (file, line, function) → (calls, primitive calls, own s, cumulative s, callers)."""
    known: dict[Any, dict[str, float]] = {}

    def part_of(func: Any) -> str | None:
        filename, _line, name = func
        where = f"{filename} {name}"
        return next((label for label, marks in PARTS if any(m in where for m in marks)), None)

    def shares(func: Any, seen: frozenset[Any]) -> dict[str, float]:
        if func in known:
            return known[func]
        part = part_of(func)
        if part is not None:
            return {part: 1.0}
        callers = table.get(func, (0, 0, 0, 0, {}))[4]
        weights = {c: v[2] for c, v in callers.items() if c not in seen}
        total = sum(weights.values())
        if not total:
            return {"other": 1.0}
        found: dict[str, float] = {}
        for caller, weight in weights.items():
            for label, share in shares(caller, seen | {func}).items():
                found[label] = found.get(label, 0.0) + share * weight / total
        known[func] = found
        return found

    own: dict[str, float] = {}
    functions = []
    total = 0.0
    for func, (_cc, _nc, tottime, _ct, _callers) in table.items():
        total += tottime
        for label, share in shares(func, frozenset()).items():
            own[label] = own.get(label, 0.0) + tottime * share
        filename, line, name = func
        short = filename.split("site-packages/")[-1].split("/main/")[-1]
        functions.append((f"{short}:{line} {name}", tottime * 1000 / PROFILED_RUNS))
    functions.sort(key=lambda f: -f[1])
    return {k: v / total for k, v in sorted(own.items(), key=lambda kv: -kv[1])} if total else {}, functions[
        :8
    ]
