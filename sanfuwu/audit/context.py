"""Who is acting and from where, for every audit row written while a request (or a command) runs.

The request is kept, not its user: the user is only known after authentication has run, which
for the API happens inside the view."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse


@dataclass
class Origin:
    request: HttpRequest | None = None
    channel: str = ""
    actor_name: str = ""
    enabled: bool = True
    actor: Any = None


_origin: ContextVar[Origin | None] = ContextVar("sanfuwu_audit_origin", default=None)


def current_origin() -> Origin:
    return _origin.get() or Origin(channel="system", actor_name="系统")


@contextmanager
def acting_as(*, channel: str, actor_name: str, actor: Any = None) -> Iterator[None]:
    """For commands and jobs: the rows they write name them, or the person they act for."""
    current = _origin.get()
    token = _origin.set(Origin(request=current.request if current else None, channel=channel,
                               actor_name=actor_name, actor=actor))  # fmt: skip
    try:
        yield
    finally:
        _origin.reset(token)


@contextmanager
def unaudited() -> Iterator[None]:
    """Building the demo district writes tens of thousands of rows nobody made; they are not changes."""
    token = _origin.set(Origin(channel="demo", actor_name="演示数据", enabled=False))
    try:
        yield
    finally:
        _origin.reset(token)


def client_address(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wrote unless a proxy we trust set it.
    address = request.META.get("REMOTE_ADDR") or None
    return address


class AuditOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        channel = "api" if request.path.startswith("/api/") or request.path.startswith("/open311/") else "web"
        token = _origin.set(Origin(request=request, channel=channel))
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)
