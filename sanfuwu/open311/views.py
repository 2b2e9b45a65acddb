"""Open311 GeoReport v2 at /open311/v2/ (and mySociety's servicerequestupdates), XML or JSON by
the suffix. Our district's issues are not public: besides POST, GET requests and updates need an
api_key too (a token's read scope), and answer within its person's scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from sanfuwu.issues.models import IssueEvent
from sanfuwu.issues.selectors import issues_visible_to
from sanfuwu.open311.render import Open311Error, answer, error_answer
from sanfuwu.open311.requests import (
    CLOSED,
    LIMIT,
    UPDATE_ACTIONS,
    WINDOW,
    discovery,
    request_create,
    request_out,
    requests_with_notes,
    update_out,
    window_of,
)
from sanfuwu.orgs.models import Category, Region, RegionKind
from sanfuwu.tokens.models import ApiToken, TokenScope
from sanfuwu.tokens.services import token_authenticate

View = Callable[..., HttpResponse]


def open311(*methods: str) -> Callable[[View], View]:
    """The methods it answers, and every refusal in the spec's error shape and the asked format."""

    def decorator(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise Open311Error(400, _("不支持 %(m)s 请求。") % {"m": request.method})
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return error_answer(exc, fmt)

        return wrapped

    return decorator


def _key(request: HttpRequest, scope: str) -> ApiToken:
    raw = (request.POST if request.method == "POST" else request.GET).get("api_key", "").strip()
    if not raw:
        raise Open311Error(403, _("缺少 api_key：请使用三服务平台“接口令牌”页面创建的令牌。"))
    token = token_authenticate(raw)
    if token is None:
        raise Open311Error(403, _("api_key 无效、已过期或已撤销。"))
    if not token.allows(scope):
        raise Open311Error(403, _("该 api_key 为只读令牌，不能提交请求。"))
    return token


@open311("GET")
def discovery_view(request: HttpRequest, fmt: str) -> HttpResponse:
    return answer(discovery(), fmt, root="discovery")


def _categories() -> Any:
    return (
        Category.objects.filter(active=True).select_related("default_department").order_by("sort_order", "pk")
    )


@open311("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [
        {"service_code": c.code, "service_name": c.name, "description": c.about, "metadata": True, "type": "realtime",
         "keywords": c.about.replace("、", ","), "group": c.default_department.name if c.default_department else ""}
        for c in _categories()
    ]  # fmt: skip
    return answer(rows, fmt, root="services", item="service")


@open311("GET")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = _categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("没有这个 service_code。"))
    places = Region.objects.filter(active=True, kind__in=[RegionKind.STREET, RegionKind.PARK, RegionKind.COMMUNITY,
                                                           RegionKind.VILLAGE]).order_by("path")  # fmt: skip
    names = dict(places.values_list("id", "name"))
    attributes = [
        {"variable": True, "code": "region", "datatype": "singlevaluelist", "required": False,
         "datatype_description": _("区域编号"), "order": 1,
         "description": _("问题所在的街道或社区；不填时由 address_string 中的地名确定"),
         "values": [{"key": str(r.pk), "name": " / ".join(names[i] for i in r.ancestor_ids() if i in names)}
                    for r in places]},
        {"variable": True, "code": "credit_code", "datatype": "string", "required": False,
         "datatype_description": _("18 位统一社会信用代码"), "order": 2,
         "description": _("反映某家企业的问题时，填写该企业的统一社会信用代码"), "values": []},
    ]  # fmt: skip
    return answer({"service_code": category.code, "attributes": attributes}, fmt, root="service_definition")


@open311("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        token = _key(request, TokenScope.WRITE)
        issue = request_create(token, request.POST)
        row = {"service_request_id": issue.number, "service_notice": _("已受理，将由调度员分派办理。"),
               "account_id": request.POST.get("account_id", "")}  # fmt: skip
        return answer([row], fmt, root="service_requests", item="request", status=201)
    person = _key(request, TokenScope.READ).person
    params = request.GET
    qs = issues_visible_to(person)
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:  # the spec: a list of ids overrides every other argument
        qs = qs.filter(number__in=ids[:LIMIT])
    else:
        start, end = window_of(params, WINDOW)
        qs = qs.filter(registered_at__gte=start, registered_at__lte=end)
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        if codes:
            qs = qs.filter(category__code__in=codes)
        statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status 只能是 open 或 closed（可用逗号分隔）。"))
        if statuses == {"open"}:
            qs = qs.exclude(status__in=CLOSED)
        elif statuses == {"closed"}:
            qs = qs.filter(status__in=CLOSED)
    rows = requests_with_notes(qs.order_by("-registered_at", "-pk"))[:LIMIT]
    return answer([request_out(i) for i in rows], fmt, root="service_requests", item="request")


@open311("GET")
def request_one(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    person = _key(request, TokenScope.READ).person
    found = requests_with_notes(issues_visible_to(person).filter(number=number)).first()
    if found is None:
        raise Open311Error(404, _("没有这个 service_request_id。"))
    return answer([request_out(found)], fmt, root="service_requests", item="request")


@open311("GET")
def token_view(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """Requests are registered at once, so a request's token is its own id."""
    person = _key(request, TokenScope.READ).person
    if not issues_visible_to(person).filter(number=token).exists():
        raise Open311Error(404, _("没有这个 token。"))
    return answer(
        [{"service_request_id": token, "token": token}], fmt, root="service_requests", item="request"
    )


@open311("GET")
def updates(request: HttpRequest, fmt: str) -> HttpResponse:
    """mySociety's servicerequestupdates: each step of the issues the key's person sees, in the
    window (the last day unless given), oldest first."""
    person = _key(request, TokenScope.READ).person
    start, end = window_of(request.GET, timedelta(days=1))
    events = (
        IssueEvent.objects.filter(at__gte=start, at__lte=end, issue__in=issues_visible_to(person))
        .filter(action__in=UPDATE_ACTIONS)
        .select_related("issue")
        .order_by("at", "pk")[:LIMIT]
    )
    rows = [update_out(e) for e in events]
    return answer(rows, fmt, root="service_request_updates", item="request_update")
