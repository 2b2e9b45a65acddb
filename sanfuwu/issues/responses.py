"""Response templates: the answer to the raiser, prefilled from the category's wording."""

from __future__ import annotations

from sanfuwu.issues.models import Issue, ResponseTemplate, Status

DEFAULT_FEEDBACK = "您反映的“{标题}”（编号 {编号}）已由{部门}办理：{结果}。感谢您对我们工作的支持。"

# The demo's wording for categories where the answer usually says more than the result.
CATEGORY_FEEDBACK = {
    "road": "您反映的“{标题}”（编号 {编号}）已由{部门}现场核实并处理：{结果}。"
    "后续如路面再次出现破损，可通过三服务平台或12345热线反映。",
    "talent": "您好！您反映的“{标题}”（编号 {编号}）已由{部门}办理：{结果}。"
    "人才政策咨询可拨打区人才服务窗口电话，我们将持续做好服务。",
    "labour": "您反映的“{标题}”（编号 {编号}）已由{部门}协调办理：{结果}。"
    "如需用工、培训方面的帮助，欢迎随时联系属地三服务专员。",
    "finance": "您反映的“{标题}”（编号 {编号}）已由{部门}对接金融机构办理：{结果}。"
    "相关融资政策可在区政府门户网站“惠企政策”栏目查询。",
}


def feedback_suggestion(issue: Issue) -> str:
    # The category's wording for the issue's state first, then the general one; resolved as the fallback state.
    candidates = ResponseTemplate.objects.filter(status__in=[issue.status, Status.RESOLVED])
    template = min(
        candidates.filter(category=issue.category) | candidates.filter(category__isnull=True),
        key=lambda t: (t.category_id is None, t.status != issue.status, t.pk),
        default=None,
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
