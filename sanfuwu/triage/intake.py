"""What registration asks of triage: the new issue indexed for the duplicate search, and the
suggestion its registrar was shown kept beside the category they chose."""

from __future__ import annotations

from sanfuwu.issues.models import Issue
from sanfuwu.triage.similar import issue_bands_write
from sanfuwu.triage.suggest import issue_suggest_at_register


def issue_note_intake(*, issue: Issue) -> None:
    issue_bands_write(issue)
    issue_suggest_at_register(issue=issue)
