"""One error format for every refusal the API gives: {"detail": "…", "errors": {"field": ["…"]}},
in Chinese, with the status that says what kind of refusal it is."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class ApiError(Exception):
    """A refusal to answer with: 400 bad input, 401 no token, 403 not allowed, 404 missing or not
    yours (alike), 409 the issue moved on or its status refuses."""

    def __init__(self, status: int, detail: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail, "errors": self.errors}


def field_errors(message_dict: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        ("" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in message_dict.items()
    }


# The statuses an operation may refuse with, for its OpenAPI description.
REFUSALS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
