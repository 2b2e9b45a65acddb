from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanfuwu.coordination.selectors import coordinations_of_issue
from sanfuwu.core.forms import StyledForm, errors_at_fields
from sanfuwu.core.headers import served_as_upload
from sanfuwu.core.routing import reads_from_replica
from sanfuwu.issues.filters import IssueFilterForm, filter_issues
from sanfuwu.issues.forms import ACTION_FORMS, IssueForm
from sanfuwu.issues.models import Action, Issue
from sanfuwu.issues.selectors import issue_events_since, issue_get_for, issues_visible_to, raiser_visible_to
from sanfuwu.issues.services import issue_register
from sanfuwu.issues.workflow import Conflict, NotAllowed, Offer, action_offers, issue_act
from sanfuwu.people.models import Person
from sanfuwu.people.roles import REGISTRARS
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.portal.refusals import refusal_response
from sanfuwu.portal.views.listing import issue_page
from sanfuwu.portal.views.triage import triage_item


@login_required
@reads_from_replica()
def issue_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = IssueFilterForm(request.GET or None, actor=person)
    form.is_valid()
    qs = filter_issues(issues_visible_to(person), getattr(form, "cleaned_data", {}))
    page, query = issue_page(request, qs.order_by("-registered_at", "-id"))
    return render(request, "issues/list.html", {"form": form, "page": page, "query": query})


@roles_required(*REGISTRARS)
@reads_from_replica()
def my_issues(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    qs = issues_visible_to(person).filter(registered_by=person).order_by("-registered_at", "-id")
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    page, query = issue_page(request, qs)
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
    offers = action_offers(issue, person)
    forms_by_action = forms_by_action or {}
    action_forms = [
        (
            offer.action,
            Action(offer.action).label,
            forms_by_action.get(offer.action) or ACTION_FORMS[offer.action](issue=issue),
        )
        for offer in offers
        if offer.blocked is None
    ]
    blocked = [(offer.action, Action(offer.action).label, offer.blocked) for offer in offers if offer.blocked]
    return {
        "issue": issue,
        "action_forms": action_forms,
        "blocked_actions": blocked,
        "events": issue.events.select_related("actor__region", "actor__department").order_by("seq"),
        "assignments": issue.assignments.select_related("department").order_by("-dispatched_at", "-is_lead"),
        "instructions": issue.instructions.select_related("author"),
        "checklist": issue.checklist.all(),
        "extensions": issue.extensions.select_related("requested_by").order_by("-requested_at"),
        "milestones": issue.milestones.all(),
        "overdue": issue.is_overdue(),
        "attachments": issue.attachments.select_related("uploaded_by").order_by("uploaded_at"),
        "attachment_form": AttachmentForm() if _may_attach(person, issue, offers) else None,
        "show_raiser": raiser_visible_to(person)(issue),
        "coordinations": coordinations_of_issue(issue, person),
        "duplicates": Issue.objects.filter(
            duplicate_of=issue, pk__in=issues_visible_to(person).filter(duplicate_of=issue).values("pk")
        ).only("pk", "number", "title"),
        "original": issues_visible_to(person).filter(pk=issue.duplicate_of_id).first()
        if issue.duplicate_of_id
        else None,
    }


@login_required
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = issue_get_for(person_of(request), pk)
    return render(request, "issues/detail.html", _detail_context(request, issue))


@require_POST
@login_required
def issue_act_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action from the issue's panel (or a triage row). Whatever happens, the person sees it
    where they clicked: the panel redrawn (done, 400 with the reason at the field, 409 with what
    changed meanwhile), or the refusal's reason at the form (403, 404)."""
    person = person_of(request)
    issue = issue_get_for(person, pk)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404("没有这种办理操作")
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    form = form_class(request.POST, request.FILES, issue=issue)
    status = 200
    forms_by_action: dict[str, Any] = {}
    changes = None
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
            changes = issue_events_since(issue, form.cleaned_data["version"])
            status = 409
        except NotAllowed as exc:
            if htmx:
                return refusal_response(str(exc), 403)
            messages.error(request, str(exc))
            status = 403
        except ValidationError as exc:
            errors_at_fields(form, exc)
            forms_by_action[action] = form
            status = 400
        else:
            messages.success(request, _("已%(action)s。") % {"action": Action(action).label})
            if not htmx:
                return redirect("issues:detail", pk=issue.pk)
    else:
        forms_by_action[action] = form
        status = 400
    fresh = issue_get_for(person, pk)
    if htmx and request.POST.get("from") == "triage":
        return triage_item(request, fresh, forms_by_action.get(action), status)
    context = _detail_context(request, fresh, forms_by_action)
    context["changes"] = changes
    if status == 400 and action not in {a for a, _label, _form in context["action_forms"]}:
        # The action is no longer offered as a form (now blocked, or gone): its reasons go on top.
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
    template = "issues/_panel.html" if htmx else "issues/detail.html"
    return render(request, template, context, status=status)


class AttachmentForm(StyledForm, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("附件"), help_text=gettext_lazy("JPG、PNG、PDF、Word、Excel，不超过 10 MB")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


def _may_attach(person: Person, issue: Issue, offers: list[Offer] | None = None) -> bool:
    """The registrar, or anyone with something to do on the issue (`offers`, when already known)."""
    if issue.registered_by_id == person.pk:
        return True
    return bool(offers if offers is not None else action_offers(issue, person))


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
    return served_as_upload(FileResponse(
        attachment.file.open("rb"), content_type=attachment.content_type,
        as_attachment=not attachment.content_type.startswith("image/"), filename=attachment.name,
    ))  # fmt: skip
