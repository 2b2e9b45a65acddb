"""Read replicas: which database a query goes to, when SANFUWU_REPLICA_URL adds one.

Everything goes to the primary ("default"), except reads made where the code has asked for the
replica (`reads_from_replica`: the lists, the dashboard, the exports, the bulletin), and then only
while nothing in the request has written, no transaction is open, and the reader has not written
in the last SANFUWU_REPLICA_LAG_SECONDS (a signed cookie, set by ReplicaMiddleware after any
request that wrote): the page an action redirects to shows that action, however far the replica
lags. Put the decorator below login_required, so that the session and the person are read from the
primary too. Without the router (no replica configured) the decorator changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ContextDecorator
from contextvars import ContextVar, Token
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
COOKIE = "sanfuwu_primary"
_SALT = "sanfuwu.core.routing"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _Request:
    """What the router knows of the request (or command) it serves."""

    wrote: bool = False  # something was written: later reads must see it
    fresh: bool = False  # the reader wrote within the lag window, in an earlier request


_request: ContextVar[_Request | None] = ContextVar("sanfuwu_replica_request", default=None)
_replica_reads: ContextVar[bool] = ContextVar("sanfuwu_replica_reads", default=False)


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str:
        state = _request.get()
        if (
            not _replica_reads.get()
            or state is None
            or state.wrote
            or state.fresh
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str:
        state = _request.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, copied: rows read from either belong together

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


class ReplicaReads(ContextDecorator):
    """The scope in which reads may go to the replica; see reads_from_replica."""

    def __init__(self) -> None:
        self._tokens: list[tuple[Token[_Request | None], Token[bool]]] = []

    def _recreate_cm(self) -> ReplicaReads:
        return ReplicaReads()  # one per call: a decorated view runs on many threads at once

    def __enter__(self) -> None:
        state = _request.get() or _Request()  # a command, or a request without the middleware
        self._tokens.append((_request.set(state), _replica_reads.set(True)))

    def __exit__(self, *exc: object) -> None:
        state_token, scope_token = self._tokens.pop()
        _replica_reads.reset(scope_token)
        _request.reset(state_token)

    def __call__(self, func: F) -> F:
        @wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with self._recreate_cm():
                result = func(*args, **kwargs)
                state = _request.get()
            if (
                isinstance(result, StreamingHttpResponse)
                and not isinstance(result, FileResponse)
                and not result.is_async
                and state is not None
            ):
                # An export reads as it streams, after the view has returned.
                result.streaming_content = _streamed(cast(Iterator[bytes], result.streaming_content), state)
            return result

        return cast(F, inner)


def reads_from_replica() -> ReplicaReads:
    """Reads inside may go to the replica: `@reads_from_replica()` on a read-only view, or
    `with reads_from_replica():` in a command. A write inside sends the reads after it back to
    the primary."""
    return ReplicaReads()


def _streamed(chunks: Iterable[bytes], state: _Request) -> Iterator[bytes]:
    iterator = iter(chunks)
    while True:
        tokens = _request.set(state), _replica_reads.set(True)
        try:
            chunk = next(iterator, None)
        finally:
            _replica_reads.reset(tokens[1])
            _request.reset(tokens[0])
        if chunk is None:
            return
        yield chunk


class ReplicaMiddleware:
    """Tracks whether the request writes; after one that did, the reader reads from the primary
    for SANFUWU_REPLICA_LAG_SECONDS, so that the page after an action shows it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        lag = settings.SANFUWU_REPLICA_LAG_SECONDS
        state = _Request(fresh=_primary_until(request) > time.time())
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote and lag > 0:
            response.set_signed_cookie(
                COOKIE, f"{time.time() + lag:.3f}", salt=_SALT, max_age=lag, httponly=True,
                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
        return response


def _primary_until(request: HttpRequest) -> float:
    """Until when the reader reads from the primary: the time in the cookie, if we signed it."""
    try:
        return float(request.get_signed_cookie(COOKIE, default="", salt=_SALT) or 0)
    except ValueError:
        return 0.0
