from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfuwu.core.paging import capped_count
from sanfuwu.issues.selectors import issue_worklists
from sanfuwu.people.models import Role
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.portal.views.listing import issue_page

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
    page, query = issue_page(request, qs.order_by("due_date", "registered_at", "id"))
    tabs = [(key, label, *capped_count(queries[key]), key == tab) for key, label in WORK_TABS]
    return render(
        request, "issues/worklist.html",
        {"page": page, "query": query, "tabs": tabs, "tab": tab, "department": person.department},
    )  # fmt: skip
