"""An issue's history, built one step at a time in memory: the one writer of every transition.

`History.apply` asks the rules whether the actor may take the action now, lets the action's step
(sanfuwu.issues.steps) decide what changes, and applies that change to the issue and its related
rows in memory, recording the event. Nothing here touches the database but the two writers at
the end: a live action persists its one step (workflow.py does that, with a compare-and-set on
the issue's version), and the ledger import and the demo write whole histories in bulk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from django.db import models

from sanfuwu.core.bulk import objects_insert, rows_insert
from sanfuwu.issues.models import (
    Assignment,
    Attachment,
    ChecklistItem,
    ExtensionRequest,
    Instruction,
    Issue,
    IssueEvent,
    Milestone,
)
from sanfuwu.issues.notes import SystemNote, note_value
from sanfuwu.issues.rules import Actor, Refusal, acting_for, rule_refusal
from sanfuwu.workdays.calendar import add_workdays

Row = Assignment | ExtensionRequest | Milestone | Instruction | ChecklistItem | Attachment


class WorkflowError(Exception):
    """An action refused as a whole, with a reason in Chinese (field errors use ValidationError)."""


class NotAllowed(WorkflowError):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


class Calendar(Protocol):
    def add(self, start: date, workdays: int) -> date:
        """The due date `workdays` working days after `start`; UnknownYearError when a year is unknown."""
        ...


class Workdays:
    """The district's working-day calendar as entered by administrators (sanfuwu.workdays)."""

    def add(self, start: date, workdays: int) -> date:
        return add_workdays(start, workdays)


@dataclass(frozen=True)
class Change:
    """What a step decided: the issue's new status and fields, the note of its event, the related
    rows it adds (unsaved) and the values it sets on rows the issue already has."""

    to_status: str
    fields: dict[str, Any] = field(default_factory=dict)
    note: str | SystemNote = ""
    add: tuple[Row, ...] = ()
    update: tuple[tuple[Row, dict[str, Any]], ...] = ()


@dataclass(slots=True)
class EventRow:
    """An IssueEvent to be written, without the cost of a model instance (a ledger has many)."""

    seq: int
    action: str
    actor_id: int | None
    at: datetime
    from_status: str
    to_status: str
    note: str
    changes: dict[str, Any]
    system_note: dict[str, Any] | None = None


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


class History:
    """One issue with the rows the workflow keeps beside it, and the events recorded since it was
    loaded (or since it was new)."""

    def __init__(
        self,
        issue: Issue,
        *,
        assignments: Iterable[Assignment] = (),
        extensions: Iterable[ExtensionRequest] = (),
        milestones: Iterable[Milestone] = (),
        instructions: Iterable[Instruction] = (),
        checklist: Iterable[ChecklistItem] = (),
        calendar: Calendar | None = None,
    ) -> None:
        self.issue = issue
        self.assignments = list(assignments)
        self.extensions = list(extensions)
        self.milestones = list(milestones)
        self.instructions = list(instructions)
        self.checklist = list(checklist)
        # Only the files a step adds (a resolve's evidence); the issue's earlier files stay unread.
        self.attachments: list[Attachment] = []
        self.calendar: Calendar = calendar or Workdays()
        self.events: list[EventRow] = []
        self.added: list[Row] = []
        self.updated: list[tuple[Row, dict[str, Any]]] = []

    @property
    def last_at(self) -> datetime | None:
        return self.events[-1].at if self.events else None

    def refusal(self, action: str, actor: Actor) -> Refusal | None:
        return rule_refusal(self, action, actor)

    def apply(
        self,
        action: str,
        actor: Actor,
        at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        remark: str = "",
    ) -> Change:
        """Take `action` as `actor` at `at`. Raises NotAllowed (the rules refuse) or ValidationError
        (the payload is wrong, at its field); either way nothing has changed. `remark` stands as
        the event's note where the step has none to write (a ledger's "据历史台账补录")."""
        from sanfuwu.issues.steps import STEPS

        refusal = rule_refusal(self, action, actor)
        if refusal is not None:
            raise NotAllowed(refusal)
        change = STEPS[action](self, actor, at, payload or {})
        absent_id = acting_for(self, action, actor)
        if absent_id is not None:
            # A stand-in acts in their own name, for the handler away: "代 张三".
            handler = self.issue.handler
            name = handler.name if handler else str(absent_id)
            note = change.note or remark
            on_behalf = (
                SystemNote("on_behalf_note", {"note": note_value(note), "name": name})
                if note
                else SystemNote("on_behalf", {"name": name})
            )
            change = replace(change, note=on_behalf)
        self._record(action, actor, at, change, remark)
        return change

    def _record(self, action: str, actor: Actor, at: datetime, change: Change, remark: str) -> None:
        issue = self.issue
        seq = issue.version + 1 if issue.status else 1
        # A system-written note is kept worded as the writer reads it and as a key for every reader.
        system = change.note.stored() if isinstance(change.note, SystemNote) else None
        self.events.append(
            EventRow(
                seq=seq, action=action, actor_id=actor.person.pk if actor.person else None, at=at,
                from_status=issue.status, to_status=change.to_status, note=str(change.note) or remark,
                changes={key: jsonable(value) for key, value in change.fields.items()}, system_note=system,
            )
        )  # fmt: skip
        for key, value in change.fields.items():
            setattr(issue, key, value)
        issue.status, issue.version = change.to_status, seq
        for row in change.add:
            self._rows_of(row).append(row)
            self.added.append(row)
        for row, values in change.update:
            for key, value in values.items():
                setattr(row, key, value)
            self.updated.append((row, values))

    def _rows_of(self, row: Row) -> list[Any]:
        lists: dict[type[models.Model], list[Any]] = {
            Assignment: self.assignments, ExtensionRequest: self.extensions, Milestone: self.milestones,
            Instruction: self.instructions, ChecklistItem: self.checklist, Attachment: self.attachments,
        }  # fmt: skip
        return lists[type(row)]


def history_load(issue_id: int) -> History:
    """An issue as it stands in the database, with the rows its next step may read or change."""
    issue = Issue.objects.select_related("lead_department", "category", "region", "target", "handler").get(
        pk=issue_id
    )
    return History(
        issue,
        assignments=Assignment.objects.filter(issue_id=issue_id).order_by("dispatched_at", "id"),
        extensions=ExtensionRequest.objects.filter(issue_id=issue_id).order_by("requested_at", "id"),
        milestones=Milestone.objects.filter(issue_id=issue_id),
        checklist=ChecklistItem.objects.filter(issue_id=issue_id),
    )


EVENT_COLUMNS = [
    "issue", "seq", "action", "actor", "at", "from_status", "to_status", "note", "changes", "system_note",
]  # fmt: skip
ROW_KINDS: tuple[type[models.Model], ...] = (
    Assignment,
    ExtensionRequest,
    Milestone,
    Instruction,
    ChecklistItem,
    Attachment,
)


def history_save_step(h: History) -> None:
    """Write what one live step recorded on an issue already saved: its event, the rows it added
    and the rows it changed. The caller has compared-and-set the issue itself."""
    for event in h.events:
        event_model(h.issue.pk, event).save(force_insert=True)
    for kind in ROW_KINDS:
        rows = [row for row in h.added if type(row) is kind]
        for row in rows:
            row.issue_id = h.issue.pk
        if rows:
            kind.objects.bulk_create(rows)  # type: ignore[attr-defined]
    for row, values in h.updated:
        type(row).objects.filter(pk=row.pk).update(**values)
    h.events, h.added, h.updated = [], [], []


def event_model(issue_id: int, event: EventRow) -> IssueEvent:
    return IssueEvent(
        issue_id=issue_id, seq=event.seq, action=event.action, actor_id=event.actor_id, at=event.at,
        from_status=event.from_status, to_status=event.to_status, note=event.note, changes=event.changes,
        system_note=event.system_note,
    )  # fmt: skip


def histories_write(histories: Sequence[History]) -> None:
    """Write new issues and everything their histories carry, in bulk: a few statements for a
    whole batch. Every row here is new; the issues' numbers are already set and unique."""
    objects_insert(Issue, [h.issue for h in histories])
    ids = dict(
        Issue.objects.filter(number__in=[h.issue.number for h in histories]).values_list("number", "id")
    )
    events: list[tuple[Any, ...]] = []
    rows: dict[type[models.Model], list[Any]] = {kind: [] for kind in ROW_KINDS}
    for h in histories:
        issue_id = ids[h.issue.number]
        h.issue.pk = issue_id
        events += [
            (
                issue_id,
                e.seq,
                e.action,
                e.actor_id,
                e.at,
                e.from_status,
                e.to_status,
                e.note,
                e.changes,
                e.system_note,
            )
            for e in h.events
        ]
        for row in h.added:
            row.issue_id = issue_id
            rows[type(row)].append(row)
    rows_insert(IssueEvent, EVENT_COLUMNS, events)
    for kind, objects in rows.items():
        objects_insert(kind, objects)
