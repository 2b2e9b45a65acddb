from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sanfuwu.issues.forms import DispatchForm
from sanfuwu.issues.models import Issue
from sanfuwu.issues.selectors import issue_triage_queue
from sanfuwu.people.models import Role
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.portal.views.listing import issue_page


@roles_required(Role.DISPATCHER)
def triage(request: HttpRequest) -> HttpResponse:
    """待梳理: what has come in and what came back, oldest first."""
    person = person_of(request)
    qs = (
        issue_triage_queue(person).prefetch_related("assignments__department").order_by("registered_at", "id")
    )
    page, query = issue_page(request, qs)
    # Each issue carries its own dispatch form, prefilled with the category's usual department.
    items = [(issue, DispatchForm(issue=issue, auto_id=f"id_%s_{issue.pk}")) for issue in page.object_list]
    context = {"page": page, "query": query, "items": items}
    return render(request, "issues/triage.html", context)


def triage_item(request: HttpRequest, issue: Issue, form: Any, status: int) -> HttpResponse:
    """The queue's row after an inline dispatch: the result, or the form again with its errors."""
    text = " ".join(str(m) for m in messages.get_messages(request))
    context: dict[str, Any] = {"issue": issue, "form": form}
    if form is None:
        if status == 200:
            lead = issue.lead_department.name if issue.lead_department else ""
            text = _("已交办%(lead)s，期限 %(due)s。") % {"lead": lead, "due": issue.due_date or "—"}
        context.update(message=text, tone="success" if status == 200 else "danger")
    return render(request, "issues/_triage_item.html", context, status=status)
