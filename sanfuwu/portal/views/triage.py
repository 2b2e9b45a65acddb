"""待梳理: the dispatcher's queue. Filters, each row's dispatch with the due date shown before it is
sent, batch dispatch of the ticked rows, and the queue's counts kept current after each dispatch.

Every dispatch goes through the workflow (issue_act), one issue at a time. A refusal answers as the
product's refusal contract says: bad input 400 with the form and its errors, a row someone else
changed first 409 with the fresh row saying who did what and when, anything else 403/404."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanfuwu.core.forms import errors_at_fields
from sanfuwu.core.paging import capped_count
from sanfuwu.issues.forms import MergeForm
from sanfuwu.issues.models import AWAITING_DISPATCH_STATUSES, Action, Issue
from sanfuwu.issues.selectors import issue_get_for
from sanfuwu.issues.triage import (
    BATCH_MAX,
    DuePreview,
    DuePreviews,
    TriageDispatchForm,
    TriageFilterForm,
    active_departments,
    due_label,
    issue_last_change,
    issues_dispatch_each,
    parse_picks,
    returned_department_ids,
    returns_of,
    triage_counts,
    triage_issues,
    triage_order,
    triage_rows,
)
from sanfuwu.issues.workflow import Conflict, NotAllowed, issue_act
from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person, Role
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.portal.views.listing import issue_page
from sanfuwu.triage.selectors import advice_for_rows
from sanfuwu.triage.suggest import issue_suggest_at_dispatch

# Sent with every dispatch's answer: the queue's counts reload themselves on it.
CHANGED = "triage-changed"


def _filters(request: HttpRequest) -> tuple[TriageFilterForm, dict[str, Any], str]:
    form = TriageFilterForm(request.GET or None, actor=person_of(request))
    query = request.GET.copy()
    query.pop("page", None)
    return form, form.filters(), query.urlencode()


def _row(
    issue: Issue, departments: Sequence[Department], dues: DuePreviews, *, form: TriageDispatchForm | None = None,
    waiting: bool = True, viewer: Person | None = None, **extra: Any,
) -> dict[str, Any]:  # fmt: skip
    """What one row shows: the issue, its returns, and its dispatch form while it still waits."""
    if waiting and form is None:
        form = TriageDispatchForm(
            issue=issue, departments=departments, returned_by=returned_department_ids(issue)
        )
    row: dict[str, Any] = {"issue": issue, "returns": returns_of(issue), "form": form, **extra}
    if form is not None and "advice" not in row:
        row["advice"] = advice_for_rows([issue], viewer).get(issue.pk) if viewer else None
    if form is not None:
        row["due"] = _due_of(form, dues)
    since = getattr(issue, "waiting_since", None)
    if since is not None:
        row["waited_days"] = (timezone.localdate() - timezone.localtime(since).date()).days
    return row


def _counts_context(
    request: HttpRequest, filtered: int, capped: bool, filters: dict[str, Any], query: str
) -> dict[str, Any]:
    return {
        "counts": triage_counts(person_of(request)),
        "filtered": filtered,
        "filtered_capped": capped,
        "filtering": bool(filters),
        "query": query,
    }


@roles_required(Role.DISPATCHER)
def triage(request: HttpRequest) -> HttpResponse:
    """待梳理: what has come in and what came back, oldest first, as the filters narrow it."""
    person = person_of(request)
    form, filters, query = _filters(request)
    page, _query = issue_page(request, triage_order(triage_rows(person, filters)))
    departments = active_departments()
    dues = DuePreviews(timezone.localdate())
    issues = triage_issues(list(page.object_list))
    advice = advice_for_rows(issues, person)
    rows = [_row(issue, departments, dues, advice=advice.get(issue.pk)) for issue in issues]
    context = {
        "form": form,
        "more_open": bool(set(filters) - {"q"}),
        "page": page,
        "rows": rows,
        "batch": TriageDispatchForm(issue=None, departments=departments),
        "batch_due": dues("deadline", 5),
        "batch_max": BATCH_MAX,
        **_counts_context(request, page.paginator.count, page.paginator.capped, filters, query),
    }
    # A change of filters redraws only the results; the batch form keeps what was chosen in it.
    if request.htmx and request.htmx.target == "triage-results":  # type: ignore[attr-defined]
        return render(request, "issues/_triage_results.html", context)
    return render(request, "issues/triage.html", context)


@require_GET
@roles_required(Role.DISPATCHER)
def triage_counts_view(request: HttpRequest) -> HttpResponse:
    """The queue's counts under the current filters, reloaded after every dispatch."""
    _form, filters, query = _filters(request)
    filtered, capped = capped_count(triage_order(triage_rows(person_of(request), filters)))
    return render(
        request, "issues/_triage_counts.html", _counts_context(request, filtered, capped, filters, query)
    )


@require_GET
@roles_required(Role.DISPATCHER)
def triage_due(request: HttpRequest) -> HttpResponse:
    """The due date a dispatch today would set, as the dispatcher chooses the tier and types the
    working days, by the district's working-day calendar; or why that deadline cannot be."""
    due = DuePreviews(timezone.localdate())(request.GET.get("tier"), request.GET.get("workdays"))
    return render(request, "issues/_triage_due.html", {"due": due})


def _fresh(pk: int) -> Issue:
    """An issue as a row shows it, read again after an action."""
    return triage_issues([pk])[0]


def _row_response(
    request: HttpRequest, issue: Issue, status: int, *, form: TriageDispatchForm | None = None, **extra: Any
) -> HttpResponse:
    departments = active_departments()
    dues = DuePreviews(timezone.localdate())
    waiting = issue.status in AWAITING_DISPATCH_STATUSES
    row = _row(
        _fresh(issue.pk), departments, dues, form=form, waiting=waiting, viewer=person_of(request), **extra
    )
    response = render(request, "issues/_triage_item.html", {"row": row}, status=status)
    if status in (200, 409):
        response["HX-Trigger"] = CHANGED
    return response


@require_POST
@roles_required(Role.DISPATCHER)
def triage_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    """One row's dispatch, answered with the row: dispatched, refused at its fields (400), or
    already changed by someone else (409, saying who did what and when)."""
    person = person_of(request)
    issue = issue_get_for(person, pk)
    departments = active_departments()
    form = TriageDispatchForm(
        request.POST, issue=issue, departments=departments, returned_by=returned_department_ids(issue)
    )
    if form.is_valid():
        try:
            issue = issue_act(
                issue=issue, action=Action.DISPATCH, actor=person, version=form.cleaned_data["version"],
                **form.payload(),
            )  # fmt: skip
        except Conflict:
            return _conflict(request, pk)
        except NotAllowed as exc:
            if exc.refusal.kind == "status":
                return _conflict(request, pk)
            raise PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            errors_at_fields(form, exc)
        else:
            issue_suggest_at_dispatch(issue=issue, department=form.cleaned_data["lead_department"])
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _dispatched(issue))
                return redirect("issues:triage")
            return _row_response(request, issue, 200, message=_dispatched(issue), tone="success")
    if not request.htmx:  # type: ignore[attr-defined]
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("issues:triage")
    return _row_response(request, issue, 400, form=form)


@require_POST
@roles_required(Role.DISPATCHER)
def triage_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """合并重复 from a row: the row's issue merged into one of its likely originals, answered with
    the row (merged and gone from the queue, 400 with the reason, or 409 when changed meanwhile)."""
    person = person_of(request)
    issue = issue_get_for(person, pk)
    form = MergeForm(request.POST, issue=issue)
    if not form.is_valid():
        message = "；".join(str(e) for errors in form.errors.values() for e in errors)
        return _row_response(request, issue, 400, message=message, tone="danger")
    try:
        issue = issue_act(
            issue=issue,
            action=Action.MERGE,
            actor=person,
            version=form.cleaned_data["version"],
            **form.payload(),
        )
    except Conflict:
        return _conflict(request, pk)
    except NotAllowed as exc:
        if exc.refusal.kind == "status":
            return _conflict(request, pk)
        raise PermissionDenied(str(exc)) from None
    except ValidationError as exc:
        return _row_response(request, issue, 400, message="；".join(exc.messages), tone="danger")
    original = issue.duplicate_of.number if issue.duplicate_of else ""
    done = _("已并入 %(n)s，将随该问题一并办理、答复。") % {"n": original}
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, done)
        return redirect("issues:triage")
    return _row_response(request, issue, 200, message=done)


def _conflict(request: HttpRequest, pk: int) -> HttpResponse:
    fresh = issue_get_for(person_of(request), pk)
    return _row_response(request, fresh, 409, message=issue_last_change(fresh), tone="warning")


def _dispatched(issue: Issue) -> str:
    lead = issue.lead_department.name if issue.lead_department else ""
    co = [a.department.name for a in issue.assignments.select_related("department") if not a.is_lead
          and a.dispatched_at == issue.dispatched_at]  # fmt: skip
    text = _("已交办%(lead)s") % {"lead": lead}
    if co:
        text += _("，协办：%(co)s") % {"co": "、".join(co)}
    if issue.due_date:
        text += _("，到期日：%(due)s") % {"due": due_label(issue.due_date)}
    return text + "。"


@require_POST
@roles_required(Role.DISPATCHER)
def triage_batch(request: HttpRequest) -> HttpResponse:
    """批量交办: one department, tier, deadline and co-departments for every ticked row. Each issue
    goes through the workflow on its own; the answer lists what each came to, the dispatched rows
    leave the queue and the refused ones are redrawn as they now stand."""
    person = person_of(request)
    departments = active_departments()
    form = TriageDispatchForm(request.POST, issue=None, departments=departments)
    picks = parse_picks(request.POST.getlist("pick"))
    dues = DuePreviews(timezone.localdate())
    valid = form.is_valid()
    if not picks:
        form.add_error(None, _("请先勾选要交办的问题。"))
    elif len(picks) > BATCH_MAX:
        form.add_error(None, _("一次最多交办 %(n)s 件，请分批交办。") % {"n": BATCH_MAX})
    if not valid or form.errors:
        context = {"batch": form, "batch_due": _due_of(form, dues), "batch_max": BATCH_MAX, "open": True}
        return render(request, "issues/_triage_batch.html", context, status=400)
    payload = form.payload()
    outcomes = issues_dispatch_each(actor=person, picks=picks, **payload)
    fresh_rows = [
        _row(_fresh(o.issue_id), departments, dues, viewer=person,
             waiting=o.issue.status in AWAITING_DISPATCH_STATUSES, message=o.message, tone="warning")
        for o in outcomes if not o.dispatched and o.issue is not None
    ]  # fmt: skip
    done = sum(o.dispatched for o in outcomes)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.info(
            request,
            _("批量交办：成功 %(ok)s 件，未交办 %(no)s 件。") % {"ok": done, "no": len(outcomes) - done},
        )
        return redirect("issues:triage")
    context = {
        "batch": TriageDispatchForm(issue=None, departments=departments, initial=_kept(form)),
        "batch_due": _due_of(form, dues),
        "batch_max": BATCH_MAX,
        "outcomes": outcomes,
        "done": done,
        "refused": len(outcomes) - done,
        "fresh_rows": fresh_rows,
        "open": True,
    }
    response = render(request, "issues/_triage_batch.html", context)
    response["HX-Trigger"] = CHANGED
    return response


def _kept(form: TriageDispatchForm) -> dict[str, Any]:
    """The batch's choices, offered again for the next batch."""
    d = form.cleaned_data
    return {
        "lead_department": d["lead_department"].pk,
        "co_departments": [c.pk for c in d["co_departments"]],
        "tier": d["tier"],
        "workdays": d.get("workdays") or 5,
    }


def _due_of(form: TriageDispatchForm, dues: DuePreviews) -> DuePreview:
    """The deadline field's line: the refusal of a submitted form, else the due date it gives."""
    if form.is_bound and form.errors.get("workdays"):
        return DuePreview(error=" ".join(str(e) for e in form.errors["workdays"]))
    return dues(form.value_of("tier"), form.value_of("workdays"))


def triage_item(request: HttpRequest, issue: Issue, form: Any, status: int) -> HttpResponse:
    """The queue's row after a dispatch through the issue's own action endpoint (`from=triage`)."""
    text = " ".join(str(m) for m in messages.get_messages(request))
    if form is not None:
        # The action endpoint's plain dispatch form: its errors, on the row's own form.
        departments = active_departments()
        row_form = TriageDispatchForm(
            form.data, issue=issue, departments=departments, returned_by=returned_department_ids(issue)
        )
        row_form.is_valid()
        for field, errors in form.errors.items():
            if field not in row_form.errors:
                row_form.add_error(field if field in row_form.fields else None, errors)
        return _row_response(request, issue, status, form=row_form)
    if status == 200:
        return _row_response(request, issue, status, message=_dispatched(issue), tone="success")
    if status == 409:
        return _row_response(request, issue, status, message=issue_last_change(issue), tone="warning")
    return _row_response(request, issue, status, message=text, tone="danger")
