"""The issue list's filters: what the page shows, its export writes and the figures elsewhere link to.

A count shown on the home page, the dashboard or a bulletin names its status group; the list
behind its link filters by the same group (`group=overdue`, `group=supervised` …), so that the
number and the list agree by construction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanfuwu.core.forms import StyledForm
from sanfuwu.core.periods import day_start
from sanfuwu.issues.models import Issue, IssueEvent, Source, Status, StatusGroup, Tier, status_group_q
from sanfuwu.issues.selectors import issues_visible_to
from sanfuwu.orgs.models import Category, Department, Region
from sanfuwu.people.models import Person
from sanfuwu.people.scope import scope_of


class IssueFilterForm(StyledForm, forms.Form):
    q = forms.CharField(label=gettext_lazy("编号或标题"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=[("", gettext_lazy("全部状态")), *Status.choices]
    )
    group = forms.ChoiceField(
        label=gettext_lazy("办理进度"),
        required=False,
        choices=[("", gettext_lazy("全部进度")), *StatusGroup.choices],
    )
    tier = forms.ChoiceField(
        label=gettext_lazy("办理类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型")), *Tier.choices],
    )
    source = forms.ChoiceField(
        label=gettext_lazy("来源"), required=False, choices=[("", gettext_lazy("全部来源")), *Source.choices]
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
    department = forms.ModelChoiceField(
        label=gettext_lazy("主办部门"),
        required=False,
        queryset=Department.objects.all(),
        empty_label=gettext_lazy("全部部门"),
    )
    basis = forms.ChoiceField(
        label=gettext_lazy("按日期"),
        required=False,
        choices=[
            ("", gettext_lazy("登记日期")),
            ("dispatched", gettext_lazy("交办日期")),
            ("due", gettext_lazy("办理期限")),
            ("resolved", gettext_lazy("办结日期")),
            ("rated", gettext_lazy("回访日期")),
        ],
    )
    date_from = forms.DateField(
        label=gettext_lazy("日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("到"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # The overdue and supervised groups again, to tick beside another group (supervised and
    # overdue: the late issues on the board); links from before the groups (?overdue=on) still work.
    overdue = forms.BooleanField(label=gettext_lazy("仅超期"), required=False)
    supervised = forms.BooleanField(label=gettext_lazy("仅督办中"), required=False)
    # What the dashboard, the bulletin and the ranking count: every issue but the void ones.
    live = forms.BooleanField(label=gettext_lazy("不含已作废"), required=False)

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Grids are too many to offer, but a grid asked for (a map's click) is honoured and shown.
        regions = scope_of(actor).regions()
        asked = str(self.data.get("region") or "")
        pk = int(asked) if asked.isascii() and asked.isdigit() and len(asked) < 10 else None
        shown = regions.filter(Q(pk=pk) | ~Q(kind="grid")) if pk else regions.exclude(kind="grid")
        self.fields["region"].queryset = shown  # type: ignore[attr-defined]
        self.style_widgets()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data


DATE_BASES = {"dispatched": "dispatched_at", "due": "due_date", "resolved": "resolved_at", "rated": "rated"}


def filter_issues(qs: QuerySet[Issue], data: dict[str, Any]) -> QuerySet[Issue]:
    """`qs` narrowed by a filter form's cleaned data; a missing or empty key filters nothing."""
    today = timezone.localdate()
    if data.get("q"):
        term = data["q"].strip()
        qs = qs.filter(Q(number__iexact=term) | Q(title__icontains=term))
    for field in ("status", "tier", "source", "category"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if data.get("region"):
        qs = qs.filter(region__in=data["region"].subtree())
    if data.get("department"):
        qs = qs.filter(lead_department=data["department"])
    # The date a range applies to: the horse race's drill-downs ask for the one their rate counts by.
    moment = DATE_BASES.get(data.get("basis") or "", "registered_at")
    if moment == "rated":
        # Issues with a return visit in the range: the dashboard's satisfaction of a month.
        visits = IssueEvent.objects.filter(issue_id=OuterRef("pk"), action="rate")
        if data.get("date_from"):
            visits = visits.filter(at__gte=day_start(data["date_from"]))
        if data.get("date_to"):
            visits = visits.filter(at__lt=day_start(data["date_to"] + timedelta(days=1)))
        qs = qs.filter(Exists(visits))
    elif moment == "due_date":
        if data.get("date_from"):
            qs = qs.filter(due_date__gte=data["date_from"])
        if data.get("date_to"):
            qs = qs.filter(due_date__lte=data["date_to"])
    else:
        if data.get("date_from"):
            qs = qs.filter(**{f"{moment}__gte": day_start(data["date_from"])})
        if data.get("date_to"):
            qs = qs.filter(**{f"{moment}__lt": day_start(data["date_to"] + timedelta(days=1))})
    if data.get("live"):
        qs = qs.exclude(status=Status.VOID)
    # A ticked box is its group again (?overdue=on is ?group=overdue), so it can narrow another.
    ticked = {StatusGroup.OVERDUE: data.get("overdue"), StatusGroup.SUPERVISED: data.get("supervised")}
    groups: set[str] = {group for group, on in ticked.items() if on}
    if data.get("group"):
        groups.add(data["group"])
    for group in sorted(groups):
        qs = qs.filter(status_group_q(group, today))
    return qs


def issue_rows_for(person: Person, params: QueryDict) -> QuerySet[Issue]:
    """The list's rows as its filters choose them, within the reader's scope: what the page shows
    and the export writes. An invalid field is shown at the field on the page and not applied."""
    form = IssueFilterForm(params or None, actor=person)
    form.is_valid()
    return filter_issues(issues_visible_to(person), getattr(form, "cleaned_data", {}))
