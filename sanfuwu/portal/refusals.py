"""Every refusal reaches the person at the panel they used, whatever the page technique.

htmx 2 swaps only 2xx responses by default, so a refused action used to leave the page as it was
and its reason in the console. The contract, for the whole product (portal/refusals.js is the
other half):

- 400, 409 and 422 answers to an htmx request are fragments drawn for the place they came from
  (the form again with the reason at its field, or the panel in its current state): the browser
  swaps them like a 200.
- Any other refusal (403, 404, an expired session, a failed CSRF check, a server error) carries
  its reason, in the reader's language, in the `X-Sfw-Refusal` header; the browser does not swap
  it and writes the reason into the nearest `[data-sfw-feedback]` around what was clicked. This
  middleware makes sure of that for every view, so no view has to remember it.

Plain (non-htmx) requests get whole pages: the 4xx/5xx templates say the same thing in full.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.template import loader
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _

REFUSAL_HEADER = "X-Sfw-Refusal"
LOGIN_HEADER = "X-Sfw-Login"
# Answers drawn as fragments for the panel that asked: the browser swaps them in.
SWAPPED_STATUSES = frozenset({400, 409, 422})


def default_reason(status: int) -> str:
    reasons = {
        401: _("登录已超时，请重新登录后再操作。"),
        403: _("您没有权限进行此操作。"),
        404: _("没有找到要办理的内容：它可能已被删除，或不在您的管辖范围内。"),
        405: _("该操作不能这样提交，请刷新页面后重试。"),
        413: _("提交的内容过大，请减少附件或分批提交。"),
        429: _("操作过于频繁，请稍后再试。"),
    }
    if status in reasons:
        return reasons[status]
    if status >= 500:
        return _("服务器处理出错，您的操作没有完成。请稍后重试；如果反复出现，请联系系统管理员。")
    return _("请求未被接受，请刷新页面后重试。")


def refusal_response(reason: str, status: int) -> HttpResponse:
    """A refusal the browser shows at the panel it came from, not swapped into the page."""
    body = format_html('<div class="alert alert-danger" role="alert">{}</div>', reason)
    response = HttpResponse(body, status=status)
    response[REFUSAL_HEADER] = quote(reason)
    return response


def _is_login_redirect(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code not in (301, 302) or request.user.is_authenticated:
        return False
    location = response.get("Location", "")
    return location.split("?", 1)[0] == resolve_url(settings.LOGIN_URL)


class RefusalMiddleware:
    """Gives every htmx refusal a reason the browser can show (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or REFUSAL_HEADER in response:
            return response
        if _is_login_redirect(request, response):
            # The XHR would follow the redirect and swap the login page into a panel.
            refused = refusal_response(default_reason(401), 401)
            refused[LOGIN_HEADER] = quote(response["Location"].split("?", 1)[0])
            return refused
        status = response.status_code
        if status < 400:
            return response
        reason: str | None = getattr(request, "sfw_refusal_reason", None)
        if status in SWAPPED_STATUSES and reason is None:
            return response  # a fragment the view drew for its panel
        return refusal_response(reason or default_reason(status), status)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Remembers why a view refused; Django still turns the exception into its response."""
        if isinstance(exception, PermissionDenied):
            reason = str(exception) if exception.args else ""
            request.sfw_refusal_reason = reason or default_reason(403)  # type: ignore[attr-defined]
        elif isinstance(exception, Http404):
            # Never the exception's text: "missing" and "not yours" must read the same.
            request.sfw_refusal_reason = default_reason(404)  # type: ignore[attr-defined]
        elif isinstance(exception, SuspiciousOperation | BadRequest):
            request.sfw_refusal_reason = default_reason(400)  # type: ignore[attr-defined]
        else:
            request.sfw_refusal_reason = default_reason(500)  # type: ignore[attr-defined]


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form kept open past its session or token: say so plainly, wherever it was sent from."""
    message = _("页面已过期，请刷新页面后再提交。")
    if getattr(request, "htmx", False):
        return refusal_response(message, 403)
    page = render_to_string("403.html", {"exception": message}, request=request)
    return HttpResponse(page, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A database that cannot be reached is said as such (503, try again shortly), not
    as a fault of the product; nothing here touches the database itself."""
    failure = sys.exc_info()[1]
    if isinstance(failure, OperationalError | InterfaceError):
        status, reason = 503, _("数据库暂时无法连接，您的操作没有完成，也没有保存。请稍后重试。")
    else:
        status, reason = 500, default_reason(500)
    if request.path.startswith(("/api/", "/open311/")):
        response: HttpResponse = JsonResponse(
            {"detail": reason}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    elif request.headers.get("HX-Request") == "true":
        response = refusal_response(reason, status)
    else:
        template = "503.html" if status == 503 else "500.html"
        response = HttpResponse(loader.get_template(template).render({"reason": reason}), status=status)
    if status == 503:
        response["Retry-After"] = "10"
    return response
