"""Suggestions while an issue is written down: the likeliest categories for the words typed so far,
and a visit's notes cut into the problems they raise. Both only read; nothing is registered here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanfuwu.orgs.models import Category
from sanfuwu.people.roles import REGISTRARS, VISIT_RECORDERS
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.triage.selectors import likely_duplicates
from sanfuwu.triage.split import split_notes
from sanfuwu.triage.suggest import advise

WRITERS = REGISTRARS | VISIT_RECORDERS
# Longer texts are cut: a suggestion needs the problem, not a report.
MAX_TEXT = 2000


def _typed(request: HttpRequest) -> str:
    """The text typed so far, whichever field sent it (a visit's problem, the registration form)."""
    data = request.GET if request.method == "GET" else request.POST
    keys = [k for k in data if k == "text" or k.endswith(("title", "description", "notes"))]
    parts = [str(data.get(k, "")).strip() for k in keys]
    return "。".join(p for p in parts if p)[:MAX_TEXT]


@require_GET
@roles_required(*WRITERS)
def suggest(request: HttpRequest) -> HttpResponse:
    text = _typed(request)
    duplicates = likely_duplicates(text, person_of(request)) if len(text) >= 8 else []
    return render(request, "triage/_suggest.html", {"advice": advise(text), "duplicates": duplicates})


@require_POST
@roles_required(*WRITERS)
def split(request: HttpRequest) -> HttpResponse:
    text = _typed(request)
    if len(text) < 4:
        context = {"error": _("请先在“走访情况”中写下走访记录，再拆分问题。")}
        return render(request, "triage/_split.html", context, status=400)
    problems = split_notes(text)
    categories = {c.code: c for c in Category.objects.filter(active=True)}
    rows = [(p, categories.get(p.code)) for p in problems]
    return render(request, "triage/_split.html", {"rows": rows, "categories": list(categories.values())})
