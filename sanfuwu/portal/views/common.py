"""共性问题 and 专题协调: the problems many places share, on a map of the district, and the
coordination items the leadership raises from them and follows to their close-out."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanfuwu.coordination.common import (
    common_problems,
    min_places,
    period_months,
    problem_members,
    problem_places,
)
from sanfuwu.coordination.models import Coordination, CoordinationStatus
from sanfuwu.coordination.selectors import (
    coordination_candidates,
    coordination_get_for,
    coordinations_visible_to,
)
from sanfuwu.coordination.services import (
    LEADERSHIP,
    close_missing,
    coordination_add_issues,
    coordination_close,
    coordination_decide,
    coordination_note,
    coordination_raise,
    coordination_task_add,
    coordination_task_done,
)
from sanfuwu.issues.selectors import issues_visible_to
from sanfuwu.orgs.models import Category, Department
from sanfuwu.people.models import Person
from sanfuwu.people.roles import COMMON_READERS, EVERYONE
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.reports.maps import map_highlight

MONTHS = (1, 3, 6, 12)


def _int(raw: str | None) -> int | None:
    """A plain decimal number as typed in a form or address, else None ("²" is a digit to
    str.isdigit, not to int)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _leads(person: Person) -> bool:
    return bool(person.roles & LEADERSHIP) or person.is_superuser


def _period(request: HttpRequest) -> tuple[int, int, date, date]:
    months = _int(request.GET.get("months"))
    months = months if months in MONTHS else 3
    k = _int(request.GET.get("k"))
    k = k if k is not None and 2 <= k <= 20 else min_places()
    start, end = period_months(months, timezone.localdate())
    return months, k, start, end


def _chosen(request: HttpRequest) -> tuple[Category, str] | None:
    code, _sep, topic = request.GET.get("p", "").partition(":")
    category = Category.objects.filter(code=code).first() if code and topic else None
    return (category, topic) if category else None


@roles_required(*COMMON_READERS)
def common_page(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    months, k, start, end = _period(request)
    problems = common_problems(person, start, end, places=k)
    chosen = _chosen(request)
    raised = {
        f"{c.category.code if c.category else ''}:{c.topic}": c
        for c in Coordination.objects.filter(category__isnull=False)
        .exclude(status=CoordinationStatus.CLOSED)
        .select_related("category")
    }
    for problem in problems:
        problem.coordination = raised.get(problem.key)
    context: dict[str, Any] = {
        "months": months, "month_choices": MONTHS, "k": k, "start": start, "end": end, "problems": problems,
        "raised": raised, "leads": _leads(person), "chosen": chosen,
        "coordinations": coordinations_visible_to(person).order_by("status", "-raised_at")[:10],
    }  # fmt: skip
    if chosen is not None:
        category, topic = chosen
        context["chosen_key"] = f"{category.code}:{topic}"
        context["chosen_label"] = f"{topic}（{category.name}）"
        members = problem_members(person, start, end, category, topic)
        context["members"] = Paginator(members, 50).get_page(request.GET.get("page"))
        period = {
            "category": category.pk,
            "date_from": start.isoformat(),
            "date_to": (end - timedelta(days=1)).isoformat(),
        }
        context["map"] = map_highlight(
            person, problem_places(person, start, end, category, topic), link=period
        )
    else:
        totals: dict[int, int] = {}
        for problem in problems:
            for region, n in problem.regions:
                totals[region.pk] = totals.get(region.pk, 0) + n
        context["map"] = map_highlight(person, totals)
    return render(request, "common/page.html", context)


@require_POST
@roles_required(*COMMON_READERS)
def common_raise(request: HttpRequest) -> HttpResponse:
    """提请专题协调: the chosen common problem's issues of the period, under a title."""
    person = person_of(request)
    if not _leads(person):
        raise PermissionDenied(_("只有区领导或管理员可以提请专题协调。"))
    code, _sep, topic = request.POST.get("p", "").partition(":")
    category = Category.objects.filter(code=code).first()
    if category is None or not topic:
        raise Http404("没有这个共性问题")
    months = _int(request.POST.get("months"))
    months = months if months in MONTHS else 3
    start, end = period_months(months, timezone.localdate())
    issues = list(problem_members(person, start, end, category, topic)[:500])
    try:
        coordination = coordination_raise(
            actor=person, title=request.POST.get("title", ""), issues=issues, category=category, topic=topic
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(f"{reverse('common:page')}?months={months}&p={code}:{topic}")
    messages.success(request, _("已提请专题协调：%(t)s。") % {"t": coordination.title})
    return redirect("common:coordination", coordination.pk)


@roles_required(*EVERYONE)
def coordination_list(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    items = coordinations_visible_to(person).order_by("status", "-raised_at")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "common/coordinations.html", {"page": page})


def _detail_context(person: Person, coordination: Coordination, **extra: Any) -> dict[str, Any]:
    links = coordination.links.select_related("issue__region", "issue__lead_department").order_by(
        "-issue__registered_at"
    )
    visible = set(
        issues_visible_to(person).filter(pk__in=links.values("issue_id")).values_list("pk", flat=True)
    )
    tasks = list(coordination.tasks.select_related("department", "done_by"))
    today = timezone.localdate()
    return {
        "c": coordination, "links": [link for link in links if link.issue_id in visible],
        "hidden": len(links) - len(visible),
        "tasks": tasks, "today": today, "events": coordination.events.select_related("actor"),
        "leads": _leads(person), "open": coordination.status != CoordinationStatus.CLOSED,
        "departments": Department.objects.filter(active=True).order_by("sort_order", "id"),
        "candidates": coordination_candidates(coordination, person) if _leads(person) else [],
        "close_missing": close_missing(coordination),
        "may_do": {t.pk for t in tasks if t.done_at is None and (_leads(person) or person.department_id == t.department_id)},
        "errors": {}, "values": {}, **extra,
    }  # fmt: skip


@roles_required(*EVERYONE)
def coordination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_of(request)
    coordination = coordination_get_for(person, pk)
    return render(request, "common/coordination.html", _detail_context(person, coordination))


ACTIONS = {"decide", "task", "done", "note", "close", "add"}


@require_POST
@roles_required(*EVERYONE)
def coordination_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step on a coordination item from its page; a refusal redraws the page with the reason at
    the field concerned (400), and nothing of it is written."""
    person = person_of(request)
    coordination = coordination_get_for(person, pk)
    if action not in ACTIONS:
        raise Http404("没有这种操作")
    post = request.POST
    try:
        if action == "decide":
            raw_date = post.get("meeting_date", "")
            try:
                meeting = date.fromisoformat(raw_date) if raw_date else None
            except ValueError:
                raise ValidationError({"meeting_date": _("请填写有效的会议日期。")}) from None
            coordination_decide(
                coordination=coordination,
                actor=person,
                meeting_date=meeting,
                decision=post.get("decision", ""),
            )
            done = _("已记录会议决定。")
        elif action == "task":
            dept_id = _int(post.get("department"))
            department = Department.objects.filter(pk=dept_id, active=True).first() if dept_id else None
            days = _int(post.get("workdays"))
            coordination_task_add(
                coordination=coordination,
                actor=person,
                department=department,
                text=post.get("text", ""),
                workdays=days,
            )
            done = _("已交办任务。")
        elif action == "done":
            task_id = _int(post.get("task"))
            task = coordination.tasks.filter(pk=task_id).first() if task_id else None
            if task is None:
                raise Http404("没有这项任务")
            coordination_task_done(task=task, actor=person, note=post.get("note", ""))
            done = _("已记录任务完成情况。")
        elif action == "note":
            coordination_note(coordination=coordination, actor=person, text=post.get("text", ""))
            done = _("已记录进展。")
        elif action == "add":
            wanted = {n for n in (_int(v) for v in post.getlist("issue")) if n}
            issues = [i for i in coordination_candidates(coordination, person) if i.pk in wanted]
            n = coordination_add_issues(coordination=coordination, actor=person, issues=issues)
            done = _("已纳入 %(n)s 件问题。") % {"n": n}
        else:
            coordination_close(coordination=coordination, actor=person, summary=post.get("summary", ""))
            done = _("专题协调已办结。")
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        context = _detail_context(
            person, coordination_get_for(person, pk), errors={action: {k.strip("_"): v for k, v in errors.items()}},
            values={action: dict(post.items())}, failed=action,
        )  # fmt: skip
        return render(request, "common/coordination.html", context, status=400)
    messages.success(request, done)
    return redirect("common:coordination", pk)
