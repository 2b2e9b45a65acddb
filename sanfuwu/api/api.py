"""The REST API at /api/: django-ninja, typed, its OpenAPI at /api/openapi.json and browsable
docs at /api/docs served from ninja's own static files (no CDN)."""

from __future__ import annotations

import contextlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from sanfuwu.api import issues, targets, visits
from sanfuwu.api.auth import TokenAuth
from sanfuwu.api.errors import ApiError

api = NinjaAPI(
    title="三服务平台 API",
    version="1",
    description="以个人访问令牌调用：数据范围与令牌所属人员在平台中的范围相同。错误统一为 "
    '{"detail": "说明", "errors": {"字段": ["原因"]}}。',
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("", issues.router)
api.add_router("", targets.router)
api.add_router("", visits.router)

# Pydantic's words for what was wrong with a field, in plain Chinese.
WHY = {
    "missing": gettext_noop("缺少此项。"),
    "int_parsing": gettext_noop("应为整数。"),
    "int_type": gettext_noop("应为整数。"),
    "bool_parsing": gettext_noop("应为 true 或 false。"),
    "string_type": gettext_noop("应为文字。"),
    "decimal_parsing": gettext_noop("应为数字。"),
    "list_type": gettext_noop("应为列表。"),
    "json_invalid": gettext_noop("不是有效的 JSON。"),
    "model_attributes_type": gettext_noop("格式不正确。"),
    "greater_than_equal": gettext_noop("不能小于 %(ge)s。"),
    "less_than_equal": gettext_noop("不能大于 %(le)s。"),
    "string_too_short": gettext_noop("至少 %(min_length)s 个字。"),
    "string_too_long": gettext_noop("最多 %(max_length)s 个字。"),
    "decimal_max_digits": gettext_noop("数字位数过多。"),
}


@api.exception_handler(ApiError)
def _refused(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return api.create_response(request, exc.body(), status=exc.status)


@api.exception_handler(SchemaError)
def _bad_input(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = [str(part) for part in error.get("loc", ()) if part not in ("body", "data", "query", "path")]
        field = ".".join(where) or "body"
        words = _(WHY.get(str(error.get("type")), "格式不正确。"))
        with contextlib.suppress(KeyError, TypeError, ValueError):
            words = words % dict(error.get("ctx") or {})
        errors.setdefault(field, []).append(words)
    return api.create_response(request, {"detail": _("请求内容有误。"), "errors": errors}, status=400)


@api.exception_handler(AuthenticationError)
def _unknown_caller(request: HttpRequest, exc: Any) -> HttpResponse:
    body = {
        "detail": _(
            "缺少或无效的访问令牌：请在请求头 Authorization: Bearer 中提供有效、未过期、未撤销的令牌。"
        ),
        "errors": {},
    }
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "errors": {}}, status=exc.status_code)
