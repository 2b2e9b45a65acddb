"""Response templates: the answer to the raiser, prefilled from the category's wording."""

from __future__ import annotations

from sanfuwu.issues.models import Issue, ResponseTemplate, Status

DEFAULT_FEEDBACK = "您反映的“{标题}”（编号 {编号}）已由{部门}办理：{结果}。感谢您对我们工作的支持。"


def feedback_suggestion(issue: Issue) -> str:
    template = (
        ResponseTemplate.objects.filter(category=issue.category, status=Status.RESOLVED).first()
        or ResponseTemplate.objects.filter(category__isnull=True, status=Status.RESOLVED).first()
    )
    text = template.text if template else DEFAULT_FEEDBACK
    values = {
        "{编号}": issue.number,
        "{标题}": issue.title,
        "{部门}": issue.lead_department.name if issue.lead_department else "",
        "{结果}": issue.resolution.rstrip("。"),
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text
