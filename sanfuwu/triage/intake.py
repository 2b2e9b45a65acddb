"""What registration asks of triage: the new issue indexed for the duplicate search and for
共性问题 (its topic), and the suggestion its registrar was shown kept beside the category chosen."""

from __future__ import annotations

from django.db.models import QuerySet

from sanfuwu.issues.models import Issue
from sanfuwu.triage.similar import issue_bands_write, issues_bands_backfill
from sanfuwu.triage.suggest import issue_suggest_at_register
from sanfuwu.triage.topics import issue_topic_write, issues_topics_backfill


def issue_note_intake(*, issue: Issue) -> None:
    issue_bands_write(issue, new=True)
    issue_topic_write(issue, new=True)
    issue_suggest_at_register(issue=issue)


def issues_index(issues: QuerySet[Issue]) -> int:
    """Issues written in bulk (an imported ledger, the demo) indexed as registration indexes one:
    for the duplicate search and by topic. Returns how many were indexed."""
    done = issues_bands_backfill(issues)
    issues_topics_backfill(issues)
    return done
