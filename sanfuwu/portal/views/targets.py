from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from sanfuwu.core.routing import reads_from_replica
from sanfuwu.people.models import Person
from sanfuwu.people.selectors import people_visible_to
from sanfuwu.portal.access import can_edit_targets, person_of
from sanfuwu.targets.filters import target_filter_from
from sanfuwu.targets.forms import TargetFilterForm, TargetForm
from sanfuwu.targets.models import Target, TargetKind
from sanfuwu.targets.selectors import target_get_for, target_search
from sanfuwu.targets.services import target_create, target_update
from sanfuwu.visits.selectors import pairings_visible_to, policies_heard, visits_visible_to


def _kind_tabs(
    person: Person, form: TargetFilterForm, current: str, query: QueryDict
) -> list[dict[str, object]]:
    counts = dict(
        target_search(person, target_filter_from(form, kind="all"))
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    tabs = []
    for value, label in [*TargetKind.choices, ("all", _("全部"))]:
        q = query.copy()
        q["kind"] = value
        n = sum(counts.values()) if value == "all" else counts.get(value, 0)
        if n or value in (current, TargetKind.ENTERPRISE, "all"):
            tabs.append(
                {
                    "value": value,
                    "label": label,
                    "count": n,
                    "query": q.urlencode(),
                    "active": value == current,
                }
            )
    return tabs


@login_required
@reads_from_replica()
def target_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = TargetFilterForm(request.GET or None, actor=person)
    filters = target_filter_from(form)
    qs = target_search(person, filters)
    page = Paginator(qs, settings.SANFUWU_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    current_kind = filters.kind or "all"
    query["kind"] = current_kind
    context = {
        "form": form,
        "kind": current_kind,
        "tabs": _kind_tabs(person, form, current_kind, query),
        "page": page,
        "query": query.urlencode(),
        "can_edit": can_edit_targets(person),
        "filtered": bool(query),
    }
    htmx = request.htmx  # type: ignore[attr-defined]
    # A history restore after a cache miss wants the whole page, not the fragment.
    partial = bool(htmx) and not htmx.boosted and not htmx.history_restore_request
    response = render(request, "targets/_results.html" if partial else "targets/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    target = target_get_for(person, pk)
    ancestors = [r for r in (target.grid or target.region).ancestors() if r.kind != "district"]
    grid_workers = people_visible_to(person).filter(region=target.grid, is_active=True) if target.grid else []
    return render(
        request,
        "targets/detail.html",
        {
            "target": target,
            "ancestors": ancestors,
            "grid_workers": grid_workers,
            "can_edit": can_edit_targets(person),
            "visits": visits_visible_to(person).filter(targets=target).prefetch_related("visitors")[:10],
            "policies_heard": policies_heard(target),
            "pairings": pairings_visible_to(person).filter(target=target),
            "accounts": target.accounts.select_related("person") if target.kind == "enterprise" else None,
        },
    )


def _require_editor(person: Person) -> None:
    if not can_edit_targets(person):
        raise PermissionDenied(_("您的角色不能编辑联系对象。"))


def _save(person: Person, form: TargetForm, target: Target | None) -> Target | None:
    if not form.is_valid():
        return None
    try:
        with transaction.atomic():
            if target is None:
                return target_create(actor=person, fields=form.cleaned_data)
            return target_update(actor=person, target=target, fields=form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@login_required
def target_new(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    _require_editor(person)
    form = TargetForm(
        request.POST or None, actor=person, initial={"kind": request.GET.get("kind", "enterprise")}
    )
    if request.method == "POST":
        saved = _save(person, form, None)
        if saved:
            messages.success(request, _("已新增联系对象“%(name)s”。") % {"name": saved.name})
            return redirect("targets:detail", pk=saved.pk)
    return render(request, "targets/form.html", {"form": form, "target": None})


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    target = target_get_for(person, pk)
    _require_editor(person)
    form = TargetForm(request.POST or None, instance=target, actor=person)
    if request.method == "POST":
        # Work on a fresh copy so that a refused edit leaves the shown object untouched.
        saved = _save(person, form, target_get_for(person, pk))
        if saved:
            messages.success(request, _("已保存“%(name)s”。") % {"name": saved.name})
            return redirect("targets:detail", pk=saved.pk)
    return render(request, "targets/form.html", {"form": form, "target": target})
