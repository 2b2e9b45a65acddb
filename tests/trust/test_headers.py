"""The headers every answer carries, and that no page runs a script written into it."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from django.test import Client
from django.urls import reverse

from sanfuwu.people.models import Person
from tests.conftest import World, client_for

TEMPLATES = Path(__file__).resolve().parents[2] / "sanfuwu"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=|\bhx-on[:-]|javascript:", re.I)


def test_it_sends_a_policy_that_allows_no_inline_script(world: World, leader: Person) -> None:
    response = client_for(leader).get(reverse("home"))
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_it_sends_the_protective_headers_on_the_public_pages_too(world: World) -> None:
    response = Client().get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Content-Security-Policy"]
    assert Client().get(reverse("public:raise"))["Content-Security-Policy"]


def test_its_cookies_are_http_only_and_not_secure_over_plain_http(world: World, leader: Person) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "leader", "password": "test-password-123"})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax" and not session["secure"]
    csrf = Client().get(reverse("login")).cookies["csrftoken"]
    assert csrf["httponly"]


def test_over_https_its_cookies_are_secure_and_browsers_are_told_to_stay(
    world: World, leader: Person, settings
) -> None:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client()
    response = client.post(
        reverse("login"), {"username": "leader", "password": "test-password-123"}, secure=True
    )
    assert response.cookies["sessionid"]["secure"]
    assert client.get(reverse("home"), secure=True)["Strict-Transport-Security"] == "max-age=31536000"


def test_no_template_carries_an_inline_script_or_handler() -> None:
    offenders = []
    for template in TEMPLATES.rglob("templates/**/*.html"):
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, HANDLER_ATTRIBUTE):
            for found in pattern.finditer(text):
                offenders.append(f"{template.relative_to(TEMPLATES)}: {found.group(0)}")
    assert offenders == []


def test_a_session_write_without_the_csrf_token_is_refused(world: World, leader: Person) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    response = client.post(reverse("inbox:read"))
    assert response.status_code == 403


def _answer_to_outage(path: str, **headers: str):
    from django.db import OperationalError
    from django.test import RequestFactory

    from sanfuwu.portal.refusals import server_error

    request = RequestFactory().get(path, headers=headers)
    try:
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')
    except OperationalError:
        return server_error(request)


def test_a_database_outage_is_said_plainly_as_503_on_pages_htmx_and_the_api() -> None:
    import sanfuwu.urls

    assert sanfuwu.urls.handler500 == "sanfuwu.portal.refusals.server_error"
    page = _answer_to_outage("/issues/")
    assert page.status_code == 503 and page["Retry-After"] == "10"
    assert "数据库暂时无法连接" in page.content.decode()
    partial = _answer_to_outage("/issues/", **{"HX-Request": "true"})
    assert partial.status_code == 503 and "X-Sfw-Refusal" in partial
    api = _answer_to_outage("/api/v1/issues")
    assert api.status_code == 503 and "数据库暂时无法连接" in json.loads(api.content)["detail"]


def test_any_other_fault_is_still_a_500() -> None:
    from django.test import RequestFactory

    from sanfuwu.portal.refusals import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(RequestFactory().get("/issues/"))
    assert response.status_code == 500 and "Retry-After" not in response


def test_only_the_token_interfaces_are_exempt_from_csrf() -> None:
    """A page a session can write through checks the CSRF token; only the API and Open311, which
    take no session (a bearer token, an api_key), are exempt."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from sanfuwu.api.api import api
    from sanfuwu.api.auth import TokenAuth

    exempt: list[str] = []

    def visit(patterns: Sequence[object], namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                visit(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and getattr(p.callback, "csrf_exempt", False):
                exempt.append(f"{namespace}:{p.name}")

    visit(get_resolver().url_patterns, "")
    assert exempt and {name.split(":")[0] for name in exempt} <= {"api", "open311"}, exempt
    assert all(isinstance(auth, TokenAuth) for auth in api.auth), "the API never takes a session"  # type: ignore[union-attr]
