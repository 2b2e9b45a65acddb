"""Periodic work on issues, run hourly by the job queue (sanfuwu.issues.jobs) or by `sanfuwu supervise_overdue`."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from sanfuwu.issues.models import RUNNING_STATUSES, Action, Issue, SupervisionLevel
from sanfuwu.issues.workflow import issues_act_as_system

BATCH = 1000  # issues per transaction: short enough that nobody waits long for the database


def late_unflagged(today: date) -> Q:
    """Running, past its deadline, not yet on the board. Read from the partial index
    `issue_late_unflagged`: an hour with nothing newly late costs one probe of it, however many
    issues the district has."""
    return Q(status__in=RUNNING_STATUSES, supervised=False, due_date__lt=today)


def issues_flag_overdue(*, today: date | None = None) -> int:
    """Put every late, unflagged issue on the board (挂牌督办, 一般), each with its own event."""
    today = today or timezone.localdate()
    flagged = 0
    still_late = late_unflagged(today)
    late = Issue.objects.filter(still_late)
    after = 0
    while True:
        ids = list(late.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return flagged
        # Re-checked under the workflow's rules inside; an issue resolved meanwhile stays as it is.
        flagged += len(
            issues_act_as_system(
                issue_ids=ids, action=Action.SUPERVISE, still=still_late, level=SupervisionLevel.GENERAL
            )
        )
        after = ids[-1]
