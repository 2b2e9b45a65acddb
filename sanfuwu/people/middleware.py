"""Two rules on every signed-in request: a session left idle ends, and a password an
administrator chose is replaced before anything else is done."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from sanfuwu.audit.models import AuditAction
from sanfuwu.audit.services import audit_record

# When the person last made a request, kept in a signed cookie rather than the session: a page
# read writes nothing to the database (on SQLite a long import holds the only write lock, and a
# page that had to write its session would wait for it). Refreshed at most once a minute, and
# bound to the session it belongs to: another session's cookie is worth nothing here.
SEEN_COOKIE = "sfw_seen"
SEEN_SALT = "sanfuwu.people.seen"
SEEN_GRANULARITY = 60
LOGIN_KEY = "sfw_login_at"  # written with the login's own session write
OPEN_WHILE_CHANGING = ("/password/", "/logout/", "/static/", "/i18n/", "/favicon.ico")
# What a page asks by itself on a timer is not the person at work: it keeps no session alive.
BACKGROUND_POLLS = frozenset({"inbox:bell", "imports:progress"})


def mark_login_time(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_KEY] = int(time.time())


def session_mark(user_pk: object, login_at: object) -> str:
    return hashlib.sha256(f"{user_pk}:{login_at}".encode()).hexdigest()[:16]


def _session_mark(request: HttpRequest) -> str:
    return session_mark(getattr(getattr(request, "user", None), "pk", ""), request.session.get(LOGIN_KEY, ""))


def seen_cookie_value(*, mark: str, at: int) -> str:
    return signing.dumps([mark, at], salt=SEEN_SALT)


def _last_seen(request: HttpRequest) -> int:
    try:
        mark, seen = signing.loads(request.COOKIES.get(SEEN_COOKIE, ""), salt=SEEN_SALT)
        seen = int(seen) if mark == _session_mark(request) else 0
    except (signing.BadSignature, TypeError, ValueError):
        seen = 0
    login_at = request.session.get(LOGIN_KEY)
    return max(seen, login_at if isinstance(login_at, int) else int(time.time()))


class AccountGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = int(time.time())
        seen = _last_seen(request)
        if now - seen > settings.SANFUWU_IDLE_SECONDS:
            audit_record(action=AuditAction.SESSION_EXPIRED, obj=user, actor=user)
            logout(request)
            messages.warning(request, _("您已长时间未操作，为安全起见已自动退出，请重新登录。"))
            response = self.get_response(request)
            response.delete_cookie(SEEN_COOKIE)
            return response
        if user.must_change_password and not request.path_info.startswith(OPEN_WHILE_CHANGING):
            return self._to_password_change(request)
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        background = match is not None and match.view_name in BACKGROUND_POLLS
        fresh = now - seen < SEEN_GRANULARITY and SEEN_COOKIE in request.COOKIES
        if not background and not fresh and request.user.is_authenticated:
            value = seen_cookie_value(mark=_session_mark(request), at=now)
            response.set_cookie(
                SEEN_COOKIE, value, max_age=settings.SESSION_COOKIE_AGE, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
        return response

    def _to_password_change(self, request: HttpRequest) -> HttpResponse:
        target = reverse("password_change")
        if request.headers.get("HX-Request") == "true":
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)
