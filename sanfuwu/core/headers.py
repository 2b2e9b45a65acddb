"""The Content-Security-Policy every answer carries.

Scripts come only from our own origin: no inline script, no handler attribute, no eval, so a name
or a complaint that slipped through escaping still could not run. Styles may be inline: Tabler
and ECharts set them, and a style cannot run code. Django's SecurityMiddleware and
XFrameOptionsMiddleware add the rest (nosniff, Referrer-Policy, COOP, X-Frame-Options, HSTS)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import FileResponse, HttpRequest, HttpResponse

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Nothing in the product uses these; a page that did not expect them cannot be made to.
PERMISSIONS = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()"


# What people uploaded is shown as itself and nothing more: even a file that is a picture and a
# page at once cannot run a script or reach anything when opened on its own.
UPLOADED_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def served_as_upload(response: FileResponse) -> FileResponse:
    response.headers["Content-Security-Policy"] = UPLOADED_POLICY
    return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS)
        return response
