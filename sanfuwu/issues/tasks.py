"""Periodic work on issues, run hourly by the job queue (sanfuwu.issues.jobs) or by `sanfuwu supervise_overdue`."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from sanfuwu.issues.models import RUNNING_STATUSES, Issue, SupervisionLevel
from sanfuwu.issues.workflow import Conflict, NotAllowed, issue_act_as_system


def issues_flag_overdue(*, today: date | None = None) -> int:
    """Put every late, unflagged issue on the board (挂牌督办, 一般), each with its own event."""
    today = today or timezone.localdate()
    flagged = 0
    late = Issue.objects.filter(status__in=RUNNING_STATUSES, due_date__lt=today, supervised=False)
    for issue in late.only("pk", "version").iterator(chunk_size=500):
        try:
            issue_act_as_system(
                issue=issue, action="supervise", version=issue.version, level=SupervisionLevel.GENERAL
            )
        except (Conflict, NotAllowed):
            continue  # someone acted on it meanwhile; the next run sees it again
        flagged += 1
    return flagged
