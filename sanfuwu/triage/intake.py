"""What registration asks of triage: the new issue indexed for the duplicate search and for
共性问题 (its topic), and the suggestion its registrar was shown kept beside the category chosen."""

from __future__ import annotations

from sanfuwu.issues.models import Issue
from sanfuwu.triage.similar import issue_bands_write
from sanfuwu.triage.suggest import issue_suggest_at_register
from sanfuwu.triage.topics import issue_topic_write


def issue_note_intake(*, issue: Issue) -> None:
    issue_bands_write(issue, new=True)
    issue_topic_write(issue, new=True)
    issue_suggest_at_register(issue=issue)
