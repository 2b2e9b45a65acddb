from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanfuwu.core.forms import StyledForm
from sanfuwu.core.paging import CappedPaginator, capped_count
from sanfuwu.issues.filters import IssueFilterForm, filter_issues
from sanfuwu.issues.forms import ACTION_FORMS, DispatchForm, IssueForm
from sanfuwu.issues.models import Action, Issue
from sanfuwu.issues.selectors import (
    issue_get_for,
    issue_triage_queue,
    issue_worklists,
    issues_visible_to,
    raiser_visible_to,
)
from sanfuwu.issues.services import issue_register
from sanfuwu.issues.workflow import Conflict, NotAllowed, allowed_actions, issue_act
from sanfuwu.people.models import Person, Role
from sanfuwu.people.roles import REGISTRARS
from sanfuwu.portal.access import person_of, roles_required


def _page(request: HttpRequest, qs: QuerySet[Issue]) -> tuple[Any, str]:
    """The requested page of `qs` and the query string without `page`. The count stops at the
    cap (`page.paginator.capped`), so a street's or the district's list never counts every row."""
    page = CappedPaginator(qs, settings.SANFUWU_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@login_required
def issue_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = IssueFilterForm(request.GET or None, actor=person)
    form.is_valid()
    qs = filter_issues(issues_visible_to(person), getattr(form, "cleaned_data", {}))
    page, query = _page(request, qs.order_by("-registered_at", "-id"))
    return render(request, "issues/list.html", {"form": form, "page": page, "query": query})


@roles_required(Role.DISPATCHER)
def triage(request: HttpRequest) -> HttpResponse:
    """待梳理: what has come in and what came back, oldest first."""
    person = person_of(request)
    qs = (
        issue_triage_queue(person).prefetch_related("assignments__department").order_by("registered_at", "id")
    )
    page, query = _page(request, qs)
    # Each issue carries its own dispatch form, prefilled with the category's usual department.
    items = [(issue, DispatchForm(issue=issue, auto_id=f"id_%s_{issue.pk}")) for issue in page.object_list]
    context = {"page": page, "query": query, "items": items}
    return render(request, "issues/triage.html", context)


WORK_TABS = [
    ("pending", gettext_lazy("待签收")),
    ("doing", gettext_lazy("办理中")),
    ("due_soon", gettext_lazy("即将到期")),
    ("overdue", gettext_lazy("已超期")),
    ("supervised", gettext_lazy("督办")),
]


@roles_required(Role.HANDLER)
def worklist(request: HttpRequest) -> HttpResponse:
    """The department's worklist in tabs, sorted by deadline."""
    person = person_of(request)
    if person.department is None:
        messages.error(request, _("您不属于任何部门，没有部门工作清单。"))
        return redirect("home")
    queries = issue_worklists(person.department)
    tab = request.GET.get("tab") or "pending"
    if tab not in queries:
        tab = "pending"
    qs = queries[tab].select_related("category", "region", "lead_department").prefetch_related("instructions")
    page, query = _page(request, qs.order_by("due_date", "registered_at", "id"))
    tabs = [(key, label, *capped_count(queries[key]), key == tab) for key, label in WORK_TABS]
    return render(
        request, "issues/worklist.html",
        {"page": page, "query": query, "tabs": tabs, "tab": tab, "department": person.department},
    )  # fmt: skip


@roles_required(*REGISTRARS)
def my_issues(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    qs = issues_visible_to(person).filter(registered_by=person).order_by("-registered_at", "-id")
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    page, query = _page(request, qs)
    return render(request, "issues/mine.html", {"page": page, "query": query, "counts": counts})


@roles_required(*REGISTRARS)
def issue_new(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    initial = {"target": request.GET.get("target")} if request.GET.get("target") else None
    form = IssueForm(request.POST or None, actor=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in IssueForm.Meta.fields}
        try:
            issue = issue_register(actor=person, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已登记问题 %(number)s。") % {"number": issue.number})
            return redirect("issues:detail", pk=issue.pk)
    return render(request, "issues/form.html", {"form": form})


def _detail_context(
    request: HttpRequest, issue: Issue, forms_by_action: dict[str, Any] | None = None
) -> dict[str, Any]:
    person = person_of(request)
    actions = allowed_actions(issue, person)
    forms_by_action = forms_by_action or {}
    action_forms = [
        (action, Action(action).label, forms_by_action.get(action) or ACTION_FORMS[action](issue=issue))
        for action in actions
    ]
    return {
        "issue": issue,
        "action_forms": action_forms,
        "events": issue.events.select_related("actor__region", "actor__department").order_by("seq"),
        "assignments": issue.assignments.select_related("department").order_by("-dispatched_at", "-is_lead"),
        "instructions": issue.instructions.select_related("author"),
        "checklist": issue.checklist.all(),
        "extensions": issue.extensions.select_related("requested_by").order_by("-requested_at"),
        "milestones": issue.milestones.all(),
        "overdue": issue.is_overdue(),
        "attachments": issue.attachments.select_related("uploaded_by").order_by("uploaded_at"),
        "attachment_form": AttachmentForm() if _may_attach(person, issue, actions) else None,
        "show_raiser": raiser_visible_to(person)(issue),
    }


@login_required
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = issue_get_for(person_of(request), pk)
    return render(request, "issues/detail.html", _detail_context(request, issue))


@require_POST
@login_required
def issue_act_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    person = person_of(request)
    issue = issue_get_for(person, pk)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        return render(request, "issues/detail.html", _detail_context(request, issue), status=404)
    form = form_class(request.POST, issue=issue)
    status = 200
    forms_by_action: dict[str, Any] = {}
    if form.is_valid():
        try:
            issue_act(
                issue=issue,
                action=action,
                actor=person,
                version=form.cleaned_data["version"],
                **form.payload(),
            )
        except Conflict as exc:
            messages.warning(request, str(exc))
            status = 409
        except NotAllowed as exc:
            messages.error(request, str(exc))
            status = 403
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            forms_by_action[action] = form
            status = 400
        else:
            messages.success(request, _("已%(action)s。") % {"action": Action(action).label})
            if not request.htmx:  # type: ignore[attr-defined]
                return redirect("issues:detail", pk=issue.pk)
    else:
        forms_by_action[action] = form
        status = 400
    fresh = issue_get_for(person, pk)
    if request.htmx and request.POST.get("from") == "triage":  # type: ignore[attr-defined]
        return _triage_item(request, fresh, forms_by_action.get(action), status)
    template = "issues/_panel.html" if request.htmx else "issues/detail.html"  # type: ignore[attr-defined]
    return render(request, template, _detail_context(request, fresh, forms_by_action), status=status)


def _triage_item(request: HttpRequest, issue: Issue, form: Any, status: int) -> HttpResponse:
    """The queue's row after an inline dispatch: the result, or the form again with its errors."""
    text = " ".join(str(m) for m in messages.get_messages(request))
    context: dict[str, Any] = {"issue": issue, "form": form}
    if form is None:
        if status == 200:
            lead = issue.lead_department.name if issue.lead_department else ""
            text = _("已交办%(lead)s，期限 %(due)s。") % {"lead": lead, "due": issue.due_date or "—"}
        context.update(message=text, tone="success" if status == 200 else "danger")
    return render(request, "issues/_triage_item.html", context, status=status)


class AttachmentForm(StyledForm, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("附件"), help_text=gettext_lazy("JPG、PNG、PDF、Word、Excel，不超过 10 MB")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


def _may_attach(person: Person, issue: Issue, actions: list[str] | None = None) -> bool:
    """The registrar, or anyone with something to do on the issue (`actions`, when already known)."""
    if issue.registered_by_id == person.pk:
        return True
    return bool(actions if actions is not None else allowed_actions(issue, person))


@require_POST
@login_required
def issue_attach(request: HttpRequest, pk: int) -> HttpResponse:
    from sanfuwu.issues.attachments import attachment_add

    person = person_of(request)
    issue = issue_get_for(person, pk)
    if not _may_attach(person, issue):
        messages.error(request, _("您不能为该问题添加附件。"))
        return redirect("issues:detail", pk=issue.pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(issue=issue, actor=person, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.message_dict.get("file", exc.messages))
        else:
            messages.success(request, _("已添加附件。"))
            return redirect("issues:detail", pk=issue.pk)
    context = _detail_context(request, issue)
    context["attachment_form"] = form
    return render(request, "issues/detail.html", context, status=400)


@login_required
def issue_attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Files are served only to people who may see their issue."""
    issue = issue_get_for(person_of(request), pk)
    attachment = issue.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("没有找到该附件")
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                        as_attachment=not attachment.content_type.startswith("image/"), filename=attachment.name)  # fmt: skip
