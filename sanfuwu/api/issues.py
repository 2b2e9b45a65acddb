"""Issues over the API: the list with the page's filters and keyset pages, one issue with its
history, registration, and every workflow action — each through the same form and workflow
function as the product's pages, with the version for compare-and-set."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja import Status as Answer

from sanfuwu.api.auth import caller, token_of
from sanfuwu.api.errors import REFUSALS, ApiError, ErrorOut, field_errors
from sanfuwu.api.keyset import before_cursor, cursor_of
from sanfuwu.api.schemas import ActionIn, EventOut, IssueDetailOut, IssueIn, IssuePage, Named
from sanfuwu.issues.filters import IssueFilterForm, filter_issues
from sanfuwu.issues.forms import ACTION_FORMS, IssueForm
from sanfuwu.issues.models import Action, Issue, Status
from sanfuwu.issues.selectors import issue_get_for, issues_visible_to, raiser_contact_for
from sanfuwu.issues.services import issue_register
from sanfuwu.issues.workflow import Conflict, NotAllowed, allowed_actions, issue_act
from sanfuwu.people.models import Person
from sanfuwu.tokens.models import TokenScope

router = Router(tags=["issues"])

FILTERS = ("q", "status", "group", "tier", "source", "category", "region", "department", "basis",
           "date_from", "date_to", "overdue", "supervised", "live")  # fmt: skip
MAX_LIMIT = 100
ADMIN_ACTIONS = frozenset({Action.VOID})
# Ids as the database holds them (and JSON numbers do without loss): beyond is no row, said as a 400.
MAX_ID = 2**53
ID = {"ge": 1, "le": MAX_ID}


def _named(obj: Any) -> Named | None:
    if obj is None:
        return None
    return Named(id=obj.pk, code=getattr(obj, "code", "") or "", name=obj.name)


def issue_out(issue: Issue, person: Person, contact: Any = None) -> dict[str, Any]:
    seen = (contact or raiser_contact_for(person))(issue)
    return {
        "id": issue.pk, "number": issue.number, "version": issue.version, "title": issue.title,
        "description": issue.description, "source": issue.source, "status": issue.status,
        "status_label": str(Status(issue.status).label), "tier": issue.tier, "category": _named(issue.category),
        "region": _named(issue.region), "lead_department": _named(issue.lead_department),
        "target_id": issue.target_id, "address": issue.address, "latitude": issue.latitude,
        "longitude": issue.longitude, "due_date": issue.due_date, "overdue": issue.is_overdue(),
        "supervised": issue.supervised, "registered_at": issue.registered_at, "dispatched_at": issue.dispatched_at,
        "resolved_at": issue.resolved_at, "closed_at": issue.closed_at, "resolution": issue.resolution,
        "feedback": issue.feedback, "rating": issue.rating, "raiser_name": seen.name, "raiser_phone": seen.phone,
        "raiser_masked": not seen.full,
    }  # fmt: skip


def _detail(issue: Issue, person: Person, can_act: bool) -> dict[str, Any]:
    events = issue.events.select_related("actor").order_by("seq")
    return {
        **issue_out(issue, person),
        "events": [
            EventOut(
                seq=e.seq,
                action=e.action,
                action_label=e.action_label,
                actor=e.actor.name if e.actor else "",
                at=e.at,
                from_status=e.from_status,
                to_status=e.to_status,
                note=e.note_shown,
            )
            for e in events
        ],
        "actions": allowed_actions(issue, person) if can_act else [],
    }


def _get(person: Person, pk: int) -> Issue:
    try:
        return issue_get_for(person, pk)
    except Http404:
        raise ApiError(404, _("没有找到该问题。")) from None


@router.get("/issues", response={200: IssuePage, **REFUSALS}, summary="问题列表")
def issue_list(
    request: HttpRequest, after: str = "", limit: int = Query(25, ge=1, le=MAX_LIMIT), q: str = "",
    status: str = "", group: str = "", tier: str = "", source: str = "",
    category: int | None = Query(None, **ID), region: int | None = Query(None, **ID),
    department: int | None = Query(None, **ID), basis: str = "", date_from: str = "", date_to: str = "",
    overdue: bool = False, supervised: bool = False, live: bool = False,
) -> Any:  # fmt: skip
    """The issues the token's person may see, the newest first, filtered as the issue list page
    filters them; `next` is the `after` of the next page (none on the last)."""
    person = caller(request)
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(
            400, _("limit 应在 1 至 %(n)s 之间。") % {"n": MAX_LIMIT}, {"limit": [_("超出范围。")]}
        )
    params = QueryDict(mutable=True)
    for name in FILTERS:
        value = request.GET.get(name) or ""
        if value:
            params[name] = value
    form = IssueFilterForm(params, actor=person)
    if not form.is_valid():
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
        raise ApiError(400, _("筛选条件有误。"), errors)
    qs = filter_issues(issues_visible_to(person), form.cleaned_data).order_by("-registered_at", "-pk")
    if after:
        qs = qs.filter(before_cursor("registered_at", after))
    rows = list(qs[: limit + 1])
    contact = raiser_contact_for(person)
    items = [issue_out(i, person, contact) for i in rows[:limit]]
    return {
        "items": items,
        "next": cursor_of(rows[limit - 1].registered_at, rows[limit - 1].pk) if len(rows) > limit else None,
    }


@router.get("/issues/{issue_id}", response={200: IssueDetailOut, **REFUSALS}, summary="问题详情")
def issue_detail(request: HttpRequest, issue_id: int = Path(..., **ID)) -> Any:
    """One issue with its history and the actions the token's person may take on it now."""
    person = caller(request)
    token_can_act = token_of(request).allows(TokenScope.WRITE)
    return _detail(_get(person, issue_id), person, token_can_act)


@router.post("/issues", response={201: IssueDetailOut, **REFUSALS}, summary="登记问题")
def issue_create(request: HttpRequest, data: IssueIn) -> Any:
    """Register a problem as the product's registration form does (a write token)."""
    person = caller(request, TokenScope.WRITE)
    values = {k: ("" if v is None else v) for k, v in data.dict().items()}
    form = IssueForm(values, actor=person)
    if not form.is_valid():
        raise ApiError(400, _("登记内容有误。"), {k: [str(m) for m in v] for k, v in form.errors.items()})
    try:
        issue = issue_register(actor=person, **{k: form.cleaned_data[k] for k in IssueForm.Meta.fields})
    except ValidationError as exc:
        raise ApiError(400, _("登记内容有误。"), field_errors(exc.message_dict)) from None
    return Answer(201, _detail(_get(person, issue.pk), person, True))


def _files(data: ActionIn) -> MultiValueDict[str, Any]:
    uploads = []
    for n, item in enumerate(data.evidence):
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(
                400,
                _("佐证材料有误。"),
                {"evidence": [_("第 %(n)s 个文件不是有效的 base64 内容。") % {"n": n + 1}]},
            ) from None
        uploads.append(SimpleUploadedFile(item.name, content))
    return MultiValueDict({"evidence": uploads} if uploads else {})


@router.post(
    "/issues/{issue_id}/actions/{action}",
    response={200: IssueDetailOut, 409: ErrorOut, **REFUSALS},
    summary="办理操作",
)
def issue_action(request: HttpRequest, data: ActionIn, action: str, issue_id: int = Path(..., **ID)) -> Any:
    """Take one workflow action (dispatch, accept, return, resolve, feedback, rate, close, …) as the
    token's person, with the issue's `version` as last read: 409 when it moved on since, or when
    its status refuses the action; 403 when the rules do not let this person take it."""
    # Voiding an issue is an administrator's: a write token of theirs (an integration's) may not.
    person = caller(request, TokenScope.ADMIN if action in ADMIN_ACTIONS else TokenScope.WRITE)
    issue = _get(person, issue_id)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise ApiError(404, _("没有这种办理操作：%(a)s。") % {"a": action})
    values = {k: v for k, v in data.dict().items() if k != "evidence" and v not in (None, [])}
    form = form_class(values, _files(data), issue=issue)
    if not form.is_valid():
        raise ApiError(400, _("办理内容有误。"), {k: [str(m) for m in v] for k, v in form.errors.items()})
    try:
        issue_act(
            issue=issue, action=action, actor=person, version=form.cleaned_data["version"], **form.payload()
        )
    except Conflict as exc:
        raise ApiError(409, str(exc)) from None
    except NotAllowed as exc:
        raise ApiError(409 if exc.refusal.kind == "status" else 403, exc.refusal.message) from None
    except ValidationError as exc:
        raise ApiError(400, _("办理内容有误。"), field_errors(exc.message_dict)) from None
    return Answer(200, _detail(_get(person, issue_id), person, True))
