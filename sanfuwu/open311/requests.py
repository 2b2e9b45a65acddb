"""Service requests as Open311 sees our issues: the fields of GET requests, the statuses of
mySociety's updates, and a POSTed request registered as an issue."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sanfuwu.issues.models import Action, Issue, IssueEvent, Source, Status, Tier
from sanfuwu.issues.places import region_from_address
from sanfuwu.issues.services import issue_register
from sanfuwu.open311.render import Open311Error
from sanfuwu.orgs.models import Category, Region
from sanfuwu.people.models import Person, phone_validator
from sanfuwu.people.roles import REGISTRARS
from sanfuwu.people.scope import scope_of
from sanfuwu.raisers.models import OpenRequest
from sanfuwu.raisers.selectors import progress_of
from sanfuwu.targets.models import Target
from sanfuwu.tokens.models import ApiToken

WINDOW = timedelta(days=90)
LIMIT = 1000
CLOSED = (Status.CLOSED, Status.VOID)
# mySociety's update statuses (FixMyStreet reads them in any case) for each of ours.
UPDATE_STATUS: dict[str, str] = {
    Status.REGISTERED: "OPEN", Status.RETURNED: "OPEN", Status.ASSIGNED: "ACTION_SCHEDULED",
    Status.IN_PROGRESS: "IN_PROGRESS", Status.LONG_TERM: "PLANNED", Status.RESOLVED: "FIXED",
    Status.CLOSED: "CLOSED", Status.VOID: "NO_FURTHER_ACTION",
}  # fmt: skip


def w3(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def moment_of(raw: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, _("%(name)s 应为带时区的 ISO 8601 时间，例如 2026-12-01T08:00:00+08:00。")
                           % {"name": name}) from None  # fmt: skip
    if value.tzinfo is None:
        raise Open311Error(400, _("%(name)s 须带时区，例如 +08:00 或 Z。") % {"name": name})
    return value


def window_of(params: QueryDict, default: timedelta) -> tuple[datetime, datetime]:
    """[start, end] from start_date and end_date, either, or neither, at most 90 days apart."""
    start_raw, end_raw = params.get("start_date", ""), params.get("end_date", "")
    given_end = moment_of(end_raw, "end_date") if end_raw else None
    given_start = moment_of(start_raw, "start_date") if start_raw else None
    if given_start is None:
        end = given_end or timezone.now()
        start = end - default
    else:
        start = given_start
        end = given_end or start + default
    if end < start:
        raise Open311Error(400, _("end_date 不能早于 start_date。"))
    if end - start > WINDOW:
        raise Open311Error(400, _("start_date 与 end_date 最多相隔 90 天。"))
    return start, end


def requests_with_notes(qs: QuerySet[Issue]) -> QuerySet[Issue]:
    """Each issue with its last event's time, for updated_datetime."""
    last = IssueEvent.objects.filter(issue=OuterRef("pk")).order_by("-seq")
    return qs.select_related("category", "lead_department", "region", "open_request").annotate(
        last_at=Subquery(last.values("at")[:1]),
    )


def request_out(issue: Any) -> dict[str, Any]:
    closed = issue.status in CLOSED
    # What the raiser may read (the public channel's plain words and the answer), never the office's
    # own notes: other systems publish status_notes to residents.
    progress = progress_of(issue)
    notes = f"{progress.words}{progress.answer}" if progress.answer else progress.words
    due = timezone.make_aware(datetime.combine(issue.due_date, time(23, 59, 59))) if issue.due_date else None
    origin = getattr(issue, "open_request", None)
    return {
        "service_request_id": issue.number, "status": "closed" if closed else "open", "status_notes": notes,
        "service_name": issue.category.name, "service_code": issue.category.code, "description": issue.description,
        "agency_responsible": issue.lead_department.name if issue.lead_department else "",
        "service_notice": "", "requested_datetime": w3(issue.registered_at),
        "updated_datetime": w3(issue.last_at or issue.registered_at), "expected_datetime": w3(due),
        "address": issue.address or issue.region.name, "address_id": origin.address_id if origin else "",
        "zipcode": "", "lat": issue.latitude, "long": issue.longitude,
        "media_url": origin.media_url if origin else "",
    }  # fmt: skip


# The steps a raiser is told of, in words of their own; the office's inner steps (assignment to a
# handler, a return, extensions, supervision, a leader's instruction, checklist items) are not.
UPDATE_WORDS: dict[str, str] = {
    Action.DISPATCH: gettext_noop("已交办。"),
    Action.ACCEPT: gettext_noop("已签收，正在办理。"),
    Action.MAKE_LONG_TERM: gettext_noop("已转为长效办理。"),
    Action.RESOLVE: gettext_noop("已办理完毕，正在准备答复。"),
    Action.FEEDBACK: gettext_noop("已答复："),
    Action.RATE: gettext_noop("已回访。"),
    Action.CLOSE: gettext_noop("已办结。"),
    Action.VOID: gettext_noop("未予受理。"),
}
UPDATE_ACTIONS = tuple(UPDATE_WORDS)


def update_out(event: IssueEvent) -> dict[str, Any]:
    issue = event.issue
    words = _(UPDATE_WORDS[event.action])
    if event.action == Action.FEEDBACK:
        words += event.note  # the answer itself, written for the raiser
    elif event.action == Action.RATE and event.to_status == Status.IN_PROGRESS:
        words = _("回访不满意，重新办理。")
    return {
        "update_id": f"{issue.number}-{event.seq}", "service_request_id": issue.number,
        "status": UPDATE_STATUS.get(event.to_status, "OPEN"), "updated_datetime": w3(event.at),
        "description": words, "media_url": "", "external_status_code": event.to_status,
    }  # fmt: skip


def _region(person: Person, params: QueryDict, target: Target | None) -> Region:
    scope = scope_of(person)
    places = list(scope.regions().filter(active=True))
    chosen = params.get("attribute[region]", "").strip()
    if chosen:
        found = next((r for r in places if str(r.pk) == chosen), None)
        if found is None:
            raise Open311Error(400, _("attribute[region] 不是可选的区域编号。"))
        return found
    named = region_from_address(params.get("address_string", ""), places)
    if named is not None:
        return named
    if target is not None and (target.grid or target.region) in places:
        return target.grid or target.region
    if scope.region is not None:
        return scope.region  # the district (or the key's own street): the dispatcher places it
    raise Open311Error(
        400, _("无法确定问题所在区域：请在 address_string 中写明街道、社区，或提供 attribute[region]。")
    )


def request_create(token: ApiToken, params: QueryDict) -> Issue:
    """A POSTed service request registered as an issue by the key's person, source 网上诉求."""
    person = token.person
    if not person.has_role(*REGISTRARS):
        raise Open311Error(403, _("该 api_key 所属人员不能登记问题。"))
    category = Category.objects.filter(code=params.get("service_code", "").strip(), active=True).first()
    if category is None:
        raise Open311Error(
            404, _("没有这个 service_code。") if params.get("service_code") else _("缺少 service_code。")
        )
    lat, lng = params.get("lat", "").strip(), params.get("long", "").strip()
    address, address_id = params.get("address_string", "").strip(), params.get("address_id", "").strip()
    if not ((lat and lng) or address or address_id):
        raise Open311Error(400, _("请提供位置：lat 与 long，或 address_string，或 address_id。"))
    description = params.get("description", "").strip()
    if not description:
        raise Open311Error(400, _("请填写 description：问题的描述。"))
    if len(description) > 4000:
        raise Open311Error(400, _("description 最多 4000 个字。"))
    code = params.get("attribute[credit_code]", "").strip().upper()
    target = Target.objects.filter(credit_code=code, active=True).first() if code else None
    if code and target is None:
        raise Open311Error(400, _("attribute[credit_code] 没有对应的企业。"))
    phone = params.get("phone", "").strip()
    if phone:
        try:
            phone_validator(phone)
        except ValidationError as exc:
            raise Open311Error(400, "phone：" + "；".join(exc.messages)) from None
    name = (params.get("last_name", "") + params.get("first_name", "")).strip()[:32]
    first_line = description.splitlines()[0]
    try:
        with transaction.atomic():
            issue = _register_with_origin(token, params, person, category, target, first_line, description, name,
                                          phone, address, address_id, lat, lng)  # fmt: skip
    except ValidationError as exc:
        raise Open311Error(400, "；".join(f"{k}：{'；'.join(v)}" if k != "__all__" else "；".join(v)
                                         for k, v in exc.message_dict.items())) from None  # fmt: skip
    return issue


def _register_with_origin(
    token: ApiToken, params: QueryDict, person: Person, category: Category, target: Target | None, first_line: str,
    description: str, name: str, phone: str, address: str, address_id: str, lat: str, lng: str,
) -> Issue:  # fmt: skip
    """The issue and the record of where it came from, in the caller's transaction."""
    issue = issue_register(
        actor=person, title=first_line[:30] + ("…" if len(first_line) > 30 else ""), description=description,
        source=Source.PORTAL, category=category, region=_region(person, params, target), tier=Tier.DEADLINE,
        target=target, raiser_name=name, raiser_phone=phone, address=address or address_id,
        latitude=lat or None, longitude=lng or None,
    )  # fmt: skip
    OpenRequest.objects.create(
        issue=issue, token=token, media_url=params.get("media_url", "")[:500], email=params.get("email", "")[:254],
        account_id=params.get("account_id", "")[:64], device_id=params.get("device_id", "")[:64],
        address_id=address_id[:64],
    )  # fmt: skip
    return issue


def discovery() -> dict[str, Any]:
    changeset = "2026-12-03T00:00:00+08:00"
    return {
        "changeset": changeset, "contact": _("三服务平台管理员（%(url)s）") % {"url": settings.SANFUWU_SITE_URL},
        "key_service": _("在三服务平台“接口令牌”页面创建令牌：查询用只读令牌，提交用读写令牌。"),
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2", "url": f"{settings.SANFUWU_SITE_URL}/open311/v2",
            "changeset": changeset, "type": "production", "formats": ["text/xml", "application/json"],
        }],
    }  # fmt: skip
