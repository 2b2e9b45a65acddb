"""Mixed HTTP load against a running server (part of `make reliability`).

Drives a served district (e.g. `sanfuwu demo --small`, then `sanfuwu serve --port 8123`) for a
given time at a fixed rate, open loop: operations are scheduled evenly at `--rate` a second and
handed to a pool of worker threads whatever the server's answers take, each a random pick from the
weighted MIX below — staff pages, registering, dispatching and accepting issues, a dry-run import,
the public channel, the API and Open311, an enterprise's own pages. An operation is what a person
does at once: most are one request, an action is its page and its POST (and the redirect followed).

Every response is classified against the statuses its kind expects (200; 302 where a redirect is
the success; 409 where another dispatch or acceptance got there first); any other status, any 5xx,
a connection error or a timeout (30 s) is an error, recorded with its kind, status, URL and the
start of its body. Latency runs from sending the request to reading the whole body; the time an
operation waited for a free worker is reported apart (start_lag_ms). The JSON report has the run's
times, the rate asked and achieved, the requests sent, {count, errors, p50, p95, p99, max} per kind
and overall, and the first 50 errors; a summary table goes to stdout.

    .venv/bin/python -m tools.load --base http://127.0.0.1:8123 --minutes 10 --rate 8 \\
        --token-read sfw_… --token-write sfw_… --out /tmp/load.json

Signs in once per demo login through /login/ (never retried: five wrong passwords lock an
account). The public channel takes five raises an hour from one address, so a run raises at most
`--public-raises` (4) spread over its length; a second run from the same address within the hour
must pass `--public-raises 0`, or its raises are rightly refused (429, counted as errors).
Exit status: 0 clean, 1 with errors, 2 when setup (sign-in, tokens) failed, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.cookiejar
import io
import json
import os
import random
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

PASSWORD = os.environ.get("SANFUWU_DEMO_PASSWORD", "sanfuwu2025")
TIMEOUT = 30.0
BODY_SNIPPET = 300
ERRORS_KEPT = 50


# --- HTML: the forms, links and htmx headers of a page --------------------------------------------


@dataclass
class Select:
    name: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, text)
    selected: list[str] = field(default_factory=list)
    required: bool = False
    multiple: bool = False


@dataclass
class Form:
    action: str
    method: str
    attrs: dict[str, str]
    inputs: list[dict[str, str]] = field(default_factory=list)
    selects: dict[str, Select] = field(default_factory=dict)
    textareas: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str | None:
        for attrs in self.inputs:
            if attrs.get("name") == name:
                return attrs.get("value", "")
        return None

    def defaults(self) -> dict[str, str | list[str]]:
        """What the browser would send untouched: hidden and text inputs, ticked boxes, each
        select's chosen option (or its first), textareas."""
        data: dict[str, str | list[str]] = {}
        for attrs in self.inputs:
            name, kind = attrs.get("name"), attrs.get("type", "text").lower()
            if not name or kind in {"submit", "button", "file", "image", "reset"}:
                continue
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    previous = data.get(name)
                    value = attrs.get("value", "on")
                    if kind == "checkbox" and previous is not None:
                        data[name] = [*(previous if isinstance(previous, list) else [previous]), value]
                    else:
                        data[name] = value
                continue
            data[name] = attrs.get("value", "")
        for name, select in self.selects.items():
            if select.selected:
                data[name] = select.selected if select.multiple else select.selected[-1]
            elif select.options and not select.multiple:
                data[name] = select.options[0][0]
        data.update(self.textareas)
        return data


class PageParser(HTMLParser):
    """Forms (with their fields), the links and the body's hx-headers of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.body_attrs: dict[str, str] = {}
        self._form: Form | None = None
        self._select: Select | None = None
        self._option: dict[str, str] | None = None
        self._option_text: list[str] = []
        self._textarea: str | None = None
        self._textarea_text: list[str] = []
        self._loose: list[Form] = []  # forms that fields point to with form="id"

    def handle_starttag(self, tag: str, raw: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v if v is not None else "") for k, v in raw}
        if tag == "body":
            self.body_attrs = attrs
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = Form(attrs.get("action", ""), attrs.get("method", "get").lower(), attrs)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" or (tag == "button" and attrs.get("name")):
            self._form.inputs.append({"type": "submit" if tag == "button" else "text", **attrs})
        elif tag == "select" and attrs.get("name"):
            self._select = Select(attrs["name"], required="required" in attrs, multiple="multiple" in attrs)
            self._form.selects[attrs["name"]] = self._select
        elif tag == "option" and self._select is not None:
            self._option, self._option_text = attrs, []
        elif tag == "textarea" and attrs.get("name"):
            self._textarea, self._textarea_text = attrs["name"], []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._end_option()
            self._select = None
        elif tag == "option":
            self._end_option()
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.textareas[self._textarea] = "".join(self._textarea_text).lstrip("\n")
            self._textarea = None

    def _end_option(self) -> None:
        if self._option is None or self._select is None:
            return
        text = "".join(self._option_text).strip()
        value = self._option.get("value", text)
        self._select.options.append((value, text))
        if "selected" in self._option:
            self._select.selected.append(value)
        self._option = None

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text.append(data)
        elif self._textarea is not None:
            self._textarea_text.append(data)


def parse_page(text: str) -> PageParser:
    parser = PageParser()
    parser.feed(text)
    parser.close()
    return parser


def form_with_action(page: PageParser, pattern: str) -> Form | None:
    rx = re.compile(pattern)
    return next((f for f in page.forms if rx.search(f.action)), None)


def multipart(
    fields: dict[str, str | list[str]], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = "----sanfuwuload" + secrets.token_hex(12)
    out = io.BytesIO()
    for name, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            out.write(one.encode() + b"\r\n")
    for name, (filename, content, ctype) in files.items():
        quoted = urllib.parse.quote(filename)
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{quoted}"; '
            f"filename*=UTF-8''{quoted}\r\nContent-Type: {ctype}\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


# --- Recording ----------------------------------------------------------------------------------


def readable(body: str) -> str:
    """The API's refusals as people read them: its JSON escapes the Chinese."""
    if body[:1] in ("{", "["):
        with contextlib.suppress(ValueError):
            return json.dumps(json.loads(body), ensure_ascii=False)
    return body


class Recorder:
    """Every response's kind, outcome and latency; the first errors in full."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.statuses: dict[str, dict[str, int]] = {}
        self.error_records: list[dict[str, Any]] = []
        self.error_total = 0
        self.notes: dict[str, int] = {}

    def record(self, kind: str, status: int, ms: float, ok: bool, url: str, body: str) -> None:
        if not ok:
            body = readable(body)
        with self.lock:
            self.latencies.setdefault(kind, []).append(ms)
            by_status = self.statuses.setdefault(kind, {})
            by_status[str(status)] = by_status.get(str(status), 0) + 1
            self.errors.setdefault(kind, 0)
            if not ok:
                self.errors[kind] += 1
                self.error_total += 1
                if len(self.error_records) < ERRORS_KEPT:
                    self.error_records.append({
                        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                        "kind": kind, "status": status, "url": url, "ms": round(ms, 1),
                        "body": body[:BODY_SNIPPET],
                    })  # fmt: skip

    def note(self, what: str) -> None:
        with self.lock:
            self.notes[what] = self.notes.get(what, 0) + 1

    def failure(self, kind: str, url: str, message: str) -> None:
        """Something wrong that is not one response's status: a dry run the server refused."""
        self.record(kind, 0, 0.0, False, url, message)


@dataclass
class Response:
    status: int
    text: str
    content: bytes
    headers: dict[str, str]
    url: str
    ok: bool

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    """One person's browser (or an API client): its own cookies, no redirects followed."""

    def __init__(self, base: str, recorder: Recorder, *, headers: dict[str, str] | None = None) -> None:
        self.base = base.rstrip("/")
        self.recorder = recorder
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.headers = {"User-Agent": "sanfuwu-load/1", "Accept-Language": "zh-hans", **(headers or {})}

    def request(
        self, kind: str, path: str, *, expect: Iterable[int] = (200,), method: str = "GET",
        data: bytes | None = None, headers: dict[str, str] | None = None, record: bool = True,
    ) -> Response:  # fmt: skip
        url = path if path.startswith("http") else self.base + path
        req = urllib.request.Request(
            url, data=data, method=method, headers={**self.headers, **(headers or {})}
        )
        started = time.perf_counter()
        status, body, head = 0, b"", {}
        try:
            with self.opener.open(req, timeout=TIMEOUT) as answer:
                body = answer.read()
                status, head = answer.status, {k.lower(): v for k, v in answer.headers.items()}
        except urllib.error.HTTPError as exc:
            status, head = exc.code, {k.lower(): v for k, v in exc.headers.items()}
            try:
                body = exc.read()
            except OSError as read_error:
                body = f"(body unreadable: {read_error!r})".encode()
            exc.close()
        except (OSError, ValueError) as exc:  # refused, reset, timed out
            body = f"{type(exc).__name__}: {exc}".encode()
        ms = (time.perf_counter() - started) * 1000
        text = body.decode("utf-8", "replace")
        ok = status in set(expect) and status < 500
        if record:
            self.recorder.record(kind, status, ms, ok, url, text)
        return Response(status, text, body, head, url, ok)

    def get(self, kind: str, path: str, **kwargs: Any) -> Response:
        return self.request(kind, path, **kwargs)

    def post_form(
        self, kind: str, path: str, fields: dict[str, str | list[str]], *, expect: Iterable[int] = (302,),
        headers: dict[str, str] | None = None, files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Response:  # fmt: skip
        if files is not None:
            body, ctype = multipart(fields, files)
        else:
            pairs = [(k, x) for k, v in fields.items() for x in (v if isinstance(v, list) else [v])]
            body, ctype = urllib.parse.urlencode(pairs).encode(), "application/x-www-form-urlencoded"
        return self.request(
            kind,
            path,
            method="POST",
            data=body,
            expect=expect,
            headers={"Content-Type": ctype, **(headers or {})},
        )

    def post_json(self, kind: str, path: str, payload: Any, *, expect: Iterable[int] = (201,)) -> Response:
        return self.request(
            kind, path, method="POST", data=json.dumps(payload).encode(), expect=expect,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )  # fmt: skip


class LoginFailed(Exception):
    pass


def sign_in(base: str, recorder: Recorder, username: str, password: str) -> Client:
    """Through the real form, once: a second try with a wrong password only nears the lockout."""
    client = Client(base, recorder)
    form_page = client.get("login.form", "/login/")
    forms = parse_page(form_page.text).forms if form_page.ok else []
    form = next((f for f in forms if f.value("password") is not None), None)
    token = form.value("csrfmiddlewaretoken") if form else None
    if not token:
        raise LoginFailed(f"{username}: no login form ({form_page.status}): {form_page.text[:200]}")
    done = client.post_form(
        "login.post", "/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": client.base + "/login/"},
    )  # fmt: skip
    if done.status != 302:
        raise LoginFailed(
            f"{username}: sign-in refused ({done.status}); not retried, to stay clear of the lockout"
        )
    return client


# --- What people do -------------------------------------------------------------------------------

ISSUE_LINK = re.compile(r'href="/issues/(\d+)/"')
COMPANY_LINK = re.compile(r'href="/company/issues/(\d+)/"')
DISPATCH_FORM = re.compile(r'<form\b[^>]*\baction="/issues/triage/(\d+)/dispatch/"')
HX_HEADERS = re.compile(r"<body\b[^>]*\bhx-headers='([^']*)'")
CHECK_QUESTION = re.compile(r'id="check-question">\s*(\d+)\s*\+\s*(\d+)')
HUMAN_WAIT = 4.0  # the public form refuses an answer sent sooner than 3 s after it was opened
IMPORT_EVERY = 60.0
IMPORT_WAIT = 90.0
STAFF = ("leader", "dispatcher", "handler", "visitor")
LOGINS = (*STAFF, "qiye")

TITLES = [
    "路灯不亮",
    "道路破损",
    "占道经营",
    "噪声扰民",
    "井盖松动",
    "绿化带缺损",
    "垃圾清运不及时",
    "停车难",
]
PLACES = ["下沙街道头格社区6号大街", "下沙街道文渊路", "白杨街道学林街", "河庄街道东沙湖社区"]


def links(text: str, rx: re.Pattern[str]) -> list[int]:
    return list(dict.fromkeys(int(pk) for pk in rx.findall(text)))


def fragment(text: str, start: int) -> PageParser:
    """One form of a long page, parsed alone: the triage page is large, and a load generator
    sharing two cores with the server should not spend them on parsing what it does not use."""
    end = text.find("</form>", start)
    return parse_page(text[start : end + 7 if end >= 0 else len(text)])


def body_csrf(text: str) -> str:
    m = HX_HEADERS.search(text)
    if not m:
        return ""
    try:
        return str(json.loads(html.unescape(m.group(1))).get("X-CSRFToken", ""))
    except ValueError:
        return ""


def credit_code(rng: random.Random) -> str:
    """A valid 统一社会信用代码 (GB 32100-2015) nobody holds: 91 (enterprise), 330114, nine random
    characters and the check character."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    first = (
        "91330114" + "".join(rng.choice("0123456789") for _ in range(8)) + rng.choice("ABCDEFGHJKLMNPQRTUWXY")
    )
    total = sum(alphabet.index(ch) * w for ch, w in zip(first, weights, strict=True))
    return first + alphabet[(31 - total % 31) % 31]


class World:
    """The shared state of one run: signed-in people, what they have seen, the run's limits."""

    def __init__(self, args: argparse.Namespace, recorder: Recorder) -> None:
        self.base = args.base.rstrip("/")
        self.recorder = recorder
        self.duration = args.duration
        self.token_read = args.token_read
        self.token_write = args.token_write
        self.lock = threading.Lock()
        self.people: dict[str, Client] = {}
        self.issue_pks: dict[str, list[int]] = {}
        self.company_pks: list[int] = []
        self.api_ids: list[int] = []
        self.api_next: str | None = None
        self.categories: list[int] = []
        self.regions: list[int] = []
        self.handler_department = ""
        self.public_codes: list[str] = []
        self.raises_left = args.public_raises
        self.raise_spacing = args.duration / max(args.public_raises, 1)
        self.next_raise = 0.0
        self.next_import = 0.0
        self.import_serial = 0
        self.run_tag = datetime.now().strftime("%m%d%H%M%S")
        self.started = 0.0
        self.paths = {"list": "/api/issues", "detail": "/api/issues/{issue_id}", "create": "/api/issues"}
        self.api_read = Client(self.base, recorder, headers={"Authorization": f"Bearer {args.token_read}"})
        self.api_write = Client(self.base, recorder, headers={"Authorization": f"Bearer {args.token_write}"})
        self.password = args.password

    # Setup: sign in once each, learn the ids to use. Its requests are not part of the figures.
    def setup(self, setup_recorder: Recorder) -> None:
        for username in LOGINS:
            client = sign_in(self.base, setup_recorder, username, self.password)
            self.people[username] = client
        for client in (*self.people.values(), self.api_read, self.api_write):
            client.recorder = setup_recorder
        spec = self.api_read.get("setup.openapi", "/api/openapi.json")
        if spec.ok:
            for path, operations in json.loads(spec.text).get("paths", {}).items():
                for method, operation in operations.items():
                    op = str(operation.get("operationId", ""))
                    if op.endswith("_issue_list") and method == "get":
                        self.paths["list"] = path
                    elif op.endswith("_issue_detail") and method == "get":
                        self.paths["detail"] = path
                    elif op.endswith("_issue_create") and method == "post":
                        self.paths["create"] = path
        listed = self.api_read.get("setup.api_list", self.paths["list"] + "?limit=100")
        if not listed.ok:
            raise LoginFailed(f"the read token is refused ({listed.status}): {readable(listed.text)[:200]}")
        for item in json.loads(listed.text).get("items", []):
            self.api_ids.append(int(item["id"]))
            if item.get("category"):
                self.categories.append(int(item["category"]["id"]))
            if item.get("region"):
                self.regions.append(int(item["region"]["id"]))
        self.categories = sorted(set(self.categories))
        self.regions = sorted(set(self.regions))
        for username in STAFF:
            page = self.people[username].get("setup.issues", "/issues/")
            self.issue_pks[username] = links(page.text, ISSUE_LINK)
        company = self.people["qiye"].get("setup.company", "/company/")
        self.company_pks = links(company.text, COMPANY_LINK)
        # The handler's department, so that some dispatches come their way to be accepted.
        triage = self.people["dispatcher"].get("setup.triage", "/issues/triage/")
        start = triage.text.find('action="/issues/triage/batch/"')
        work = self.people["handler"].get("setup.work", "/issues/work/")
        if start >= 0:
            batch = fragment(triage.text, triage.text.rfind("<form", 0, start))
            select = next((f.selects.get("lead_department") for f in batch.forms), None)
            named = [
                (work.text.count(text), value) for value, text in (select.options if select else []) if value
            ]
            if named and max(named)[0] > 0:
                self.handler_department = max(named)[1]
        for client in (*self.people.values(), self.api_read, self.api_write):
            client.recorder = self.recorder
        if setup_recorder.error_records:
            bad = json.dumps(setup_recorder.error_records[:3], ensure_ascii=False)
            raise LoginFailed(f"setup failed: {bad}")

    def remember(self, username: str, pks: list[int]) -> None:
        if pks:
            with self.lock:
                self.issue_pks[username] = pks

    def pick_pk(self, username: str, rng: random.Random) -> int | None:
        with self.lock:
            pks = self.issue_pks.get(username) or []
            return rng.choice(pks) if pks else None

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def staff(rng: random.Random, *among: str) -> str:
    return rng.choice(among or STAFF)


# Staff pages ---------------------------------------------------------------------------------


def page_home(w: World, rng: random.Random) -> None:
    w.people[staff(rng)].get("page.home", "/")


def page_issues(w: World, rng: random.Random) -> None:
    who = staff(rng)
    answer = w.people[who].get("page.issues", "/issues/")
    w.remember(who, links(answer.text, ISSUE_LINK))


def page_issue(w: World, rng: random.Random) -> None:
    who = staff(rng)
    pk = w.pick_pk(who, rng)
    if pk is None:
        return page_issues(w, rng)
    w.people[who].get("page.issue", f"/issues/{pk}/")


def page_triage(w: World, rng: random.Random) -> None:
    w.people["dispatcher"].get("page.triage", "/issues/triage/")


def page_targets(w: World, rng: random.Random) -> None:
    w.people[staff(rng)].get("page.targets", "/targets/")


def page_race(w: World, rng: random.Random) -> None:
    w.people[staff(rng)].get("page.race", "/race/")


def page_dashboard(w: World, rng: random.Random) -> None:
    w.people[staff(rng, "leader", "dispatcher", "handler")].get("page.dashboard", "/race/dashboard/")


def page_visits(w: World, rng: random.Random) -> None:
    w.people[staff(rng)].get("page.visits", "/visits/")


def page_bell(w: World, rng: random.Random) -> None:
    client = w.people[staff(rng)]
    client.get("htmx.bell", "/inbox/bell/?id=sfw-bell", headers={
        "HX-Request": "true", "HX-Trigger": "sfw-bell", "HX-Target": "sfw-bell", "HX-Current-URL": client.base + "/",
    })  # fmt: skip


def page_work(w: World, rng: random.Random) -> None:
    tab = rng.choice(["", "?tab=pending", "?tab=doing", "?view=dept"])
    w.people["handler"].get("page.work", f"/issues/work/{tab}")


def page_mine(w: World, rng: random.Random) -> None:
    w.people[staff(rng, "dispatcher", "visitor")].get("page.mine", "/issues/mine/")


# Actions -----------------------------------------------------------------------------------------


def act_register(w: World, rng: random.Random) -> None:
    """A visitor writes a problem down through /issues/new/: 302 to the new issue."""
    client = w.people["visitor"]
    page = client.get("page.issue_new", "/issues/new/")
    if not page.ok:
        return
    form = form_with_action(parse_page(page.text), r"^$")
    if form is None or "category" not in form.selects:
        w.recorder.failure("action.register", page.url, "no registration form on the page")
        return
    data = form.defaults()
    for name, select in form.selects.items():
        choices = [value for value, _text in select.options if value]
        # The category and the place always; an enterprise half of the time.
        wanted = name in {"category", "region"} or (name == "target" and rng.random() < 0.5)
        if wanted and choices:
            data[name] = rng.choice(choices)
    what, where = rng.choice(TITLES), rng.choice(PLACES)
    data.update({
        "title": f"{where}{what}（压测 {w.run_tag}）",
        "description": f"走访中群众反映：{where}附近{what}，已持续一段时间，希望尽快处理。",
        "address": f"{where}{rng.randint(1, 200)}号", "source": "visit", "tier": "deadline",
    })  # fmt: skip
    for name in ("told_on_spot", "spot_rating", "resolution"):
        data.pop(name, None)
    done = client.post_form("action.register", "/issues/new/", data, expect=(302,))
    m = re.search(r"/issues/(\d+)/$", done.location)
    if done.status == 302 and not m:
        w.recorder.failure("action.register", done.url, f"redirected to {done.location!r}, not to an issue")
    elif m:
        client.get("page.issue", done.location)


def act_dispatch(w: World, rng: random.Random) -> None:
    """The dispatcher sends one waiting row of 待梳理 as its form does (htmx): 200 with the row, or
    409 when another dispatch took it first."""
    client = w.people["dispatcher"]
    page = client.get("page.triage", "/issues/triage/")
    rows = list(DISPATCH_FORM.finditer(page.text)) if page.ok else []
    if not rows:
        w.recorder.note("dispatch: nothing waiting")
        return
    chosen = rng.choice(rows[:20])
    pk = int(chosen.group(1))
    form = next(iter(fragment(page.text, chosen.start()).forms), None)
    if form is None:
        return
    data = form.defaults()
    lead = form.selects.get("lead_department")
    offered = [value for value, _text in (lead.options if lead else []) if value]
    if w.handler_department in offered and rng.random() < 0.5:
        data["lead_department"] = w.handler_department
    elif not data.get("lead_department") and offered:
        data["lead_department"] = rng.choice(offered)
    answer = client.post_form(
        "action.dispatch", f"/issues/triage/{pk}/dispatch/", data, expect=(200, 409), headers={
            "HX-Request": "true", "HX-Target": f"triage-{pk}", "HX-Current-URL": client.base + "/issues/triage/",
            "X-CSRFToken": body_csrf(page.text),
        },
    )  # fmt: skip
    if answer.status == 409:
        w.recorder.note("dispatch: lost the race (409)")


def act_accept(w: World, rng: random.Random) -> None:
    """A handler signs for (签收) one issue of the department's 待签收 tab, from its page."""
    client = w.people["handler"]
    work = client.get("page.work", "/issues/work/?tab=pending")
    pks = links(work.text, ISSUE_LINK) if work.ok else []
    if not pks:
        w.recorder.note("accept: nothing pending")
        return
    pk = rng.choice(pks[:10])
    detail = client.get("page.issue", f"/issues/{pk}/")
    start = detail.text.find(f'action="/issues/{pk}/act/accept/"')
    if start < 0:
        w.recorder.note("accept: not offered")
        return
    form = next(iter(fragment(detail.text, detail.text.rfind("<form", 0, start)).forms), None)
    if form is None:
        return
    answer = client.post_form(
        "action.accept", f"/issues/{pk}/act/accept/", form.defaults(), expect=(302, 409)
    )
    if answer.status == 409:
        w.recorder.note("accept: lost the race (409)")


def act_import(w: World, rng: random.Random) -> None:
    """At most once a minute: the dispatcher checks (只检查) a small targets workbook and follows the
    run until it is finished; a run refused or failed is an error, the workbook being valid."""
    with w.lock:
        due = w.elapsed() >= w.next_import
        if due:
            w.next_import = w.elapsed() + IMPORT_EVERY
            w.import_serial += 1
            serial = w.import_serial
    client = w.people["dispatcher"]
    if not due:
        client.get("page.imports", "/imports/")
        return
    page = client.get("page.imports", "/imports/?kind=targets")
    form = form_with_action(parse_page(page.text), r"^$") if page.ok else None
    if form is None:
        return
    template = client.get("import.template", "/imports/targets/template.xlsx")
    if not template.ok:
        return
    from openpyxl import Workbook, load_workbook  # only when an import runs: it is slow to import

    # The template's own header row, so that the workbook follows the columns wherever they move.
    sheet = load_workbook(io.BytesIO(template.content), read_only=True).active
    first = next(sheet.iter_rows(max_row=1), ()) if sheet is not None else ()
    headers = [str(c.value) if c.value is not None else "" for c in first]
    if "名称" not in headers:
        w.recorder.failure("import.template", template.url, f"no 名称 column in the template: {headers}")
        return
    book = Workbook()
    out = book.active
    assert out is not None
    out.append(headers)
    for n in range(3):
        row = {
            "名称": f"压测{w.run_tag}第{serial}批{n + 1}号科技有限公司", "类型": "企业",
            "统一社会信用代码": credit_code(rng), "行业": rng.choice(["生物医药", "电子信息", "装备制造"]),
            "所属区域": "下沙街道", "重点企业": "否", "地址": f"杭州市钱塘区压测路 {n + 1} 号",
            "联系人": "王某", "联系电话": f"1380000{rng.randint(1000, 9999)}",
        }  # fmt: skip
        out.append([row.get(h, "") for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    data = form.defaults()
    data.update({"kind": "targets", "dry_run": "on"})
    files = {"file": (f"压测联系对象-{w.run_tag}-{serial}.xlsx", buffer.getvalue(),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}  # fmt: skip
    sent = client.post_form("import.upload", "/imports/", data, files=files, expect=(302,))
    m = re.search(r"/imports/runs/(\d+)/$", sent.location)
    if not m:
        if sent.ok:
            w.recorder.failure("import.upload", sent.url, f"not redirected to a run: {sent.location!r}")
        return
    run = m.group(1)
    client.get("page.import_run", f"/imports/runs/{run}/")
    until = time.monotonic() + IMPORT_WAIT
    while time.monotonic() < until:
        time.sleep(1.0)  # the page polls every second
        progress = client.get(
            "htmx.import_progress", f"/imports/runs/{run}/progress/",
            headers={"HX-Request": "true", "HX-Target": "import-progress"},
        )  # fmt: skip
        if not progress.ok or progress.headers.get("hx-refresh") == "true":
            break
    final = client.get("page.import_run", f"/imports/runs/{run}/")
    state = re.search(r'id="import-run" data-state="([^"]+)"', final.text)
    if final.ok and (state is None or state.group(1) != "checked"):
        what = state.group(1) if state else "unknown"
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", final.text[final.text.find('id="import-run"') :]))
        w.recorder.failure("import.result", final.url, f"dry run ended {what!r}: {text[:250]}")


# The public channel --------------------------------------------------------------------------


def public_form(w: World, rng: random.Random) -> None:
    Client(w.base, w.recorder).get("public.form", "/public/")


def public_track(w: World, rng: random.Random) -> None:
    phone = Client(w.base, w.recorder)
    with w.lock:
        code = rng.choice(w.public_codes) if w.public_codes and rng.random() < 0.5 else None
    if code is None:
        phone.get("public.track", "/public/track/")
    else:  # a code this run was given: 302 to its status page, then the page
        found = phone.get(
            "public.track_code", f"/public/track/?code={urllib.parse.quote(code)}", expect=(302,)
        )
        if found.status == 302:
            phone.get("public.status", found.location)


def public_raise(w: World, rng: random.Random) -> None:
    """A resident raises a problem: the form, a person's pause, the sum worked out, then the
    tracking page. A handful a run, spread over it: the channel takes five an hour per address."""
    with w.lock:
        allowed = w.raises_left > 0 and w.elapsed() >= w.next_raise
        if allowed:
            w.raises_left -= 1
            w.next_raise = w.elapsed() + w.raise_spacing
    if not allowed:
        return public_form(w, rng)
    phone = Client(w.base, w.recorder)
    page = phone.get("public.form", "/public/")
    sum_asked = CHECK_QUESTION.search(page.text)
    form = form_with_action(parse_page(page.text), r"^$") if page.ok else None
    if form is None or sum_asked is None:
        w.recorder.failure("public.raise", page.url, "no form or no sum to work out on the page")
        return
    time.sleep(HUMAN_WAIT)
    data = form.defaults()
    category = form.selects.get("category")
    data.update({
        "category": rng.choice([v for v, _t in category.options if v]) if category else "",
        "region": "", "enterprise": "", "website": "",
        "description": f"{rng.choice(PLACES)}附近{rng.choice(TITLES)}已经一个多月了，晚上出行不便，希望尽快处理。",
        "address": f"{rng.choice(PLACES)}{rng.randint(1, 200)}号", "raiser_name": "李女士",
        "raiser_phone": f"1390000{rng.randint(1000, 9999)}",
        "answer": str(int(sum_asked.group(1)) + int(sum_asked.group(2))),
    })  # fmt: skip
    done = phone.post_form("public.raise", "/public/", data, files={}, expect=(302,))
    m = re.search(r"/public/t/([^/]+)/", done.location)
    if done.status == 302 and not m:
        w.recorder.failure("public.raise", done.url, f"redirected to {done.location!r}, not to a status page")
    elif m:
        with w.lock:
            w.public_codes.append(urllib.parse.unquote(m.group(1)))
        phone.get("public.status", done.location)


# The API and Open311 -----------------------------------------------------------------------------


def api_list(w: World, rng: random.Random) -> None:
    query: dict[str, str] = {"limit": str(rng.choice([10, 25, 50]))}
    with w.lock:
        after = w.api_next if rng.random() < 0.3 else None
    if after:
        query["after"] = after
    elif rng.random() < 0.3:
        query["status"] = rng.choice(["registered", "assigned", "in_progress", "resolved", "closed"])
    elif rng.random() < 0.2:
        query["group"] = rng.choice(["open", "awaiting_dispatch"])
    answer = w.api_read.get("api.list", w.paths["list"] + "?" + urllib.parse.urlencode(query))
    if answer.ok:
        try:
            page = json.loads(answer.text)
            ids = [int(item["id"]) for item in page.get("items", [])]
        except (ValueError, KeyError, TypeError):
            w.recorder.failure("api.list", answer.url, "not the documented page: " + answer.text[:200])
            return
        with w.lock:
            w.api_next = page.get("next") or None
            w.api_ids = list(dict.fromkeys([*ids, *w.api_ids]))[:500]


def api_detail(w: World, rng: random.Random) -> None:
    with w.lock:
        issue_id = rng.choice(w.api_ids) if w.api_ids else None
    if issue_id is None:
        return api_list(w, rng)
    w.api_read.get("api.detail", w.paths["detail"].replace("{issue_id}", str(issue_id)))


def api_create(w: World, rng: random.Random) -> None:
    what, where = rng.choice(TITLES), rng.choice(PLACES)
    payload: dict[str, Any] = {
        "title": f"{where}{what}（接口压测 {w.run_tag}）",
        "description": f"热线转来：{where}{what}，请尽快核实处理。",
        "source": "hotline", "category": rng.choice(w.categories), "tier": "deadline",
        "region": rng.choice(w.regions) if w.regions else None, "address": f"{where}{rng.randint(1, 200)}号",
    }  # fmt: skip
    answer = w.api_write.post_json("api.create", w.paths["create"], payload, expect=(201,))
    if answer.status == 201:
        try:
            new_id = int(json.loads(answer.text)["id"])
        except (ValueError, KeyError, TypeError):
            w.recorder.failure("api.create", answer.url, "201 without the new issue: " + answer.text[:200])
            return
        with w.lock:
            w.api_ids.insert(0, new_id)


def open311_services(w: World, rng: random.Random) -> None:
    Client(w.base, w.recorder).get("open311.services", "/open311/v2/services.json")


def open311_requests(w: World, rng: random.Random) -> None:
    key = urllib.parse.quote(w.token_read)
    Client(w.base, w.recorder).get("open311.requests", f"/open311/v2/requests.json?api_key={key}")


# An enterprise's own pages -------------------------------------------------------------------


def company_home(w: World, rng: random.Random) -> None:
    answer = w.people["qiye"].get("company.home", "/company/")
    pks = links(answer.text, COMPANY_LINK)
    if pks:
        with w.lock:
            w.company_pks = pks


def company_issue(w: World, rng: random.Random) -> None:
    with w.lock:
        pk = rng.choice(w.company_pks) if w.company_pks else None
    if pk is None:
        return company_home(w, rng)
    w.people["qiye"].get("company.issue", f"/company/issues/{pk}/")


def company_raise_form(w: World, rng: random.Random) -> None:
    w.people["qiye"].get("company.raise_form", "/company/raise/")


Task = Callable[[World, random.Random], None]

# (group, operation, weight in %, what it does)
MIX: list[tuple[str, str, float, Task]] = [
    ("staff", "home", 8, page_home),
    ("staff", "issues", 8, page_issues),
    ("staff", "issue", 10, page_issue),
    ("staff", "triage", 5, page_triage),
    ("staff", "targets", 5, page_targets),
    ("staff", "race", 4, page_race),
    ("staff", "dashboard", 4, page_dashboard),
    ("staff", "visits", 4, page_visits),
    ("staff", "bell", 4, page_bell),
    ("staff", "work", 2, page_work),
    ("staff", "mine", 1, page_mine),
    ("actions", "register", 5, act_register),
    ("actions", "dispatch", 6, act_dispatch),
    ("actions", "accept", 4, act_accept),
    ("imports", "import", 2, act_import),
    ("public", "form", 3, public_form),
    ("public", "track", 4, public_track),
    ("public", "raise", 3, public_raise),
    ("api", "list", 5, api_list),
    ("api", "detail", 4, api_detail),
    ("api", "create", 2, api_create),
    ("api", "open311_services", 2, open311_services),
    ("api", "open311_requests", 2, open311_requests),
    ("enterprise", "company_home", 1.5, company_home),
    ("enterprise", "company_issue", 1, company_issue),
    ("enterprise", "company_raise_form", 0.5, company_raise_form),
]


# --- The run --------------------------------------------------------------------------------------


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def rank(p: int) -> float:  # nearest rank
        index = -(-len(ordered) * p // 100) - 1
        return round(ordered[max(0, min(len(ordered) - 1, index))], 1)

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99), "max": round(ordered[-1], 1)}


class Runner:
    def __init__(self, world: World, rate: float, workers: int, seed: int) -> None:
        self.world = world
        self.rate = rate
        self.workers = workers
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.ops: dict[str, int] = {}
        self.lags: list[float] = []
        self.in_flight = 0
        self.dropped = 0
        self.interrupted = False
        self.window = 0.0  # how long operations were being scheduled

    def _one(self, name: str, task: Task, seed: int, due: float) -> None:
        lag = (time.monotonic() - due) * 1000
        try:
            task(self.world, random.Random(seed))
        except Exception as exc:  # the generator's own fault: shown, never hidden among the server's
            self.world.recorder.failure(f"generator.{name}", "", f"{type(exc).__name__}: {exc}")
        finally:
            with self.lock:
                self.in_flight -= 1
                self.lags.append(lag)
                self.ops[name] = self.ops.get(name, 0) + 1

    def run(self, duration: float, progress: Callable[[float, int], None]) -> int:
        names = [f"{group}.{name}" for group, name, _w, _t in MIX]
        weights = [weight for _g, _n, weight, _t in MIX]
        tasks = {f"{group}.{name}": task for group, name, _w, task in MIX}
        backlog = max(64, int(self.rate * 30))  # past this many waiting, the server has stopped answering
        scheduled = 0
        start = self.world.started = time.monotonic()
        next_report = start + 30
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="load") as pool:
            try:
                while True:
                    due = start + scheduled / self.rate
                    if due >= start + duration:
                        break
                    wait = due - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
                    name = self.rng.choices(names, weights)[0]
                    seed = self.rng.getrandbits(32)
                    scheduled += 1
                    with self.lock:
                        if self.in_flight >= backlog:
                            self.dropped += 1
                            continue
                        self.in_flight += 1
                    pool.submit(self._one, name, tasks[name], seed, due)
                    if time.monotonic() >= next_report:
                        next_report += 30
                        progress(time.monotonic() - start, scheduled)
            except KeyboardInterrupt:  # Ctrl+C: stop sending, let what is in flight finish, report
                self.interrupted = True
                print("  interrupted: finishing what is in flight", file=sys.stderr, flush=True)
            self.window = time.monotonic() - start
        return scheduled


def summary_table(report: dict[str, Any]) -> str:
    lines = [
        f"负载 load: {report['base']}  {report['seconds']:.0f} 秒 s  "
        f"请求速率 rate asked {report['rate_asked']}/s, 实际 achieved {report['achieved_rate']}/s  "
        f"操作 operations {report['operations_started']}  HTTP 请求 requests {report['requests_sent']}",
        f"{'类型 kind':<28}{'次数 n':>8}{'错误 err':>10}{'p50':>9}{'p95':>9}{'p99':>9}{'max ms':>9}",
    ]
    rows = [*report["kinds"].items(), ("总计 overall", report["overall"])]
    for kind, s in rows:
        lines.append(
            f"{kind:<28}{s['count']:>8}{s['errors']:>10}{s['p50']:>9.0f}{s['p95']:>9.0f}{s['p99']:>9.0f}"
            f"{s['max']:>9.0f}"
        )
    lines.append(
        f"错误 errors: {report['overall']['errors']}（前 {len(report['errors'])} 条见 JSON / first ones in the JSON）"
    )
    for e in report["errors"][:5]:
        lines.append(f"  {e['kind']} {e['status']} {e['url']}  {e['body'][:120]!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the served product")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, help="how long to run (default 10)")
    length.add_argument("--seconds", type=float, help="how long to run, for short runs")
    parser.add_argument("--rate", type=float, default=8.0, help="operations a second, scheduled evenly")
    parser.add_argument("--workers", type=int, default=16, help="threads sending them")
    parser.add_argument("--token-read", required=True, help="an API token with the read scope")
    parser.add_argument("--token-write", required=True, help="an API token with the write scope")
    parser.add_argument("--out", help="where to write the JSON report")
    parser.add_argument("--password", default=PASSWORD, help="the demo logins' password")
    parser.add_argument("--public-raises", type=int, default=4, choices=range(6),
                        help="public raises in the run (the channel takes 5 an hour from one address)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=None, help="the mix's random seed")
    args = parser.parse_args(argv)
    args.duration = args.seconds if args.seconds is not None else (args.minutes or 10.0) * 60
    args.base = args.base.rstrip("/")
    if args.rate <= 0 or args.duration <= 0:
        parser.error("--rate and the duration must be positive")
    seed = args.seed if args.seed is not None else secrets.randbits(32)

    recorder = Recorder()
    world = World(args, recorder)
    try:
        world.setup(Recorder())
    except LoginFailed as exc:
        print(f"准备失败 setup failed: {exc}", file=sys.stderr)
        return 2
    print(f"开始 start: {args.base}, {args.duration:.0f} s at {args.rate}/s, seed {seed}", flush=True)

    def progress(elapsed: float, scheduled: int) -> None:
        with recorder.lock:
            sent, errors = sum(len(v) for v in recorder.latencies.values()), recorder.error_total
        print(f"  {elapsed:5.0f} s: {scheduled} operations, {sent} requests, {errors} errors", flush=True)

    started_at = datetime.now(UTC)
    cpu_before = os.times()
    runner = Runner(world, args.rate, args.workers, seed)
    scheduled = runner.run(args.duration, progress)
    ended_at = datetime.now(UTC)
    cpu = os.times()
    seconds = (ended_at - started_at).total_seconds()
    cpu_used = (cpu.user - cpu_before.user) + (cpu.system - cpu_before.system)
    every = [ms for values in recorder.latencies.values() for ms in values]
    started_ops = sum(runner.ops.values())
    report: dict[str, Any] = {
        "base": args.base,
        "started": started_at.isoformat(timespec="seconds"),
        "ended": ended_at.isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "seed": seed,
        "rate_asked": args.rate,
        "operations_scheduled": scheduled,
        "operations_started": started_ops,
        "operations_dropped": runner.dropped,
        "achieved_rate": round(started_ops / runner.window, 2) if runner.window else 0.0,
        "interrupted": runner.interrupted,
        "requests_sent": len(every),
        "requests_per_second": round(len(every) / seconds, 2) if seconds else 0.0,
        "start_lag_ms": percentiles(runner.lags),
        "generator_cpu_percent": round(100 * cpu_used / seconds, 1) if seconds else 0.0,
        "operations": dict(sorted(runner.ops.items())),
        "kinds": {
            kind: {
                "count": len(values),
                "errors": recorder.errors.get(kind, 0),
                **percentiles(values),
                "statuses": recorder.statuses.get(kind, {}),
            }
            for kind, values in sorted(recorder.latencies.items())
        },
        "overall": {"count": len(every), "errors": recorder.error_total, **percentiles(every)},
        "notes": dict(sorted(recorder.notes.items())),
        "errors": recorder.error_records,
    }
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            json.dump(report, out, ensure_ascii=False, indent=2)
    print(summary_table(report), flush=True)
    return 1 if recorder.error_total else 130 if runner.interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
