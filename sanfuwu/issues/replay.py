"""The history is the truth: replaying an issue's events yields its current workflow state.
Used by audits and by the property test that guards the workflow."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sanfuwu.issues.history import jsonable
from sanfuwu.issues.models import Issue, IssueEvent

DEFAULTS: dict[str, Any] = {
    "status": "", "tier": "", "lead_department": None, "due_date": None, "supervised": False,
    "supervision_level": "", "reopen_count": 0, "extension_count": 0, "long_term_plan": "",
    "resolution": "", "feedback": "", "rating": "", "void_reason": "", "dispatched_at": None,
    "accepted_at": None, "resolved_at": None, "closed_at": None, "handler": None, "duplicate_of": None,
}  # fmt: skip
FOREIGN_KEYS = frozenset({"lead_department", "handler", "duplicate_of"})


def issue_replay(events: Iterable[IssueEvent]) -> dict[str, Any]:
    state = dict(DEFAULTS)
    for event in events:
        state.update(event.changes)
        state["status"] = event.to_status
    return state


def issue_state(issue: Issue) -> dict[str, Any]:
    return {
        field: jsonable(getattr(issue, f"{field}_id" if field in FOREIGN_KEYS else field))
        for field in DEFAULTS
    }
