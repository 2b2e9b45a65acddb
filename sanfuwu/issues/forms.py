"""The edge of the issue workflow: one form per action turns a POST into the payload that
workflow.issue_act expects, refusing malformed input at its field."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from sanfuwu.core.forms import StyledForm
from sanfuwu.issues.aftercare import SPOT_RATINGS
from sanfuwu.issues.attachments import attachment_check
from sanfuwu.issues.models import AssignmentState, Issue, Rating, Status, SupervisionLevel, Tier
from sanfuwu.issues.responses import feedback_suggestion
from sanfuwu.orgs.models import Department
from sanfuwu.people.models import Person
from sanfuwu.people.selectors import department_handlers

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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """One or more files in one field: each is checked as a single file would be."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(EvidenceField, self).clean(f, initial) for f in files]


MAX_EVIDENCE_FILES = 9


class ResolveForm(ActionForm):
    resolution = forms.CharField(
        label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    evidence = EvidenceField(
        label=_("佐证材料"),
        help_text=_("现场照片或办结文件，可选多个：JPG、PNG、PDF、Word、Excel，每个不超过 10 MB"),
        error_messages={
            "required": _("请上传办结的佐证材料（现场照片或相关文件），至少一个。"),
            "empty": _("文件是空的。"),
            "invalid": _("没有收到文件，请重新选择。"),
        },
    )

    def __init__(self, *args: Any, issue: Issue, **kwargs: Any) -> None:
        super().__init__(*args, issue=issue, **kwargs)
        self.fields["evidence"].widget.attrs["accept"] = ".jpg,.jpeg,.png,.pdf,.docx,.xlsx"

    def clean_evidence(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["evidence"]
        if len(files) > MAX_EVIDENCE_FILES:
            raise forms.ValidationError(_("佐证材料一次最多上传 %(n)s 个文件。") % {"n": MAX_EVIDENCE_FILES})
        problems = []
        for upload in files:
            try:
                attachment_check(upload)
            except ValidationError as exc:
                problems.append(
                    _("%(name)s：%(why)s") % {"name": upload.name, "why": "；".join(exc.messages)}
                )
        if problems:
            raise forms.ValidationError(problems)
        return files


class AssignHandlerForm(ActionForm):
    """分派 / 改派: the head picks one of the lead department's handlers."""

    handler = forms.ModelChoiceField(
        label=_("经办人"), queryset=Person.objects.none(), empty_label=_("请选择经办人"),
        error_messages={"required": _("请选择经办人。"), "invalid_choice": _("请选择本部门在岗的经办人。")},
    )  # fmt: skip
    note = forms.CharField(label=_("分派说明"), required=False, max_length=200)

    def __init__(self, *args: Any, issue: Issue, **kwargs: Any) -> None:
        super().__init__(*args, issue=issue, **kwargs)
        field = self.fields["handler"]
        field.queryset = department_handlers(issue.lead_department_id)  # type: ignore[attr-defined]
        field.initial = issue.handler_id


class FeedbackForm(ActionForm):
    feedback = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    def __init__(self, *args: Any, issue: Issue, **kwargs: Any) -> None:
        super().__init__(*args, issue=issue, **kwargs)
        self.fields["feedback"].initial = feedback_suggestion(issue)
        merged = issue.duplicates.count() if issue.pk else 0
        if merged:
            # The same words reach every merged raiser (sanfuwu.issues.workflow._answer_duplicates).
            self.fields["feedback"].help_text = _(
                "本答复将同时发给并入本问题的 %(n)s 件重复问题的反映人，请勿写入只与本反映人有关的信息。"
            ) % {"n": merged}


class RateForm(ActionForm):
    rating = forms.ChoiceField(label=_("回访评价"), choices=Rating.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("回访记录"), required=False, widget=TEXTAREA, max_length=1000)


class CloseForm(ActionForm):
    note = forms.CharField(label=_("销号说明"), required=False, max_length=500)


class VoidForm(ActionForm):
    reason = forms.CharField(label=_("作废原因"), max_length=200)


class MergeForm(ActionForm):
    original = forms.CharField(
        label=_("并入的问题编号"),
        max_length=20,
        help_text=_("例如 WT-2025-000123；本问题作废，由该问题一并办理、答复。"),
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def clean_original(self) -> Issue | None:
        # A number nobody has, or one outside the dispatcher's territory: the step says so alike.
        number = self.cleaned_data["original"].strip().upper()
        return Issue.objects.select_related("region").filter(number=number).first()


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


def spot_check(form: forms.BaseForm, data: dict[str, Any], *, tier_done: bool) -> None:
    """An on-the-spot close-out needs an on-the-spot case and the raiser's rating."""
    if not data.get("told_on_spot"):
        return
    if not tier_done:
        form.add_error("told_on_spot", _("只有已经办（当场办结）的问题可以当场告知后直接销号。"))
    elif not data.get("spot_rating"):
        form.add_error("spot_rating", _("请选择反映人当场的评价：满意或基本满意。"))


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "dispatch": DispatchForm, "accept": AcceptForm, "return": ReturnForm,
    "request_extension": ExtensionRequestForm, "approve_extension": DecisionForm,
    "refuse_extension": DecisionForm, "make_long_term": LongTermForm, "resolve": ResolveForm,
    "feedback": FeedbackForm, "rate": RateForm, "close": CloseForm, "void": VoidForm,
    "supervise": SuperviseForm, "instruct": InstructForm, "check_item": CheckItemForm,
    "complete_milestone": MilestoneForm, "assign_handler": AssignHandlerForm, "merge": MergeForm,
}  # fmt: skip


def _point_errors(data: dict[str, Any]) -> dict[str, str]:
    """The place's point checked as the service will, said at its own field; on success the
    cleaned values are the stored ones."""
    from sanfuwu.issues.places import point_check

    try:
        data["latitude"], data["longitude"] = point_check(data.get("latitude"), data.get("longitude"))
    except forms.ValidationError as exc:
        return {field: "；".join(messages) for field, messages in exc.message_dict.items()}
    return {}


class IssueForm(StyledForm, forms.ModelForm[Issue]):
    """Registration: what a grid worker or dispatcher writes down about a problem."""

    told_on_spot = forms.BooleanField(
        label=_("已当场告知反映人（已经办，登记后直接销号）"), required=False,
        help_text=_("反映人当场知悉办理结果并作出评价时勾选：答复、回访、销号一并记录。"),
    )  # fmt: skip
    spot_rating = forms.ChoiceField(
        label=_("反映人当场评价"), required=False, widget=forms.RadioSelect, choices=SPOT_RATINGS
    )

    class Meta:
        model = Issue
        # told_on_spot and spot_rating are the form's own: with them issue_register closes an 已经办
        # problem in the same step, so the view passes them on with the model's fields.
        fields = ["title", "description", "source", "category", "tier", "target", "region", "address",
                  "latitude", "longitude", "raiser_name", "raiser_phone", "resolution", "told_on_spot",
                  "spot_rating"]  # fmt: skip
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
        self.fields["region"].help_text = _("选了联系对象或填了地址可不填：默认为其所在网格，或地址所在区域")
        self.fields["address"].help_text = _("问题发生的地点，例如 下沙街道头格社区 6 号大街 12 号")
        self.fields["latitude"].help_text = _("可选，WGS-84，例如 30.3086")
        self.fields["longitude"].help_text = _("可选，WGS-84，例如 120.3760")
        self.fields["tier"].initial = Tier.DEADLINE
        self.fields["source"].initial = "visit"
        self.style_widgets()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target = data.get("target")
        if not data.get("region"):
            from sanfuwu.issues.places import region_from_address

            named = region_from_address(data.get("address") or "", list(self.fields["region"].queryset))  # type: ignore[attr-defined]
            if target is not None:
                data["region"] = target.grid or target.region
            elif named is not None:
                data["region"] = named
            else:
                self.add_error(
                    "region", _("请选择问题所在区域，或选择联系对象，或填写含街道、社区名称的地址。")
                )
        point_errors = _point_errors(data)
        for field, message in point_errors.items():
            self.add_error(field, message)
        if data.get("tier") == Tier.DONE and len((data.get("resolution") or "").strip()) < 2:
            self.add_error("resolution", _("已经办的问题请填写现场办理结果。"))
        spot_check(self, data, tier_done=data.get("tier") == Tier.DONE)
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
