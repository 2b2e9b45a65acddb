"""Visits, pairings and coverage pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanfuwu.core.headers import served_as_upload
from sanfuwu.core.periods import SPANS, month_bounds
from sanfuwu.core.routing import reads_from_replica
from sanfuwu.issues.models import Issue
from sanfuwu.issues.selectors import issues_visible_to
from sanfuwu.people.roles import OVERSEERS, PAIRING_ASSIGNERS, VISIT_RECORDERS
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.visits.campaigns import GroupProgress, campaign_get_for, campaign_progress, campaigns_visible_to
from sanfuwu.visits.forms import GridAssignForm, ProblemFormSet, VisitRecordForm, targets_for_visit
from sanfuwu.visits.overview import LEVELS, coverage_of, coverage_query, seed_figures
from sanfuwu.visits.selectors import pairing_rows_for, visit_get_for, visit_rows_for
from sanfuwu.visits.services import pairings_assign_grid, visit_record


@login_required
@reads_from_replica()
def visit_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    today = timezone.localdate()
    # The page shows one month at a time; month=all is for the export.
    start, end = month_bounds(request.GET.get("month"), today)
    qs = visit_rows_for(person, (start, end), mine=bool(request.GET.get("mine")))
    # Each row's problems counted by itself: a join and GROUP BY over the month's visits made SQLite
    # group every visit of the district before it could page (360 ms at a million issues).
    problems = Issue.objects.filter(visit=OuterRef("pk")).order_by().values("visit").annotate(n=Count("id"))
    qs = qs.prefetch_related("targets", "visitors").annotate(
        problems=Coalesce(Subquery(problems.values("n")), 0)
    )
    page = Paginator(qs.order_by("-visited_at", "-id"), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "query": query.urlencode(),
        "month": f"{start:%Y-%m}",
        "mine": bool(request.GET.get("mine")),
    }
    return render(request, "visits/list.html", context)


@roles_required(*VISIT_RECORDERS)
def visit_new(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    initial_targets = [request.GET["target"]] if request.GET.get("target", "").isdigit() else []
    form = VisitRecordForm(
        request.POST or None, request.FILES or None, actor=person, initial={"targets": initial_targets}
    )
    problems = ProblemFormSet(request.POST or None, prefix="problems")
    if request.method == "POST" and form.is_valid() & problems.is_valid():
        data = form.cleaned_data
        try:
            visit, issues = visit_record(
                actor=person, visited_at=data["visited_at"], targets=list(data["targets"]), notes=data["notes"],
                form=data["form"], companions=list(data["companions"]), departments=list(data["departments"]),
                place=data["place"], met=data["met"], policies=list(data["policies"]), photos=data["photos"],
                report=data["report"], problems=[p.problem() for p in problems.forms if p.has_changed()],
            )  # fmt: skip
        except ValidationError as error:
            _place_errors(error, form, problems)
        else:
            messages.success(request, _("走访已记录，登记问题 %(n)s 件。") % {"n": len(issues)})
            return redirect(f"{visit.get_absolute_url()}?recorded=1")
    chosen = set(form["targets"].value() or [])
    context = {"form": form, "problems": problems, "targets": _target_choices(form, chosen), "chosen": chosen}
    return render(request, "visits/form.html", context)


def _place_errors(error: ValidationError, form: VisitRecordForm, problems: Any) -> None:
    for key, messages_ in error.message_dict.items():
        if key.startswith("problems-"):
            _, index, field = key.split("-", 2)
            problems.forms[int(index)].add_error(
                field if field in problems.forms[0].fields else None, messages_
            )
        else:
            form.add_error(key if key in form.fields else None, messages_)


def _target_choices(form: VisitRecordForm, chosen: set[str]) -> list[Any]:
    """Chosen targets, then the person's own pairings and key targets, for the phone's short list."""
    qs = form.fields["targets"].queryset  # type: ignore[attr-defined]
    picked = list(qs.filter(pk__in=[c for c in chosen if str(c).isdigit()]))
    rest = list(qs.exclude(pk__in=[t.pk for t in picked])[:12])
    return picked + rest


@roles_required(*VISIT_RECORDERS)
def visit_target_search(request: HttpRequest) -> HttpResponse:
    """htmx: targets by name or credit code, own pairings first."""
    term = request.GET.get("q", "").strip()
    qs = targets_for_visit(person_of(request))
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(credit_code__iexact=term.upper()))
    chosen = set(request.GET.getlist("targets"))
    found = [t for t in qs[:20] if str(t.pk) not in chosen]
    return render(request, "visits/_target_options.html", {"targets": found, "chosen": set()})


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    visit = visit_get_for(person, pk)
    issues = list(
        Issue.objects.filter(visit=visit).select_related("category", "lead_department").order_by("id")
    )
    visible = set(issues_visible_to(person).filter(visit=visit).values_list("pk", flat=True))
    context = {
        "visit": visit,
        "issues": [(issue, issue.pk in visible) for issue in issues],
        "targets": visit.targets.select_related("grid", "region"),
        "visitors": visit.visitors.all(),
        "departments": visit.departments.all(),
        "policies": visit.policies.all(),
        "photos": visit.photos.all(),
        "recorded": request.GET.get("recorded") == "1",
    }
    return render(request, "visits/detail.html", context)


@login_required
def visit_photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    visit = visit_get_for(person_of(request), pk)
    photo = visit.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404("没有找到该照片")
    return served_as_upload(
        FileResponse(photo.file.open("rb"), content_type=photo.content_type, filename=photo.name)
    )


@login_required
def visit_report(request: HttpRequest, pk: int) -> FileResponse:
    visit = visit_get_for(person_of(request), pk)
    if not visit.report:
        raise Http404("没有调研报告")
    return FileResponse(
        visit.report.open("rb"), as_attachment=True, filename=visit.report.name.rsplit("/", 1)[-1]
    )


# Rows of 待走访 and 走访盲区 written into the page; a district's thousands of pairings are in the
# Excel export, and a page of ten thousand rows would take seconds to write and to scroll.
LISTED = 50
# Counting a territory's pairings against a year of visits takes about a second and a half at ten
# thousand pairings, and its visits' problems more: above LIVE_PAIRINGS the figures are kept for
# KEPT_SECONDS per reader and question, and the page says when they were counted and offers to
# count again.
LIVE_PAIRINGS = 1000
KEPT_SECONDS = 300


@login_required
@reads_from_replica()
def coverage_page(request: HttpRequest) -> HttpResponse:
    """走访覆盖 for a month: rollups, the blind spots and what is due this week."""
    person = person_of(request)
    query = coverage_query(person, request.GET)
    region = query["region"].pk if query["region"] else ""
    key = f"coverage:{person.pk}:{query['span']}:{query['start']}:{query['end']}:{region}:{query['level']}:{query['today']}"
    summary = None if request.GET.get("fresh") else cache.get(key)
    if summary is None:
        summary = _coverage_summary(coverage_of(query))
        summary["figures"] = seed_figures(person, query["start"], query["end"], query["region"])
        if summary["pairings"] > LIVE_PAIRINGS:
            summary["kept_at"] = timezone.now()
            cache.set(key, summary, KEPT_SECONDS)
    today = query["today"]
    fresh = request.GET.copy()
    fresh["fresh"] = "1"
    context = {
        "period": query["period"], "month": request.GET.get("month") or f"{today:%Y-%m}", "start": query["start"],
        "end": query["end"], "level": query["level"], "span": query["span"], "spans": SPANS.items(),
        "levels": [(k, v[1]) for k, v in LEVELS.items()], **summary, "listed": LISTED,
        "kept_minutes": KEPT_SECONDS // 60, "fresh_query": fresh.urlencode(),
        "overseer": person.is_superuser or person.has_role(*OVERSEERS),
    }  # fmt: skip
    return render(request, "visits/coverage.html", context)


def _coverage_summary(data: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of a coverage: small enough to keep, whatever the territory."""
    today, results = data["today"], data["results"]
    counted = [r for r in results if r.counted]
    fulfilled = sum(r.fulfilled for r in counted)
    week_end = today + timedelta(days=6 - today.weekday())
    # Still to visit in the running slot, the ones due by the end of this week first.
    pending = sorted(
        (r for r in results if r.pending is not None),
        key=lambda r: (r.pending.end if r.pending else today, r.pairing.target.name),
    )
    gaps = sorted(
        (r for r in counted if not r.fulfilled),
        key=lambda r: (r.last_visit or date.min, r.pairing.target.name),
    )
    return {
        "pairings": len(results), "rollups": data["rollups"], "counted": len(counted), "fulfilled": fulfilled,
        "rate": fulfilled / len(counted) if counted else None, "gaps": gaps[:LISTED], "gaps_total": len(gaps),
        "pending": pending[:LISTED], "pending_total": len(pending), "week_end": week_end,
        "due_this_week": sum(1 for r in pending if r.pending and r.pending.end <= week_end), "kept_at": None,
    }  # fmt: skip


@login_required
@reads_from_replica()
def pairing_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    term = request.GET.get("q", "").strip()
    qs = pairing_rows_for(person, term)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    may_assign = person.is_superuser or person.has_role(*PAIRING_ASSIGNERS)
    context = {
        "page": page, "q": term, "assign_form": GridAssignForm(actor=person) if may_assign else None,
    }  # fmt: skip
    return render(request, "visits/pairings.html", context)


@require_POST
@roles_required(*PAIRING_ASSIGNERS)
def pairing_assign_grid(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = GridAssignForm(request.POST, actor=person)
    if form.is_valid():
        try:
            created = pairings_assign_grid(actor=person, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已新建包联关系 %(n)s 条。") % {"n": len(created)})
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[k].label}：{' '.join(str(m) for m in v)}" for k, v in form.errors.items()
            ),
        )
    return redirect("visits:pairings")


@login_required
@reads_from_replica()
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = campaigns_visible_to(person_of(request)).annotate(
        groups_count=Count("groups", distinct=True), targets_count=Count("assignments", distinct=True)
    )
    return render(request, "visits/campaigns.html", {"campaigns": campaigns})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = campaign_get_for(person_of(request), pk)
    groups = campaign_progress(campaign)
    total = GroupProgress(group=None)  # type: ignore[arg-type]
    for g in groups:
        total.assigned += g.assigned
        total.visited += g.visited
        total.collected += g.collected
        total.resolved += g.resolved
    return render(request, "visits/campaign.html", {"campaign": campaign, "groups": groups, "total": total})
