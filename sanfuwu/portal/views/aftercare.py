"""办结后续: the dispatcher's after-care queue — 待答复, 待回访, 待销号 — with batch answers from a
template, batch close-out, the return visit inline, and the one-step close of an 已经办 case whose
raiser was told on the spot.

A batch is a list of separate workflow steps: its response (200) lists each row's outcome, done or
refused with the reason (a conflict says who acted first). Bad input to the batch itself (nothing
chosen, no text) is 400 with the panel and its field errors; a single row's action answers 400 for
bad input and 409 with the row as it now stands when someone else acted first.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanfuwu.core.forms import StyledForm, errors_at_fields
from sanfuwu.core.paging import capped_count
from sanfuwu.issues.aftercare import (
    AFTERCARE_ROLES,
    ANSWER_TEMPLATES,
    SPOT_RATINGS,
    TABS,
    Outcome,
    aftercare_change_told,
    aftercare_get_for,
    aftercare_queues,
    aftercare_search_q,
    answer_fill,
    issue_answer_batch,
    issue_close_batch,
    issue_close_on_spot,
)
from sanfuwu.issues.forms import RateForm
from sanfuwu.issues.models import Action, Issue, Rating, Status, Tier
from sanfuwu.issues.selectors import issue_get_for
from sanfuwu.issues.workflow import Conflict, NotAllowed, issue_act
from sanfuwu.people.models import Person
from sanfuwu.portal.access import person_of, roles_required
from sanfuwu.portal.views.listing import issue_page

TAB_KEYS = [key for key, _label in TABS]


class AnswerTemplateForm(StyledForm, forms.Form):
    templates = ANSWER_TEMPLATES
    template = forms.ChoiceField(
        label=gettext_lazy("答复模板"), choices=[(t.key, t.label) for t in ANSWER_TEMPLATES], required=False
    )
    text = forms.CharField(
        label=gettext_lazy("答复内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写答复内容，或选择一个答复模板。")},
        help_text=gettext_lazy("可用的占位符：{标题}、{编号}、{承办部门}、{办理结果}、{反映人}，预览时换成每件问题自己的内容。"),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].initial = ANSWER_TEMPLATES[0].text
        self.style_widgets()


class SpotForm(StyledForm, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(
        label=gettext_lazy("反映人当场评价"), choices=SPOT_RATINGS, widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择反映人当场的评价：满意或基本满意。")},
    )  # fmt: skip


def _tabs(person: Person, active: str) -> list[tuple[str, Any, int, bool, bool]]:
    queues = aftercare_queues(person)
    return [(key, label, *capped_count(queues[key]), key == active) for key, label in TABS]


def _tab_of(request: HttpRequest) -> str:
    tab = request.GET.get("tab") or request.POST.get("tab") or "answer"
    return tab if tab in TAB_KEYS else "answer"


def _body_context(
    request: HttpRequest, tab: str, *, outcomes: list[Outcome] | None = None, **extra: Any
) -> dict[str, Any]:
    person = person_of(request)
    qs = aftercare_queues(person)[tab].select_related("category", "region", "lead_department")
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()
    if q:
        qs = qs.filter(aftercare_search_q(q))
    qs = qs.prefetch_related("checklist")
    page, _query = issue_page(request, qs)
    # Built, not copied: a batch's answer comes to another address, and its paging must still
    # lead back to this tab.
    query = urlencode({"tab": tab, "q": q} if q else {"tab": tab})
    rows = [_row(issue, tab) for issue in page.object_list]
    context: dict[str, Any] = {
        "tab": tab,
        "q": q,
        "tabs": _tabs(person, tab),
        "page": page,
        "query": query,
        "rows": rows,
        "outcomes": outcomes or [],
        "done": sum(o.done for o in outcomes or []),
        "template_form": AnswerTemplateForm(),
    }
    context.update(extra)
    return context


def _row(issue: Issue, tab: str, **extra: Any) -> dict[str, Any]:
    """What one row shows and offers: the rate form in 待回访, the on-the-spot close for 已经办 in
    待答复, and in 待销号 why it cannot close yet (a required checklist item open)."""
    row: dict[str, Any] = {"issue": issue, "tab": tab}
    if issue.status != Status.RESOLVED:
        return row | extra
    if tab == "visit":
        row["rate_form"] = RateForm(issue=issue, auto_id=f"id_%s_{issue.pk}")
    open_items = [i.label for i in issue.checklist.all() if i.required and i.done_at is None]
    blocked = _("清单事项未完成：%(items)s") % {"items": "、".join(open_items)} if open_items else ""
    # Said in every tab, so that the dispatcher sees early what will stop the close-out.
    row["open_items"] = "、".join(open_items)
    if tab == "answer" and issue.tier == Tier.DONE:
        row["spot_form"] = SpotForm(initial={"version": issue.version}, auto_id=f"id_spot_%s_{issue.pk}")
        row["spot_blocked"] = blocked
    if tab == "close":
        row["blocked"] = blocked
    return row | extra


@roles_required(*AFTERCARE_ROLES)
def aftercare(request: HttpRequest) -> HttpResponse:
    """办结后续: the three tabs with their counts, each oldest first."""
    tab = _tab_of(request)
    return render(request, "issues/aftercare.html", _body_context(request, tab))


def _versions(request: HttpRequest, ids: list[int], prefix: str = "v_") -> dict[int, int]:
    """The version of each row as the person read it, so that a row changed since is a conflict."""
    versions = {}
    for pk in ids:
        try:
            versions[pk] = int(request.POST.get(f"{prefix}{pk}") or 0)
        except ValueError:
            versions[pk] = 0
    return versions


def _ids(request: HttpRequest, name: str) -> list[int]:
    return list(dict.fromkeys(int(v) for v in request.POST.getlist(name) if v.isdigit()))


@require_POST
@roles_required(*AFTERCARE_ROLES)
def aftercare_preview(request: HttpRequest) -> HttpResponse:
    """Each chosen row's answer, filled from the template, to read and edit before sending."""
    person = person_of(request)
    form = AnswerTemplateForm(request.POST)
    ids = _ids(request, "issue")
    valid = form.is_valid()
    if not ids:
        form.add_error(None, _("请先勾选要答复的问题。"))
    if not valid or not ids:
        return render(request, "issues/_aftercare_answer_panel.html", {"template_form": form}, status=400)
    versions = _versions(request, ids)
    issues = {i.pk: i for i in aftercare_queues(person)["answer"].filter(pk__in=ids).select_related("region")}
    previews = []
    for pk in ids:
        issue = issues.get(pk)
        if issue is None:
            fresh = _fresh_or_none(person, pk)
            previews.append({"pk": pk, "issue": fresh, "gone": aftercare_change_told(fresh) if fresh else ""})
            continue
        text = answer_fill(form.cleaned_data["text"], issue)
        previews.append({"pk": pk, "issue": issue, "version": versions[pk], "text": text})
    context = {"template_form": form, "previews": previews, "ready": sum(1 for p in previews if "text" in p)}
    return render(request, "issues/_aftercare_answer_panel.html", context)


def _fresh_or_none(person: Person, pk: int) -> Issue | None:
    try:
        return issue_get_for(person, pk)
    except Http404:
        return None


@require_POST
@roles_required(*AFTERCARE_ROLES)
def aftercare_answer(request: HttpRequest) -> HttpResponse:
    """答复 each previewed row with its own (perhaps edited) text, each through the workflow."""
    person = person_of(request)
    ids = _ids(request, "answer_issue")
    if not ids:
        form = AnswerTemplateForm(request.POST)
        form.is_valid()
        form.add_error(None, _("请先勾选要答复的问题并预览答复内容。"))
        return render(request, "issues/_aftercare_answer_panel.html", {"template_form": form}, status=400)
    versions = _versions(request, ids, "answer_v_")
    answers = [(pk, versions[pk], request.POST.get(f"answer_{pk}", "")) for pk in ids]
    outcomes = issue_answer_batch(actor=person, answers=answers)
    context = _body_context(request, "answer", outcomes=outcomes, verb=Action.FEEDBACK.label, fragment=True)
    return render(request, "issues/_aftercare_body.html", context)


@require_POST
@roles_required(*AFTERCARE_ROLES)
def aftercare_close(request: HttpRequest) -> HttpResponse:
    """销号 each chosen row of 待销号, each through the workflow."""
    person = person_of(request)
    ids = _ids(request, "issue")
    if not ids:
        context = _body_context(request, "close", close_error=_("请先勾选要销号的问题。"), fragment=True)
        return render(request, "issues/_aftercare_body.html", context, status=400)
    versions = _versions(request, ids)
    outcomes = issue_close_batch(actor=person, rows=[(pk, versions[pk]) for pk in ids])
    context = _body_context(request, "close", outcomes=outcomes, verb=Action.CLOSE.label, fragment=True)
    return render(request, "issues/_aftercare_body.html", context)


def _row_response(request: HttpRequest, row: dict[str, Any], status: int) -> HttpResponse:
    person = person_of(request)
    context = {"row": row, "tabs": _tabs(person, row["tab"]), "oob": True}
    return render(request, "issues/_aftercare_row_response.html", context, status=status)


def _conflict_row(request: HttpRequest, pk: int, tab: str) -> HttpResponse:
    fresh = issue_get_for(person_of(request), pk)
    return _row_response(request, _row(fresh, tab, message=aftercare_change_told(fresh), tone="warning"), 409)


@require_POST
@roles_required(*AFTERCARE_ROLES)
def aftercare_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """回访 one row inline: 满意 and 基本满意 send it on to 待销号, 不满意 back for 重办."""
    person = person_of(request)
    issue = aftercare_get_for(person, pk)
    form = RateForm(request.POST, issue=issue, auto_id=f"id_%s_{issue.pk}")
    if form.is_valid():
        try:
            issue = issue_act(
                issue=issue, action=Action.RATE, actor=person, version=form.cleaned_data["version"],
                **form.payload(),
            )  # fmt: skip
        except Conflict:
            return _conflict_row(request, pk, "visit")
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            errors_at_fields(form, exc)
        else:
            if issue.rating == Rating.UNSATISFIED:
                text = _("已回访：不满意，已退回%(where)s重办。") % {
                    "where": issue.lead_department.name if issue.lead_department else _("调度中心")
                }
                return _row_response(request, _row(issue, "visit", message=text, tone="warning"), 200)
            text = _("已回访：%(r)s，转入待销号。") % {"r": Rating(issue.rating).label}
            return _row_response(request, _row(issue, "visit", message=text, tone="success"), 200)
    return _row_response(request, _row(issue, "visit", rate_form=form), 400)


@require_POST
@roles_required(*AFTERCARE_ROLES)
def aftercare_spot(request: HttpRequest, pk: int) -> HttpResponse:
    """当场已告知，直接销号: an 已经办 case whose raiser was told on the spot, closed in one step."""
    person = person_of(request)
    issue = aftercare_get_for(person, pk)
    form = SpotForm(request.POST, auto_id=f"id_spot_%s_{issue.pk}")
    if form.is_valid():
        try:
            issue = issue_close_on_spot(
                issue=issue,
                actor=person,
                version=form.cleaned_data["version"],
                rating=form.cleaned_data["rating"],
            )
        except Conflict:
            return _conflict_row(request, pk, "answer")
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            errors_at_fields(form, exc)
        else:
            text = _("已答复、回访（%(r)s）并销号。") % {"r": Rating(issue.rating).label}
            return _row_response(request, _row(issue, "answer", message=text, tone="success"), 200)
    return _row_response(request, _row(issue, "answer", spot_form=form, spot_open=True), 400)
