"""The answer to the raiser is prefilled from the most specific response template."""

from __future__ import annotations

from sanfuwu.issues.models import ResponseTemplate, Status
from sanfuwu.issues.responses import DEFAULT_FEEDBACK, feedback_suggestion
from sanfuwu.orgs.models import Category
from tests.issues.conftest import Cast, issue_in


def test_it_fills_the_placeholders_of_the_default_wording(cast: Cast) -> None:
    issue = issue_in(Status.RESOLVED, cast)
    text = feedback_suggestion(issue)
    assert DEFAULT_FEEDBACK.startswith("您反映的")
    assert issue.number in text and issue.title in text and "建设局" in text
    assert issue.resolution.rstrip("。") in text and "{" not in text


def test_it_prefers_the_categorys_template_to_the_general_one(cast: Cast) -> None:
    ResponseTemplate.objects.create(status=Status.RESOLVED, text="通用：{编号}")
    ResponseTemplate.objects.create(
        category=cast.category, status=Status.RESOLVED, text="道路：{编号}已由{部门}修复"
    )
    other = Category.objects.create(code="noise", name="噪音", default_department=cast.world.jianshe)
    ResponseTemplate.objects.create(category=other, status=Status.RESOLVED, text="噪音：{编号}")
    issue = issue_in(Status.RESOLVED, cast)
    assert feedback_suggestion(issue) == f"道路：{issue.number}已由建设局修复"


def test_it_prefers_the_wording_for_the_issues_own_state(cast: Cast) -> None:
    ResponseTemplate.objects.create(category=cast.category, status=Status.RESOLVED, text="已办结：{编号}")
    ResponseTemplate.objects.create(
        category=cast.category, status=Status.LONG_TERM, text="长效办理中：{编号}"
    )
    long_term = issue_in(Status.LONG_TERM, cast)
    assert feedback_suggestion(long_term) == f"长效办理中：{long_term.number}"
    resolved = issue_in(Status.RESOLVED, cast)
    assert feedback_suggestion(resolved) == f"已办结：{resolved.number}"


def test_it_falls_back_to_the_general_template(cast: Cast) -> None:
    ResponseTemplate.objects.create(status=Status.RESOLVED, text="通用答复 {编号}")
    issue = issue_in(Status.RESOLVED, cast)
    assert feedback_suggestion(issue) == f"通用答复 {issue.number}"
