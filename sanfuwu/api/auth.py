"""The API's callers: a personal access token in `Authorization: Bearer sfw_…`, acting as its
person with that person's scope of data, and no more than the token's scope allows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from sanfuwu.api.errors import ApiError
from sanfuwu.people.models import Person
from sanfuwu.tokens.models import ApiToken, TokenScope
from sanfuwu.tokens.services import token_authenticate


class TokenAuth(HttpBearer):
    openapi_description = "个人访问令牌（在“接口令牌”页面创建），Authorization: Bearer sfw_…"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return token_authenticate(token)


def token_of(request: HttpRequest) -> ApiToken:
    token: Any = getattr(request, "auth", None)
    assert isinstance(token, ApiToken)
    return token


def caller(request: HttpRequest, scope: str = TokenScope.READ) -> Person:
    """The person the token acts for, once the token's scope allows `scope`."""
    token = token_of(request)
    if not token.allows(scope):
        raise ApiError(403, _("该令牌的权限范围（%(has)s）不能执行此操作，需要“%(needs)s”。")
                       % {"has": TokenScope(token.scope).label, "needs": TokenScope(scope).label})  # fmt: skip
    return token.person
