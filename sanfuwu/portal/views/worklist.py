from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanfuwu.core.forms import errors_at_fields
from sanfuwu.core.paging import badge_cap, badge_count
from sanfuwu.issues.forms import AssignHandlerForm
from sanfuwu.issues.models import HANDLING_STATUSES, Action
from sanfuwu.issues.selectors import WORKLIST_STATUSES, deadline_first_ids, issue_get_for, issue_worklists
from sanfuwu.issues.workflow import Conflict, NotAllowed, issue_act
from sanfuwu.people.forms import StandInForm
from sanfuwu.people.models import Person, Role
from sanfuwu.people.roles import DEPARTMENT_STAFF
from sanfuwu.people.selectors import (
    absent_ids_covered_by,
    department_handlers,
    stand_in_get_for,
    stand_ins_of_department,
)
from sanfuwu.people.services import stand_in_cancel, stand_in_set
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.portal.views.listing import issue_page

WORK_TABS = [
    ("pending", gettext_lazy("待签收")),
    ("doing", gettext_lazy("办理中")),
    ("due_soon", gettext_lazy("即将到期")),
    ("overdue", gettext_lazy("已超期")),
    ("supervised", gettext_lazy("督办")),
]
VIEWS = [("mine", gettext_lazy("我的")), ("dept", gettext_lazy("本部门"))]


def _is_head(person: Person) -> bool:
    return person.is_superuser or person.has_role(Role.HEAD)


@roles_required(*DEPARTMENT_STAFF)
def worklist(request: HttpRequest) -> HttpResponse:
    return _worklist_page(request)


def _worklist_page(
    request: HttpRequest, stand_in_form: StandInForm | None = None, status: int = 200
) -> HttpResponse:
    """The department's worklist in tabs, sorted by deadline: 我的 (assigned to me, or to someone
    I stand in for) or 本部门 (everything the department leads, with who handles each; the head
    assigns from here). A head starts on 本部门, a handler on 我的."""
    person = person_of(request)
    if person.department is None:
        messages.error(request, _("您不属于任何部门，没有部门工作清单。"))
        return redirect("home")
    head = _is_head(person)
    view = request.GET.get("view") or ("dept" if head else "mine")
    if view not in dict(VIEWS):
        view = "mine"
    queries = issue_worklists(person.department, handled_by=person if view == "mine" else None)
    tab = request.GET.get("tab") or "pending"
    if tab not in queries:
        tab = "pending"
    # What is due first is on top (the selector's order); a plan without a deadline comes last.
    rows = queries[tab].select_related("category", "region", "lead_department", "handler")
    rows = rows.prefetch_related("instructions")
    page, query = issue_page(request, rows, cap=badge_cap())
    if page.number == 1 and tab in WORKLIST_STATUSES:
        # The first page, by far the most opened, chosen per status (deadline_first_ids).
        ids = deadline_first_ids(queries[tab], WORKLIST_STATUSES[tab], page.paginator.per_page)
        chosen = rows.in_bulk(ids)
        page.object_list = [chosen[pk] for pk in ids]
    shown = (page.paginator.count, page.paginator.capped)  # the open tab is counted once, by its pages
    tabs = [
        (key, label, *(shown if key == tab else badge_count(queries[key])), key == tab)
        for key, label in WORK_TABS
    ]
    context = {
        "page": page, "query": query, "tabs": tabs, "tab": tab, "view": view, "views": VIEWS,
        "department": person.department, "stand_ins": stand_ins_of_department(person.department.pk),
        "stand_in_form": stand_in_form or StandInForm(actor=person),
        **_row_context(person),
    }  # fmt: skip
    return render(request, "issues/worklist.html", context, status=status)


def _row_context(person: Person) -> dict[str, Any]:
    """What every row needs to draw its handler and, for a head, the assign control."""
    head = _is_head(person)
    return {
        "is_head": head,
        "handlers": list(department_handlers(person.department_id)) if head else [],
        "covering": absent_ids_covered_by(person),
        "handling_statuses": sorted(HANDLING_STATUSES),
    }


@require_POST
@roles_required(*DEPARTMENT_STAFF)
def worklist_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """分派 / 改派 from a worklist row: the row comes back redrawn, with the error at the handler
    field (400), or with the issue as it now stands and what changed (409)."""
    person = person_of(request)
    issue = issue_get_for(person, pk)
    if issue.lead_department_id is None or issue.lead_department_id != person.department_id:
        raise Http404(_("没有找到该问题"))
    form = AssignHandlerForm(request.POST, issue=issue)
    status, message, error = 200, "", ""
    if form.is_valid():
        try:
            issue_act(
                issue=issue, action=Action.ASSIGN_HANDLER, actor=person,
                version=form.cleaned_data["version"], **form.payload(),
            )  # fmt: skip
        except Conflict as exc:
            status, message = 409, str(exc)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            status, error = 400, "；".join(exc.messages)
    else:
        status = 400
        error = "；".join(str(e) for errors in form.errors.values() for e in errors)
    fresh = issue_get_for(person, pk)
    if not request.htmx:  # type: ignore[attr-defined]
        if status == 200:
            messages.success(request, _("已分派给 %(name)s。") % {"name": fresh.handler})
        else:
            messages.error(request, message or error)
        return redirect(f"{reverse('issues:work')}?view=dept&tab=doing")
    if status == 200:
        message = _("已分派给 %(name)s。") % {"name": fresh.handler}
    context = {
        "issue": fresh, "view": "dept", "row_message": message, "row_error": error,
        "row_tone": "warning" if status == 409 else "success", **_row_context(person),
    }  # fmt: skip
    return render(request, "issues/_work_row.html", context, status=status)


@require_POST
@roles_required(*DEPARTMENT_STAFF)
def worklist_stand_in(request: HttpRequest) -> HttpResponse:
    """Set a stand-in (代理) for someone away: the head for anyone of the department, a handler for
    themself. Errors stay at their fields on the worklist page."""
    person = person_of(request)
    form = StandInForm(request.POST, actor=person)
    if form.is_valid():
        try:
            made = stand_in_set(actor=person, **form.cleaned_data)
        except ValidationError as exc:
            errors_at_fields(form, exc)
        else:
            messages.success(
                request,
                _("已设置 %(who)s 在 %(start)s 至 %(end)s 代理 %(absent)s。")
                % {"who": made.stand_in, "start": made.starts_on, "end": made.ends_on, "absent": made.absent},
            )
            return redirect("issues:work")
    return _worklist_page(request, stand_in_form=form, status=400)


@require_POST
@roles_required(*DEPARTMENT_STAFF)
def worklist_stand_in_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    stand_in = stand_in_get_for(person, pk)
    try:
        stand_in_cancel(actor=person, stand_in=stand_in)
    except ValidationError as exc:
        raise PermissionDenied("；".join(exc.messages)) from None
    messages.success(request, _("已取消 %(who)s 的代理。") % {"who": stand_in.stand_in})
    return redirect("issues:work")
