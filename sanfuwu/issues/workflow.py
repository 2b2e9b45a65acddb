"""Live actions on issues: the only way an issue changes once it is registered.

`issue_act` loads the issue's history, applies the action through the rules and the action's
step (sanfuwu.issues.history), then compares-and-sets `version`, writes the one event whose `seq`
is the new version and the rows the step added or changed, and schedules side effects for after
the commit. Refused or conflicting, it writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfuwu.issues.history import (
    History,
    NotAllowed,
    WorkflowError,
    event_model,
    history_load,
    history_save_step,
)
from sanfuwu.issues.models import Action, Issue, IssueEvent, Status
from sanfuwu.issues.notes import SystemNote
from sanfuwu.issues.rules import RULES, SYSTEM, Actor, Refusal, subject_missing
from sanfuwu.issues.steps import BLOCKERS
from sanfuwu.notify.issue_news import issue_news, issues_supervised_news
from sanfuwu.people.models import Person

__all__ = [
    "Conflict",
    "NotAllowed",
    "Offer",
    "WorkflowError",
    "action_offers",
    "allowed_actions",
    "issue_act",
    "issue_act_as_public",
    "issue_act_as_system",
    "issues_act_as_system",
]

log = logging.getLogger("sanfuwu.issues")


class Conflict(WorkflowError):
    pass


@dataclass(frozen=True)
class Offer:
    """An action the page shows this person: ready to take, or `blocked` with the reason it would
    be refused now whatever they typed (销号 before the return visit)."""

    action: str
    blocked: str | None = None


def action_offers(issue: Issue, actor: Person) -> list[Offer]:
    """What the issue's page offers this person now: the actions the rules let them take and that
    have something to act on, each ready or blocked with its reason."""
    h = history_load(issue.pk)
    who = Actor.of(actor)
    offers = []
    for action in RULES:
        if action == Action.REGISTER or h.refusal(action, who) is not None or subject_missing(h, action):
            continue
        blocker = BLOCKERS.get(action)
        offers.append(Offer(action, blocker(h) if blocker else None))
    return offers


def allowed_actions(issue: Issue, actor: Person) -> list[str]:
    """The actions this person may take on this issue now and that would not be refused outright."""
    return [offer.action for offer in action_offers(issue, actor) if offer.blocked is None]


def issue_act(*, issue: Issue, action: str, actor: Person, version: int, **payload: Any) -> Issue:
    """Take `action` on `issue` as `actor`, expecting the issue at `version`.

    Raises NotAllowed (the rules refuse), Conflict (someone else changed the issue since
    `version`), or ValidationError (bad input). In every case nothing is written.
    """
    return _act(issue.pk, action, Actor.of(actor), version, payload)


def issue_act_as_system(*, issue: Issue, action: str, version: int, **payload: Any) -> Issue:
    """For periodic work (automatic supervision of late issues): nobody acting, same rules of record."""
    return _act(issue.pk, action, SYSTEM, version, payload)


def issue_act_as_public(*, issue: Issue, action: str, channel: Person, version: int, **payload: Any) -> Issue:
    """The public channel's step for a raiser who showed the issue's tracking code (the edge has
    checked it): the raiser's own return visit (回访)."""
    return _act(issue.pk, action, Actor.public(channel), version, payload)


def issues_act_as_system(
    *, issue_ids: Sequence[int], action: str, still: Q | None = None, **payload: Any
) -> list[int]:
    """One system step on many issues, for periodic work at scale (a first run may find 100,000
    late issues). Each issue goes through the same rule and step as `issue_act_as_system`; those
    the rules refuse are left as they are. Then one UPDATE sets the step's fields on all the rest
    and one event row each is written: a few statements for the batch, not a transaction per
    issue. Only for steps that leave the status and the related rows alone and set the same
    fields on every issue (supervision). `still` is what each issue must still be, once locked, to
    be changed (late and not yet flagged). Returns the ids of the issues changed."""
    at = timezone.now()
    with transaction.atomic():
        # Locked on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the database.
        # Either way nobody changes these rows between their reading here and the UPDATE below.
        issues = Issue.objects.select_for_update().filter(pk__in=issue_ids).filter(still or Q())
        issues = issues.only("pk", "version", "status", "handler").order_by("pk")
        stepped: list[History] = []
        fields: dict[str, Any] | None = None
        for issue in issues:
            h = History(issue)
            before = issue.status
            try:
                change = h.apply(action, SYSTEM, at, payload)
            except (NotAllowed, ValidationError):
                continue
            if (
                change.to_status != before
                or change.add
                or change.update
                or fields not in (None, change.fields)
            ):
                raise ValueError(f"{action} cannot be taken in bulk")
            fields = change.fields
            stepped.append(h)
        if not stepped:
            return []
        changed = [h.issue.pk for h in stepped]
        Issue.objects.filter(pk__in=changed).update(version=F("version") + 1, **(fields or {}))
        IssueEvent.objects.bulk_create([event_model(h.issue.pk, e) for h in stepped for e in h.events])
        if action == Action.SUPERVISE:
            issues_supervised_news(changed)
        transaction.on_commit(lambda: log.info("%s issues %s by system", len(changed), action))
    return changed


def _conflict(current: Issue) -> Conflict:
    return Conflict(
        _("该问题刚刚已被他人处理（当前为“%(status)s”），页面已刷新为最新状态，请确认后再操作。")
        % {"status": Status(current.status).label}
    )


def _act(issue_id: int, action: str, actor: Actor, version: int, payload: dict[str, Any]) -> Issue:
    if action not in RULES or action == Action.REGISTER:
        raise NotAllowed(Refusal("status", _("未知的操作。")))
    at = timezone.now()
    with transaction.atomic():
        h = history_load(issue_id)
        if h.issue.version != version:
            raise _conflict(h.issue)
        from_status = h.issue.status
        if action == Action.MERGE and isinstance(payload.get("original"), Issue):
            # The original as it is now, held until the merge commits: a void or merge of it
            # committing meanwhile must be seen by the step, not a copy read before.
            held = Issue.objects.select_for_update().select_related("region")
            payload = {**payload, "original": held.get(pk=payload["original"].pk)}
        change = h.apply(action, actor, at, payload)
        _compare_and_set(h, version, change.fields)
        history_save_step(h)
        if action == Action.FEEDBACK:
            _answer_duplicates(h.issue, actor, at, h.issue.feedback)
        elif action == Action.VOID:
            reason = _("该问题不予办理：%(reason)s") % {"reason": h.issue.void_reason}
            _answer_duplicates(h.issue, actor, at, reason)
        elif action == Action.MERGE:
            _follow_original(h.issue, actor, at)
        issue_news(issue=h.issue, action=action, actor=actor.person, before=from_status, payload=payload)
        number, who = h.issue.number, actor.person.username if actor.person else "system"
        transaction.on_commit(
            lambda: log.info("%s %s %s → %s by %s", number, action, from_status, change.to_status, who)
        )
    return h.issue


def _answer_duplicates(original: Issue, actor: Actor, at: datetime, answer: str) -> None:
    """The raisers of the issues merged into `original` are answered with its answer (or told it
    was voided), each in their own issue's history (their tracking page and the company's page
    show it). Their issues stay void: the answer is all that moves, so no rule of the table is
    bypassed for a status."""
    note = SystemNote("merged_answer", {"number": original.number, "feedback": answer})
    dups = Issue.objects.select_for_update().filter(duplicate_of=original).only("pk", "version", "status")
    for dup in dups:
        Issue.objects.filter(pk=dup.pk).update(feedback=answer, version=F("version") + 1)
        IssueEvent.objects.create(
            issue_id=dup.pk, seq=dup.version + 1, action=Action.FEEDBACK, actor=actor.person, at=at,
            from_status=dup.status, to_status=dup.status, note=str(note), system_note=note.stored(),
            changes={"feedback": answer},
        )  # fmt: skip


def _follow_original(merged: Issue, actor: Actor, at: datetime) -> None:
    """Issues merged into `merged` before it was itself merged follow it to its original, so that
    their raisers are answered when that one is: a duplicate never points at a void issue."""
    original = merged.duplicate_of
    if original is None:
        return
    note = SystemNote("merge", {"number": original.number, "note": ""})
    dups = Issue.objects.select_for_update().filter(duplicate_of=merged).only("pk", "version", "status")
    for dup in dups:
        Issue.objects.filter(pk=dup.pk).update(duplicate_of=original, version=F("version") + 1)
        IssueEvent.objects.create(
            issue_id=dup.pk, seq=dup.version + 1, action=Action.MERGE, actor=actor.person, at=at,
            from_status=dup.status, to_status=dup.status, note=str(note), system_note=note.stored(),
            changes={"duplicate_of": original.pk},
        )  # fmt: skip


def _compare_and_set(h: History, version: int, fields: dict[str, Any]) -> None:
    """Write the issue's new state only if nobody wrote it since it was read at `version`: between
    that read and this write another transaction may have committed (PostgreSQL does not
    serialise them), and then this one must lose."""
    updated = Issue.objects.filter(pk=h.issue.pk, version=version).update(
        status=h.issue.status, version=F("version") + 1, **fields
    )
    if updated != 1:
        raise Conflict(_("该问题刚刚已被他人处理，页面已刷新为最新状态，请确认后再操作。"))
