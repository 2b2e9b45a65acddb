"""The edge of the issue workflow: one form per action turns a POST into the payload that
workflow.issue_act expects, refusing malformed input at its field."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanfuwu.core.forms import StyledForm
from sanfuwu.issues.models import AssignmentState, Issue, Rating, Status, SupervisionLevel, Tier
from sanfuwu.issues.responses import feedback_suggestion
from sanfuwu.orgs.models import Department

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ActionForm(StyledForm, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, issue: Issue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issue = issue
        self.fields["version"].initial = issue.version
        self.style_widgets()

    def payload(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class DispatchForm(ActionForm):
    lead_department = forms.ModelChoiceField(
        label=_("主办部门"), queryset=Department.objects.filter(active=True), empty_label=_("请选择主办部门")
    )
    co_departments = forms.ModelMultipleChoiceField(
        label=_("协办部门"), queryset=Department.objects.filter(active=True), required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )  # fmt: skip
    tier = forms.ChoiceField(
        label=_("办理类型"),
        choices=[
            (Tier.IMMEDIATE, Tier.IMMEDIATE.label),
            (Tier.DEADLINE, Tier.DEADLINE.label),
            (Tier.LONG_TERM, Tier.LONG_TERM.label),
        ],
    )
    workdays = forms.IntegerField(label=_("办理时限（工作日）"), required=False, min_value=1, max_value=60)
    note = forms.CharField(label=_("交办意见"), required=False, widget=TEXTAREA, max_length=1000)

    def __init__(self, *args: Any, issue: Issue, **kwargs: Any) -> None:
        super().__init__(*args, issue=issue, **kwargs)
        # The category's usual department first, as the dispatcher would pick it, unless that
        # department has just sent the issue back.
        usual = issue.lead_department_id or issue.category.default_department_id
        sent_back = issue.status == Status.RETURNED and (
            issue.assignments.filter(state=AssignmentState.RETURNED, department_id=usual).exists()
        )
        self.fields["lead_department"].initial = None if sent_back else usual
        self.fields["tier"].initial = issue.tier if issue.tier != Tier.DONE else Tier.DEADLINE
        self.fields["workdays"].initial = 5


class AcceptForm(ActionForm):
    pass


class ReturnForm(ActionForm):
    reason = forms.CharField(label=_("退回理由"), widget=TEXTAREA, max_length=500)


class ExtensionRequestForm(ActionForm):
    workdays = forms.IntegerField(label=_("延长工作日数"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("延期理由"), widget=TEXTAREA, max_length=500)


class DecisionForm(ActionForm):
    decision_note = forms.CharField(label=_("审批意见"), required=False, widget=TEXTAREA, max_length=500)


class LongTermForm(ActionForm):
    plan = forms.CharField(label=_("长效办理计划"), widget=TEXTAREA, max_length=5000)
    milestones = forms.CharField(
        label=_("办理节点"), widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026-12-31 完成设计方案"}),
        help_text=_("每行一个：日期 节点，例如 2026-12-31 完成设计方案"),
    )  # fmt: skip

    def clean_milestones(self) -> list[tuple[str, date]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            if not line.strip():
                continue
            day, _sep, title = line.strip().partition(" ")
            try:
                rows.append((title.strip(), date.fromisoformat(day)))
            except ValueError:
                raise forms.ValidationError(
                    _("第 %(n)s 行的日期应写成 YYYY-MM-DD。") % {"n": number}
                ) from None
            if not title.strip():
                raise forms.ValidationError(_("第 %(n)s 行缺少节点内容。") % {"n": number})
        return rows


class ResolveForm(ActionForm):
    resolution = forms.CharField(
        label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class FeedbackForm(ActionForm):
    feedback = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    def __init__(self, *args: Any, issue: Issue, **kwargs: Any) -> None:
        super().__init__(*args, issue=issue, **kwargs)
        self.fields["feedback"].initial = feedback_suggestion(issue)


class RateForm(ActionForm):
    rating = forms.ChoiceField(label=_("回访评价"), choices=Rating.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("回访记录"), required=False, widget=TEXTAREA, max_length=1000)


class CloseForm(ActionForm):
    note = forms.CharField(label=_("销号说明"), required=False, max_length=500)


class VoidForm(ActionForm):
    reason = forms.CharField(label=_("作废原因"), max_length=200)


class SuperviseForm(ActionForm):
    level = forms.ChoiceField(label=_("督办级别"), choices=SupervisionLevel.choices)
    note = forms.CharField(label=_("督办意见"), required=False, widget=TEXTAREA, max_length=1000)


class InstructForm(ActionForm):
    text = forms.CharField(label=_("批示内容"), widget=TEXTAREA, max_length=2000)


class CheckItemForm(ActionForm):
    item_id = forms.TypedChoiceField(label=_("清单事项"), coerce=int)

    def __init__(self, *args: Any, issue: Issue, **kwargs: Any) -> None:
        super().__init__(*args, issue=issue, **kwargs)
        open_items = issue.checklist.filter(done_at__isnull=True)
        self.fields["item_id"].choices = [(i.pk, i.label) for i in open_items]  # type: ignore[attr-defined]


class MilestoneForm(ActionForm):
    milestone_id = forms.TypedChoiceField(label=_("办理节点"), coerce=int)

    def __init__(self, *args: Any, issue: Issue, **kwargs: Any) -> None:
        super().__init__(*args, issue=issue, **kwargs)
        open_milestones = issue.milestones.filter(done_at__isnull=True)
        self.fields["milestone_id"].choices = [  # type: ignore[attr-defined]
            (m.pk, f"{m.due_date:%Y-%m-%d} {m.title}") for m in open_milestones
        ]


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "dispatch": DispatchForm, "accept": AcceptForm, "return": ReturnForm,
    "request_extension": ExtensionRequestForm, "approve_extension": DecisionForm,
    "refuse_extension": DecisionForm, "make_long_term": LongTermForm, "resolve": ResolveForm,
    "feedback": FeedbackForm, "rate": RateForm, "close": CloseForm, "void": VoidForm,
    "supervise": SuperviseForm, "instruct": InstructForm, "check_item": CheckItemForm,
    "complete_milestone": MilestoneForm,
}  # fmt: skip


class IssueForm(StyledForm, forms.ModelForm[Issue]):
    """Registration: what a grid worker or dispatcher writes down about a problem."""

    class Meta:
        model = Issue
        fields = ["title", "description", "source", "category", "tier", "target", "region",
                  "raiser_name", "raiser_phone", "resolution"]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 5}), "resolution": TEXTAREA}
        labels = {"resolution": _("现场办理结果（已经办时填写）")}

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        from sanfuwu.orgs.models import Category
        from sanfuwu.people.scope import scope_of
        from sanfuwu.targets.selectors import targets_visible_to

        super().__init__(*args, **kwargs)
        scope = scope_of(actor)
        self.fields["category"].queryset = Category.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["target"].queryset = targets_visible_to(actor).filter(active=True)  # type: ignore[attr-defined]
        self.fields["region"].queryset = scope.regions().filter(active=True)  # type: ignore[attr-defined]
        self.fields["region"].required = False
        self.fields["region"].help_text = _("选了联系对象可不填，默认为其所在网格")
        self.fields["tier"].initial = Tier.DEADLINE
        self.fields["source"].initial = "visit"
        self.style_widgets()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target = data.get("target")
        if not data.get("region"):
            if target is None:
                self.add_error("region", _("请选择问题所在区域，或选择联系对象。"))
            else:
                data["region"] = target.grid or target.region
        if data.get("tier") == Tier.DONE and len((data.get("resolution") or "").strip()) < 2:
            self.add_error("resolution", _("已经办的问题请填写现场办理结果。"))
        phone = (data.get("raiser_phone") or "").strip()
        if phone:
            from sanfuwu.people.models import phone_validator

            try:
                phone_validator(phone)
            except forms.ValidationError as exc:
                self.add_error("raiser_phone", exc)
        return data

    def _post_clean(self) -> None:
        # The model is validated by the service, which also sets the number and the status.
        pass
