"""Two rules on every signed-in request: a session left idle ends, and a password an
administrator chose is replaced before anything else is done."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from sanfuwu.audit.models import AuditAction
from sanfuwu.audit.services import audit_record

SEEN_KEY = "sfw_seen"
# The last request's time is written to the session at most this often: not a write per request.
SEEN_GRANULARITY = 60
OPEN_WHILE_CHANGING = ("/password/", "/logout/", "/static/", "/i18n/", "/favicon.ico")


def mark_seen_at_sign_in(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = int(time.time())


class AccountGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(SEEN_KEY)
            if isinstance(seen, int) and now - seen > settings.SANFUWU_IDLE_SECONDS:
                audit_record(action=AuditAction.SESSION_EXPIRED, obj=user, actor=user)
                logout(request)
                messages.warning(request, _("您已长时间未操作，为安全起见已自动退出，请重新登录。"))
            else:
                if not isinstance(seen, int) or now - seen >= SEEN_GRANULARITY:
                    request.session[SEEN_KEY] = now
                if user.must_change_password and not request.path_info.startswith(OPEN_WHILE_CHANGING):
                    return self._to_password_change(request)
        return self.get_response(request)

    def _to_password_change(self, request: HttpRequest) -> HttpResponse:
        target = reverse("password_change")
        if request.headers.get("HX-Request") == "true":
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)
