"""待梳理, the dispatcher's triage queue: which issues it shows under which filters, how long each has
waited, the deadline a dispatch would give, and dispatching many issues at once.

The queue is the issues awaiting dispatch within the dispatcher's territory (`issue_triage_queue`):
its status index narrows a district of a million issues to the few thousand waiting, and every
filter here works within those. An issue waits from its registration, or from its latest return
when a department sent it back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfuwu.core.forms import StyledForm
from sanfuwu.core.periods import day_start
from sanfuwu.issues.models import (
    Action,
    Assignment,
    AssignmentState,
    Issue,
    IssueEvent,
    Source,
    Status,
    Tier,
)
from sanfuwu.issues.selectors import issue_triage_queue, issues_visible_to
from sanfuwu.issues.steps import MAX_WORKDAYS
from sanfuwu.issues.workflow import Conflict, NotAllowed, issue_act
from sanfuwu.orgs.models import Category, Department, Region, RegionKind
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of
from sanfuwu.triage.suggest import issue_suggest_at_dispatch
from sanfuwu.workdays.calendar import UnknownYearError, add_workdays

# How long an issue has waited, in the buckets a dispatcher sorts by.
AGE_TODAY, AGE_RECENT, AGE_OLDER = "today", "1-3", "3+"
AGES = [
    (AGE_TODAY, gettext_lazy("今天")),
    (AGE_RECENT, gettext_lazy("1–3 天")),
    (AGE_OLDER, gettext_lazy("3 天以上")),
]
# The counts' names for them, usable in templates.
AGE_NAMES = {AGE_TODAY: "today", AGE_RECENT: "recent", AGE_OLDER: "older"}
DISPATCH_TIER_CHOICES = [(t, t.label) for t in (Tier.IMMEDIATE, Tier.DEADLINE, Tier.LONG_TERM)]
# Written out one by one, so that makemessages finds each.
WEEKDAYS = [
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
]
# An issue's whole number, WT-2026-000123: letters, then groups joined by hyphens.
WHOLE_NUMBER = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)+$")
# One batch is at most a few pages of the queue: each issue is its own transaction.
BATCH_MAX = 100


class TriageFilterForm(StyledForm, forms.Form):
    q = forms.CharField(
        label=gettext_lazy("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("编号、标题或问题描述")}),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("事项分类"),
        required=False,
        queryset=Category.objects.all(),
        empty_label=gettext_lazy("全部分类"),
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("区域"),
        required=False,
        queryset=Region.objects.none(),
        empty_label=gettext_lazy("全部区域"),
    )
    source = forms.ChoiceField(
        label=gettext_lazy("来源"), required=False, choices=[("", gettext_lazy("全部来源")), *Source.choices]
    )
    tier = forms.ChoiceField(
        label=gettext_lazy("登记时的办理类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型")), *Tier.choices],
    )
    age = forms.ChoiceField(
        label=gettext_lazy("已等待"), required=False, choices=[("", gettext_lazy("不限")), *AGES]
    )
    returned = forms.BooleanField(label=gettext_lazy("只看已退回"), required=False)

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A street, a park and the places below them; the district itself is the whole queue.
        regions = scope_of(actor).regions().exclude(kind=RegionKind.DISTRICT).order_by("path")
        region_field = self.fields["region"]
        region_field.queryset = regions  # type: ignore[attr-defined]
        base = self.initial_depth(actor)
        region_field.label_from_instance = lambda r: "　" * max(r.path.count("/") - base, 0) + r.name  # type: ignore[attr-defined]
        self.style_widgets()

    @staticmethod
    def initial_depth(actor: Person) -> int:
        """How deep the top of the choices sits, so that they are indented from there."""
        scope = scope_of(actor)
        if scope.region is None or scope.region.kind == RegionKind.DISTRICT:
            return 2
        return scope.region.path.count("/")

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is shown at its field and not applied."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "", False)}


def waiting_since_expr() -> Case:
    """When an issue joined the queue: its latest return, if it came back, else its registration."""
    last_return = (
        Assignment.objects.filter(issue=OuterRef("pk"), state=AssignmentState.RETURNED)
        .order_by("-returned_at")
        .values("returned_at")[:1]
    )
    return Case(
        When(status=Status.RETURNED, then=Coalesce(Subquery(last_return), F("registered_at"))),
        default=F("registered_at"),
        output_field=DateTimeField(),
    )


def age_bounds(age: str, today: date) -> tuple[datetime | None, datetime | None]:
    """[from, until) of the moments an issue of that age joined the queue, by Beijing days."""
    start_today, start_recent = day_start(today), day_start(today - timedelta(days=3))
    return {
        AGE_TODAY: (start_today, None),
        AGE_RECENT: (start_recent, start_today),
        AGE_OLDER: (None, start_recent),
    }[age]


def triage_rows(person: Person, filters: dict[str, Any], today: date | None = None) -> QuerySet[Issue]:
    """The queue as the filters narrow it, each issue annotated with `waiting_since`."""
    qs = issue_triage_queue(person).annotate(waiting_since=waiting_since_expr())
    if term := (filters.get("q") or "").strip():
        number = term.upper()
        if WHOLE_NUMBER.match(term) and Issue.objects.filter(number=number).exists():
            # A whole number, as dispatchers paste it: found by its unique index at once, where
            # the words of titles and descriptions are read from each waiting issue.
            qs = qs.filter(number=number)
        else:
            qs = qs.filter(
                Q(number__icontains=term) | Q(title__icontains=term) | Q(description__icontains=term)
            )
    for name in ("source", "tier"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if category := filters.get("category"):
        # As an expression: a category's own index holds all its issues of all time, many times
        # the waiting ones, and the planner would read each of them; so it is read from the
        # queue's index (status, region, registered_at, category, …) instead.
        qs = qs.alias(category_key=ExpressionWrapper(F("category_id") + 0, output_field=IntegerField()))
        qs = qs.filter(category_key=category.pk)
    if region := filters.get("region"):
        qs = qs.filter(region_id__in=Region.objects.filter(path__startswith=region.path).values("id"))
    if filters.get("returned"):
        qs = qs.filter(status=Status.RETURNED)
    if age := filters.get("age"):
        low, high = age_bounds(age, today or timezone.localdate())
        if low is not None:
            qs = qs.filter(waiting_since__gte=low)
        if high is not None:
            qs = qs.filter(waiting_since__lt=high)
    return qs


def triage_order(qs: QuerySet[Issue]) -> QuerySet[Issue, int]:
    """The queue's ids, oldest first. Ordered by an expression rather than the bare column: on a
    large table the planner would otherwise walk the whole registration index to spare itself a
    sort, reading every issue when a filter matches few; the waiting issues are few, and sorting
    their ids from the status-region-registration index is cheap."""
    return qs.order_by(Coalesce("registered_at", "registered_at"), "id").values_list("id", flat=True)


def triage_issues(ids: Sequence[int]) -> list[Issue]:
    """The rows of a page, in the order of `ids`, with everything a row shows."""
    qs = Issue.objects.select_related("category", "region", "lead_department").annotate(
        waiting_since=waiting_since_expr()
    )
    found = {issue.pk: issue for issue in triage_page_rows(qs.filter(pk__in=list(ids)))}
    return [found[pk] for pk in ids if pk in found]


def triage_counts(person: Person, today: date | None = None) -> dict[str, int]:
    """The whole queue's figures, in one pass over it: all, returned, and by how long they waited."""
    today = today or timezone.localdate()
    qs = issue_triage_queue(person).annotate(waiting_since=waiting_since_expr())
    buckets = {}
    for age, name in AGE_NAMES.items():
        low, high = age_bounds(age, today)
        q = Q()
        if low is not None:
            q &= Q(waiting_since__gte=low)
        if high is not None:
            q &= Q(waiting_since__lt=high)
        buckets[name] = Count("id", filter=q)
    figures = qs.order_by().aggregate(
        total=Count("id"), returned=Count("id", filter=Q(status=Status.RETURNED)), **buckets
    )
    return {k: int(v or 0) for k, v in figures.items()}


def triage_page_rows(issues: QuerySet[Issue]) -> QuerySet[Issue]:
    """What each row shows beside the issue: its departments, and who sent it back when and why."""
    returns = IssueEvent.objects.filter(action=Action.RETURN).select_related("actor").order_by("at")
    return issues.prefetch_related(
        Prefetch(
            "assignments", queryset=Assignment.objects.select_related("department").order_by("dispatched_at")
        ),
        Prefetch("events", queryset=returns, to_attr="return_events"),
    )


@dataclass(frozen=True)
class ReturnNote:
    department: Department
    by: str
    at: datetime | None
    reason: str


def returns_of(issue: Issue) -> list[ReturnNote]:
    """Each time a department sent the issue back, latest first (from `triage_page_rows`'s prefetch)."""
    events = getattr(issue, "return_events", None)
    if events is None:
        events = list(issue.events.filter(action=Action.RETURN).select_related("actor"))
    by_moment = {e.at: e for e in events}
    notes = []
    for a in issue.assignments.all():
        if a.state != AssignmentState.RETURNED:
            continue
        event = by_moment.get(a.returned_at) if a.returned_at else None
        who = (event.actor.name or event.actor.username) if event and event.actor else ""
        notes.append(ReturnNote(a.department, who, a.returned_at, a.return_reason))
    return sorted(notes, key=lambda n: n.at or timezone.now(), reverse=True)


def due_label(day: date) -> str:
    return _("%(y)s年%(m)s月%(d)s日（%(w)s）") % {
        "y": day.year,
        "m": day.month,
        "d": day.day,
        "w": WEEKDAYS[day.weekday()],
    }


def deadline_due(tier: str, workdays: Any, start: date) -> date | None:
    """The due date a dispatch on `start` would set, by the working-day calendar; None for a tier
    without a deadline. Refuses at `workdays` as the dispatch step does, with the same words."""
    high = next((days for t, days in MAX_WORKDAYS.items() if t == tier), None)
    if high is None:
        return None
    try:
        n = int(workdays)
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= high:
        raise ValidationError({"workdays": _("办理时限应为 1 至 %(n)s 个工作日。") % {"n": high}})
    try:
        return add_workdays(start, n)
    except UnknownYearError as exc:
        raise ValidationError({"workdays": str(exc)}) from None


@dataclass(frozen=True)
class DuePreview:
    """What the deadline field says: the due date (`day`, None for a tier without one), or why the
    deadline cannot be (`error`)."""

    day: date | None = None
    error: str = ""

    @property
    def label(self) -> str:
        return due_label(self.day) if self.day else ""


class DuePreviews:
    """Due dates for the rows of one page: most rows ask the same question, answered once."""

    def __init__(self, start: date) -> None:
        self.start = start
        self.known: dict[tuple[str, str], DuePreview] = {}

    def __call__(self, tier: Any, workdays: Any) -> DuePreview:
        key = (str(tier or ""), str(workdays if workdays is not None else "").strip())
        if key not in self.known:
            try:
                self.known[key] = DuePreview(deadline_due(key[0], key[1], self.start))
            except ValidationError as exc:
                self.known[key] = DuePreview(error=" ".join(exc.message_dict.get("workdays", exc.messages)))
        return self.known[key]


class TriageDispatchForm(StyledForm, forms.Form):
    """The dispatch of one row, or of every selected row (`issue` None): one department, tier,
    deadline and co-departments. The departments are read once per page and shared by its rows."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    lead_department = forms.TypedChoiceField(label=gettext_lazy("主办部门"), coerce=int)
    co_departments = forms.TypedMultipleChoiceField(
        label=gettext_lazy("协办部门"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    tier = forms.ChoiceField(label=gettext_lazy("办理类型"), choices=DISPATCH_TIER_CHOICES)
    workdays = forms.CharField(label=gettext_lazy("办理时限（工作日）"), required=False, max_length=6)
    note = forms.CharField(label=gettext_lazy("交办意见"), required=False, max_length=1000)

    def __init__(
        self, *args: Any, issue: Issue | None, departments: Sequence[Department], returned_by: Iterable[int] = (),
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.issue = issue
        self.departments = {d.pk: d for d in departments}
        # A department that sent the issue back is never offered first again.
        self.returned_by = frozenset(returned_by)
        choices = [(d.pk, d.name) for d in departments]
        self.fields["lead_department"].choices = [("", _("请选择主办部门")), *choices]  # type: ignore[attr-defined]
        self.fields["lead_department"].error_messages["required"] = _("请选择主办部门。")
        self.fields["lead_department"].error_messages["invalid_choice"] = _("请选择启用中的主办部门。")
        self.fields["co_departments"].choices = choices  # type: ignore[attr-defined]
        self.fields["co_departments"].error_messages["invalid_choice"] = _("请选择启用中的协办部门。")
        self.fields["tier"].error_messages["required"] = _("请选择立刻办、限期办或长效办。")
        self.fields["tier"].error_messages["invalid_choice"] = _("请选择立刻办、限期办或长效办。")
        if issue is not None:
            self.fields["version"].initial = issue.version
            default = issue.category.default_department_id
            if default not in self.returned_by:
                self.fields["lead_department"].initial = default
            self.fields["tier"].initial = issue.tier if issue.tier in MAX_WORKDAYS else Tier.DEADLINE
        else:
            self.fields["tier"].initial = Tier.DEADLINE
        self.fields["workdays"].initial = 5
        self.fields["workdays"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.style_widgets()

    def clean_version(self) -> int | None:
        version = self.cleaned_data.get("version")
        if self.issue is not None and version is None:
            raise ValidationError(_("页面已过期，请刷新后再交办。"))
        return version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead = data.get("lead_department")
        if lead is not None:
            data["lead_department"] = self.departments[lead]
        co = [self.departments[pk] for pk in data.get("co_departments") or []]
        data["co_departments"] = co
        if lead is not None and any(d.pk == lead for d in co):
            self.add_error("co_departments", _("协办部门不能与主办部门相同。"))
        if data.get("tier"):
            try:
                data["due"] = deadline_due(data["tier"], data.get("workdays"), timezone.localdate())
            except ValidationError as exc:
                self.add_error(None, exc)
        return data

    def payload(self) -> dict[str, Any]:
        d = self.cleaned_data
        payload = {k: d.get(k) for k in ("lead_department", "co_departments", "tier", "note")}
        if d.get("tier") in MAX_WORKDAYS:
            payload["workdays"] = int(d["workdays"])
        return payload

    def chosen(self, name: str) -> set[str]:
        """The values of a field as the form shows them: bound data, else the initial value."""
        if self.is_bound:
            key = self.add_prefix(name)
            getlist = getattr(self.data, "getlist", None)
            raw = getlist(key) if getlist else self.data.get(key)
            values = list(raw) if isinstance(raw, list | tuple) else [raw]
        else:
            initial = self.initial.get(name, self.fields[name].initial)
            values = list(initial) if isinstance(initial, list | tuple | set) else [initial]
        return {str(v) for v in values if v not in (None, "")}

    def department_options(self, name: str) -> list[tuple[int, str, bool, bool]]:
        """(pk, name, chosen, sent it back) for the department pickers of this form."""
        chosen = self.chosen(name)
        return [(pk, d.name, str(pk) in chosen, pk in self.returned_by) for pk, d in self.departments.items()]

    def lead_options(self) -> list[tuple[int, str, bool, bool]]:
        return self.department_options("lead_department")

    def co_options(self) -> list[tuple[int, str, bool, bool]]:
        return self.department_options("co_departments")

    def co_summary(self) -> str:
        names = [name for _pk, name, on, _back in self.co_options() if on]
        return "、".join(names)

    def value_of(self, name: str) -> str:
        chosen = self.chosen(name)
        return next(iter(chosen)) if chosen else ""

    @property
    def tier_value(self) -> str:
        return self.value_of("tier")

    @property
    def workdays_value(self) -> str:
        return self.value_of("workdays")


def active_departments() -> list[Department]:
    return list(Department.objects.filter(active=True).order_by("sort_order", "id"))


def returned_department_ids(issue: Issue) -> set[int]:
    return {a.department_id for a in issue.assignments.all() if a.state == AssignmentState.RETURNED}


def issue_last_change(issue: Issue) -> str:
    """What happened to an issue last, as one sentence: who did what, when (and to whom, for a
    dispatch). Said when a dispatcher's action found the issue already changed."""
    event = issue.events.select_related("actor").order_by("-seq").first()
    if event is None:
        return ""
    who = (event.actor.name or event.actor.username) if event.actor else _("系统")
    when = dateformat.format(timezone.localtime(event.at), _("n月j日 H:i"))
    if event.action == Action.DISPATCH and issue.lead_department is not None:
        co = [
            a.department.name
            for a in issue.assignments.select_related("department").order_by("id")
            if not a.is_lead and a.dispatched_at == issue.dispatched_at
        ]
        names = {"who": who, "when": when, "lead": issue.lead_department.name, "co": "、".join(co)}
        if co:
            return _("%(who)s 已于 %(when)s 交办给%(lead)s（协办：%(co)s）。") % names
        return _("%(who)s 已于 %(when)s 交办给%(lead)s。") % names
    return _("%(who)s 已于 %(when)s %(action)s，问题当前为“%(status)s”。") % {
        "who": who,
        "when": when,
        "action": event.action_label,
        "status": issue.get_status_display(),
    }


@dataclass
class BatchOutcome:
    """What one selected row came to: dispatched, or refused and why (`issue` None when unseen)."""

    issue_id: int
    issue: Issue | None
    dispatched: bool
    message: str
    changed: bool = False


def issues_dispatch_each(
    *, actor: Person, picks: Sequence[tuple[int, int]], lead_department: Department,
    co_departments: Sequence[Department], tier: str, workdays: int | None = None, note: str = "",
) -> list[BatchOutcome]:  # fmt: skip
    """Dispatch each picked issue (id, the version the dispatcher saw) on its own through the
    workflow: one refused leaves the others dispatched, and nothing of it is written."""
    payload: dict[str, Any] = {
        "lead_department": lead_department, "co_departments": list(co_departments), "tier": tier, "note": note,
    }  # fmt: skip
    if workdays is not None:
        payload["workdays"] = workdays
    visible = issues_visible_to(actor)
    outcomes = []
    for pk, version in picks:
        issue = visible.filter(pk=pk).first()
        if issue is None:
            outcomes.append(BatchOutcome(pk, None, False, _("没有找到该问题，或不在您的管辖范围内。")))
            continue
        try:
            done = issue_act(issue=issue, action=Action.DISPATCH, actor=actor, version=version, **payload)
        except Conflict:
            fresh = visible.get(pk=pk)
            outcomes.append(BatchOutcome(pk, fresh, False, issue_last_change(fresh), changed=True))
        except NotAllowed as exc:
            fresh = visible.get(pk=pk)
            changed = exc.refusal.kind == "status"
            message = issue_last_change(fresh) if changed else str(exc)
            outcomes.append(BatchOutcome(pk, fresh, False, message, changed=changed))
        except ValidationError as exc:
            outcomes.append(BatchOutcome(pk, issue, False, "；".join(exc.messages)))
        else:
            issue_suggest_at_dispatch(issue=done, department=lead_department)
            message = _("交办成功")
            if done.due_date:
                message = _("交办成功，到期日：%(due)s") % {"due": due_label(done.due_date)}
            outcomes.append(BatchOutcome(pk, done, True, message))
    return outcomes


def parse_picks(values: Iterable[str]) -> list[tuple[int, int]]:
    """The rows ticked for a batch, as "id:version" strings; malformed ones are ignored, repeats once."""
    picks: dict[int, int] = {}
    for value in values:
        pk, _sep, version = str(value).partition(":")
        if pk.isdigit() and version.isdigit():
            picks.setdefault(int(pk), int(version))
    return list(picks.items())
