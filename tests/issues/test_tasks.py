from datetime import date

from django.core.management import call_command

from sanfuwu.issues.models import Issue, IssueEvent, Status
from sanfuwu.issues.tasks import issues_flag_overdue
from tests.issues.conftest import Cast, issue_in


def test_it_flags_late_issues_once_with_a_system_event(cast: Cast):
    late = issue_in(Status.IN_PROGRESS, cast)
    on_time = issue_in(Status.IN_PROGRESS, cast)
    Issue.objects.filter(pk=late.pk).update(due_date=date(2025, 3, 3))
    Issue.objects.filter(pk=on_time.pk).update(due_date=date(2099, 1, 1))
    assert issues_flag_overdue(today=date(2025, 3, 4)) == 1
    flagged = Issue.objects.get(pk=late.pk)
    assert flagged.supervised and flagged.supervision_level == "general"
    event = IssueEvent.objects.get(issue=late, seq=flagged.version)
    assert event.action == "supervise" and event.actor is None and "超期" in event.note
    assert not Issue.objects.get(pk=on_time.pk).supervised
    assert issues_flag_overdue(today=date(2025, 3, 4)) == 0


def test_it_leaves_an_issue_due_today_alone(cast: Cast):
    issue = issue_in(Status.ASSIGNED, cast)
    Issue.objects.filter(pk=issue.pk).update(due_date=date(2025, 3, 4))
    assert issues_flag_overdue(today=date(2025, 3, 4)) == 0


def test_the_command_reports_what_it_flagged(cast: Cast, capsys):
    issue = issue_in(Status.ASSIGNED, cast)
    Issue.objects.filter(pk=issue.pk).update(due_date=date(2020, 1, 2))
    call_command("supervise_overdue")
    assert "已挂牌督办 1 件" in capsys.readouterr().out
